"""User checks: a SQL assertion per processor, declared in one ``.sql`` file.

The file's header (``/* nbkit check`` ... ``*/``) names the check, its processor and its
severity; the SELECT after it runs over ``@dates`` and returns the failing rows (none: the
check passes), as dbt tests and SQLMesh audits do. A ``data_date`` column, or the
processor's date column, says which date a failing row belongs to; without one, every
checked date carries all failures. Run after each chunk of the processor (a blocking
failure fails the date, so its downstream waits; a warning is an alert) and in the gates.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from nbkit.processors import fragments, header
from nbkit.processors.header import DeclarationError
from nbkit.schema.user import sql_files

SEVERITIES = ("blocking", "warning")


@dataclass(frozen=True)
class Check:
    """One check: ``sql`` returns the failing rows for ``@dates``."""

    name: str
    processor: str
    severity: str
    sql: str
    path: Path
    description: str = ""

    @property
    def blocking(self) -> bool:
        return self.severity == "blocking"


def load_all(folders, processors: dict) -> list[Check]:
    """Every check in the ``pipeline.checks`` folders, each naming a known processor.

    Raises:
        DeclarationError: a bad header, an unknown processor or severity, a duplicate name,
            or SQL that does not parse.
    """
    from nbkit.processors.reads import parse_select

    out: dict[str, Check] = {}
    for path in sql_files(folders, "pipeline.checks"):
        parsed = header.parse(path)
        if parsed.kind != "check":
            raise DeclarationError(f"{path}: a processor in pipeline.checks",
                                   "start a check with /* nbkit check, or move the file to "
                                   "a pipeline.processors folder")
        values = parsed.values
        if values["processor"] not in processors:
            import difflib

            close = difflib.get_close_matches(values["processor"], list(processors), n=1)
            raise DeclarationError(f"{path}: processor {values['processor']!r} is unknown",
                                   f"did you mean {close[0]!r}?" if close
                                   else f"use one of: {', '.join(processors)}")
        severity = values["severity"].lower()
        if severity not in SEVERITIES:
            raise DeclarationError(f"{path}: severity {values['severity']!r} is unknown",
                                   "write severity: blocking or severity: warning")
        if values["name"] in out:
            raise DeclarationError(f"{path}: check name {values['name']!r} is already used by "
                                   f"{out[values['name']].path}", "rename one of the two")
        sql = fragments.render(parsed.sql, str(path))
        parse_select(sql, path)
        out[values["name"]] = Check(values["name"], values["processor"], severity, sql, path,
                                    values.get("description", ""))
    return list(out.values())
