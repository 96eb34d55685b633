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

import re
from pathlib import Path

from nbkit.errors import SchemaError

COLUMNS_DIR = Path(__file__).parent / "ddl" / "columns"

_MARKER = re.compile(r"/\*\s*include\s+columns\s*:\s*(?P<name>[^*(]*?)\s*"
                     r"(?:\((?P<args>[^*)]*)\)\s*)?\*/")
_NAME = re.compile(r"[a-z][a-z0-9_]*")
_MENTION = re.compile(r"include\s+columns", re.IGNORECASE)
_PLACEHOLDER = "{name}"


def render(ddl: str, source: str) -> str:
    """``ddl`` with every ``/* include columns: GROUP */`` replaced by the group's columns.

    Raises:
        SchemaError: a marker names an unknown group or is malformed, names are missing
            (or given) for a parameterised (or plain) group, or a group is malformed.
    """
    blanked = _MARKER.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), ddl)
    stray = _MENTION.search(blanked)
    if stray:
        line = blanked[:stray.start()].count("\n") + 1
        raise SchemaError(f"{source}: unrecognised include at line {line}: "
                          f"{ddl.splitlines()[line - 1].strip()!r}",
                          "write it exactly as /* include columns: GROUP */ or "
                          "/* include columns: GROUP(name, ...) */ (a block comment)")
    return _MARKER.sub(lambda m: _expand(m, ddl, source), ddl)


def names() -> list[str]:
    """Every group name, sorted."""
    return sorted(p.stem for p in COLUMNS_DIR.glob("*.sql"))


def _expand(match: re.Match, ddl: str, source: str) -> str:
    name, args = match.group("name"), match.group("args")
    body = _group(name, source)
    indent = "\n" + " " * (match.start() - ddl.rfind("\n", 0, match.start()) - 1)
    if _PLACEHOLDER not in body:
        if args is not None:
            raise SchemaError(f"{source}: column group {name!r} takes no names",
                              f"write /* include columns: {name} */")
        return body.replace("\n", indent)
    params = [a.strip() for a in (args or "").split(",")]
    if args is None or not all(_NAME.fullmatch(a) for a in params):
        got = "none" if args is None else repr(args)
        raise SchemaError(f"{source}: column group {name!r} takes one or more names (got {got})",
                          f"write /* include columns: {name}(first, second, ...) */ "
                          "(plain names: lowercase letters, digits, _)")
    return f",{indent}".join(body.replace(_PLACEHOLDER, a).replace("\n", indent)
                             for a in params)


def _group(name: str, source: str) -> str:
    if not _NAME.fullmatch(name):
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
    if _MENTION.search(body):
        raise SchemaError(f"Column group {name!r} includes another group ({path})",
                          "groups do not nest: include both from the table's DDL")
    if not body or body.endswith(","):
        raise SchemaError(f"Column group {name!r} is empty or ends with a comma ({path})",
                          "write its column definitions, comma-separated, with no trailing "
                          "comma: the DDL writes the comma after the marker")
    return body
