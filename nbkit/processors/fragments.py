"""Named SQL fragments: CTEs or SELECT columns that several processors share, written once.

A processor's SQL file may stand an include marker where its own CTEs stand::

    WITH
    /* include fragment: season_bounds */,
    /* include fragment: season_window */,
    player_games AS (...)
    SELECT ...

or where its own columns stand in a SELECT list::

    SELECT
      player_lookup,
      /* include fragment: phase4_processing_state(analysis_date) */,
      CURRENT_TIMESTAMP() AS processed_at

``render`` replaces each marker with ``sql/fragments/<name>.sql``: one or more complete
CTEs (``name AS (...)``) or SELECT columns, comma-separated, no trailing comma, so the
comma after the marker, or what follows it, reads as it would after any CTE or column. A
fragment may read CTEs or columns of the including SQL (its header says which). A fragment
whose text (below its leading ``--`` lines) holds ``{name}`` is parameterised, as a DDL
column group is (``nbkit.schema.columns``): it is included with one or more plain names,
``NAME(first, second)``, and repeats once per name with ``{name}`` replaced by it; its
header stands once. Lines after the first are indented to the marker's column. The result
is still one BigQuery statement over ``@dates``; it is what runs, what ``code_version``
hashes and what anything that shows a processor's SQL shows. Fragments do not nest. The
rules for writing one: ``sql/fragments/README.md``.
"""

from __future__ import annotations

import re
from pathlib import Path

from nbkit.errors import SqlError

FRAGMENT_DIR = Path(__file__).parent / "sql" / "fragments"

_MARKER = re.compile(r"/\*\s*include\s+fragment\s*:\s*(?P<name>[^*(]*?)\s*"
                     r"(?:\((?P<args>[^*)]*)\)\s*)?\*/")
_NAME = re.compile(r"[a-z][a-z0-9_]*")
_MENTION = re.compile(r"include\s+fragment", re.IGNORECASE)
_PLACEHOLDER = "{name}"


class SqlFragmentError(SqlError):
    """Raised by ``render`` for an include marker it cannot satisfy.

    Args:
        problem: what went wrong, one sentence.
        fix: what to do next, one sentence.
        fragment: the fragment name as written in the marker, if any.
        source: the file whose SQL holds the marker.
    """

    def __init__(self, problem: str, fix: str = "", fragment: str | None = None,
                 source: str | None = None) -> None:
        self.fragment = fragment
        self.source = source
        super().__init__(problem, fix)

    def __reduce__(self):
        return (type(self), (self.problem, self.fix, self.fragment, self.source))


def render(sql: str, source: str) -> str:
    """``sql`` with every ``/* include fragment: NAME */`` (or ``NAME(a, ...)``) replaced by
    that fragment's text.

    Args:
        sql: BigQuery SQL that may hold include markers.
        source: where ``sql`` comes from (a file name), named in errors.

    Raises:
        SqlFragmentError: a marker names a fragment that does not exist or is not a plain
            name, passes names to a plain fragment or none (or a non-plain one) to a
            parameterised one, a line mentions ``include fragment`` in any other form (it
            would silently stay a comment), or a fragment includes another or ends with a
            comma.
    """
    blanked = _MARKER.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), sql)
    stray = _MENTION.search(blanked)
    if stray:
        line = blanked[:stray.start()].count("\n") + 1
        text = sql.splitlines()[line - 1].strip()
        raise SqlFragmentError(f"{source}: unrecognised include at line {line}: {text!r}",
                               "write it exactly as /* include fragment: NAME */ or "
                               "/* include fragment: NAME(name, ...) */ (a block comment, "
                               "plain names)", source=source)
    return _MARKER.sub(lambda m: _expand(m, sql, source), sql)


def names() -> list[str]:
    """Every fragment name, sorted."""
    return sorted(p.stem for p in FRAGMENT_DIR.glob("*.sql"))


def _expand(match: re.Match, sql: str, source: str) -> str:
    name, args = match.group("name"), match.group("args")
    header, body = _fragment(name, source)
    indent = "\n" + " " * (match.start() - sql.rfind("\n", 0, match.start()) - 1)
    if _PLACEHOLDER not in body:
        if args is not None:
            raise SqlFragmentError(f"{source}: SQL fragment {name!r} takes no names",
                                   f"write /* include fragment: {name} */", name, source)
        return (header + body).replace("\n", indent)
    values = [a.strip() for a in (args or "").split(",")]
    if args is None or not all(_NAME.fullmatch(v) for v in values):
        got = "none" if args is None else repr(args)
        raise SqlFragmentError(f"{source}: SQL fragment {name!r} takes one or more names "
                               f"(got {got})",
                               f"write /* include fragment: {name}(first, second, ...) */ "
                               "(plain names: lowercase letters, digits, _)", name, source)
    repeated = ",\n".join(body.replace(_PLACEHOLDER, v) for v in values)
    return (header + repeated).replace("\n", indent)


def _fragment(name: str, source: str) -> tuple[str, str]:
    """(header, body) of a fragment: its leading ``--`` lines, each with its line end, and the
    rest (the CTEs or columns)."""
    if not _NAME.fullmatch(name):
        raise SqlFragmentError(f"{source}: {name!r} is not a fragment name",
                               "name a file of nbkit/processors/sql/fragments/ without .sql "
                               "(lowercase letters, digits, _)", name, source)
    path = FRAGMENT_DIR / f"{name}.sql"
    if not path.is_file():
        known = ", ".join(names()) or "none yet"
        raise SqlFragmentError(
            f"SQL fragment {name!r} included by {source} does not exist ({path})",
            f"create nbkit/processors/sql/fragments/{name}.sql or correct the name in the "
            f"include marker (fragments: {known})", name, source)
    text = path.read_text().rstrip()
    if _MENTION.search(text):
        raise SqlFragmentError(f"SQL fragment {name!r} includes another fragment ({path})",
                               "fragments do not nest: include both from the processor's SQL",
                               name, source)
    if text.endswith(","):
        raise SqlFragmentError(f"SQL fragment {name!r} ends with a comma ({path})",
                               "drop the trailing comma: the including SQL writes the comma "
                               "after the marker, as after any CTE or column", name, source)
    lines = text.split("\n")
    count = 0
    while count < len(lines) and lines[count].lstrip().startswith("--"):
        count += 1
    header, body = "".join(line + "\n" for line in lines[:count]), "\n".join(lines[count:])
    if not body.strip():
        raise SqlFragmentError(f"SQL fragment {name!r} is empty ({path})",
                               "write its CTEs or columns below its header comment", name, source)
    return header, body
