"""Named column groups: columns that several tables share, written once.

A DDL file may stand an include marker where a group's columns stand::

    data_hash STRING,
    /* include columns: completeness_tracking */,
    /* include columns: source_lineage(nbac, bdl) */,
    processed_at TIMESTAMP

``render`` replaces each marker with ``ddl/columns/<name>.sql`` before the DDL is parsed:
column definitions, comma-separated, no trailing comma (the DDL writes the comma after the
marker, as after any column). A group whose columns hold ``{name}`` is parameterised: it is
included with one or more names and repeats once per name, ``{name}`` replaced by it. A
group's leading ``--`` lines document it and are not included. Groups do not nest. Built-in
and project DDL (``pipeline.ddl``) may include the built-in groups; see ``ddl/columns/README.md``.
"""

from __future__ import annotations

from pathlib import Path

from nbkit import includes
from nbkit.errors import SchemaError

COLUMNS_DIR = Path(__file__).parent / "ddl" / "columns"


def render(ddl: str, source: str) -> str:
    """``ddl`` with every ``/* include columns: GROUP */`` replaced by the group's columns
    (the include grammar: ``nbkit.includes``).

    Raises:
        SchemaError: a marker names an unknown group or is malformed, names are missing
            (or given) for a parameterised (or plain) group, or a group is malformed.
    """
    return includes.render(ddl, "columns", "column group", lambda name: ("", _group(name, source)),
                           lambda problem, fix, name: SchemaError(f"{source}: {problem}", fix))


def names() -> list[str]:
    """Every group name, sorted."""
    return sorted(p.stem for p in COLUMNS_DIR.glob("*.sql"))


def _group(name: str, source: str) -> str:
    if not includes.NAME.fullmatch(name):
        raise SchemaError(f"{source}: {name!r} is not a column group name",
                          "name a file of nbkit/schema/ddl/columns/ without .sql "
                          "(lowercase letters, digits, _)")
    path = COLUMNS_DIR / f"{name}.sql"
    if not path.is_file():
        raise SchemaError(f"Column group {name!r} included by {source} does not exist ({path})",
                          f"create nbkit/schema/ddl/columns/{name}.sql or correct the name "
                          f"in the include marker (groups: {', '.join(names()) or 'none yet'})")
    lines = path.read_text().splitlines()
    while lines and (not lines[0].strip() or lines[0].lstrip().startswith("--")):
        lines.pop(0)
    body = "\n".join(lines).strip()
    if includes.mentions(body, "columns"):
        raise SchemaError(f"Column group {name!r} includes another group ({path})",
                          "groups do not nest: include both from the table's DDL")
    if not body or body.endswith(","):
        raise SchemaError(f"Column group {name!r} is empty or ends with a comma ({path})",
                          "write its column definitions, comma-separated, with no trailing "
                          "comma: the DDL writes the comma after the marker")
    return body
