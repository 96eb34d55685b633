"""The declaration header of a ``.sql`` file: a leading block comment of ``key: value`` lines.

A processor file stays valid BigQuery SQL, as SQLMesh's ``MODEL (...)`` block keeps a model
in one file::

    /* nbkit processor
    name: player_points_baseline
    stage: 5
    target: nba_predictions.player_points_baseline
    date_column: game_date
    keys: game_date, player_lookup
    lookback_days: 0
    skips_bootstrap: true
    expected_rows: expected/player_points_baseline.sql
    */
    SELECT ...

A check file starts with ``/* nbkit check`` instead. Parsing is strict: an unknown key
(with a did-you-mean), a repeated key, a line that is not ``key: value`` or a missing
required key is refused, naming the file and line.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from nbkit.errors import NbkitError


class DeclarationError(NbkitError):
    """Raised by the catalogue for a processor, check or external declaration it refuses."""


PROCESSOR_KEYS = {
    "name": "registry name: lowercase letters, digits and _",
    "stage": "the stage it runs in (built-ins: 3 and 4); the gate after a stage guards the next",
    "target": "dataset.table written, declared in a pipeline.ddl file",
    "date_column": "the DATE column replaced per date (default game_date)",
    "keys": "the grain, comma-separated: no two rows share these values",
    "lookback_days": "days before a date that the SQL reads from upstream (default 0)",
    "skips_bootstrap": "true: no output in a season's bootstrap window (default false)",
    "expected_rows": "a .sql file (relative to this one) or a one-line SELECT returning "
                     "(data_date, expected_rows) for @dates",
    "upstream": "optional, comma-separated processors; checked against what the SQL reads",
    "upstream_tables": "optional, comma-separated tables; checked against what the SQL reads",
    "run_history_name": "processor_name in processor_run_history (default: CamelCase name)",
    "description": "one line shown by nbkit plan and the notebooks",
}
CHECK_KEYS = {
    "name": "the check's name, shown in the gates",
    "processor": "the processor whose dates it checks, after each chunk",
    "severity": "blocking (a failing date is failed, its downstream waits) or warning",
    "description": "one line shown in the gates",
}
_OPEN = re.compile(r"\A\s*/\*\s*nbkit\s+(?P<kind>processor|check)\b[^\n]*\n(?P<body>.*?)\*/",
                   re.DOTALL)
_LINE = re.compile(r"^(?P<key>[A-Za-z_][A-Za-z0-9_-]*)\s*:\s*(?P<value>.*)$")
NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


@dataclass(frozen=True)
class Header:
    """A parsed header: its kind, values by key, the SQL after it, and the file."""

    kind: str
    values: dict[str, str]
    sql: str
    path: Path


def parse(path: Path, text: str | None = None) -> Header:
    """The header of one ``.sql`` file.

    Raises:
        DeclarationError: no header, an unknown or repeated key, a malformed line or a
            missing required key; the message names the file and line.
    """
    text = path.read_text() if text is None else text
    match = _OPEN.match(text)
    if not match:
        raise DeclarationError(f"{path}: no declaration header",
                               "start the file with a /* nbkit processor ... */ (or "
                               "/* nbkit check ... */) block of key: value lines")
    kind = match.group("kind")
    known = PROCESSOR_KEYS if kind == "processor" else CHECK_KEYS
    first_line = text[:match.start("body")].count("\n") + 1
    values: dict[str, str] = {}
    for offset, raw in enumerate(match.group("body").splitlines()):
        line = raw.strip()
        if not line or line.startswith("--"):
            continue
        where = f"{path}:{first_line + offset}"
        found = _LINE.match(line)
        if not found:
            raise DeclarationError(f"{where}: {line!r} is not a key: value line",
                                   f"write one key: value per line ({', '.join(known)})")
        key, value = found.group("key").lower(), found.group("value").strip()
        if key not in known:
            close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.5)
            fix = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(known)}"
            raise DeclarationError(f"{where}: unknown header key {key!r}", fix)
        if key in values:
            raise DeclarationError(f"{where}: key {key!r} given twice", "keep one of them")
        values[key] = value
    required = ("name", "stage", "target", "keys") if kind == "processor" else \
        ("name", "processor", "severity")
    missing = [k for k in required if not values.get(k)]
    if missing:
        raise DeclarationError(f"{path}: header lacks {', '.join(missing)}",
                               f"add {missing[0]}: ({known[missing[0]]})")
    if not NAME_RE.match(values["name"]):
        raise DeclarationError(f"{path}: name {values['name']!r} is not a plain name",
                               "use lowercase letters, digits and _, starting with a letter")
    return Header(kind, values, text[match.end():].lstrip("\n"), path)


def kind_of(text: str) -> str | None:
    """``processor``, ``check`` or None (no header) for a file's text."""
    match = _OPEN.match(text)
    return match.group("kind") if match else None


def split_list(value: str | None) -> tuple[str, ...]:
    return tuple(v.strip() for v in (value or "").split(",") if v.strip())


def as_int(header: Header, key: str, default: int, low: int, high: int) -> int:
    raw = header.values.get(key)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise DeclarationError(f"{header.path}: {key} {raw!r} is not a whole number in "
                               f"{low}..{high}", f"write e.g. {key}: {default or low}")
    return value


def as_bool(header: Header, key: str, default: bool) -> bool:
    raw = header.values.get(key, "").lower()
    if raw == "":
        return default
    if raw in ("true", "yes", "1"):
        return True
    if raw in ("false", "no", "0"):
        return False
    raise DeclarationError(f"{header.path}: {key} {raw!r} is not true or false",
                           f"write {key}: true or {key}: false")
