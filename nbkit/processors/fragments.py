"""Named SQL fragments: CTEs that several processors share, written once.

A processor's SQL file may stand an include marker where its own CTEs stand::

    WITH
    /* include fragment: season_bounds */,
    /* include fragment: season_window */,
    player_games AS (...)
    SELECT ...

``render`` replaces each marker with ``sql/fragments/<name>.sql``: one or more complete
CTEs (``name AS (...)``, comma-separated, no trailing comma), so the comma after the
marker, or the main SELECT, follows as it would after any CTE. A fragment may read CTEs
of the including file (its header says which). The result is still one BigQuery
statement over ``@dates``; it is what runs, what ``code_version`` hashes and what
anything that shows a processor's SQL shows. Fragments do not nest. The rules for
writing one: ``sql/fragments/README.md``.
"""

from __future__ import annotations

import re
from pathlib import Path

from nbkit.errors import SqlError

FRAGMENT_DIR = Path(__file__).parent / "sql" / "fragments"

_MARKER = re.compile(r"/\*\s*include\s+fragment\s*:\s*(?P<name>[^*]*?)\s*\*/")
_NAME = re.compile(r"[a-z][a-z0-9_]*")
_MENTION = re.compile(r"include\s+fragment", re.IGNORECASE)


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
    """``sql`` with every ``/* include fragment: NAME */`` replaced by that fragment's text.

    Args:
        sql: BigQuery SQL that may hold include markers.
        source: where ``sql`` comes from (a file name), named in errors.

    Raises:
        SqlFragmentError: a marker names a fragment that does not exist or is not a plain
            name, a line mentions ``include fragment`` in any other form (it would silently
            stay a comment), or a fragment includes another or ends with a comma.
    """
    blanked = _MARKER.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), sql)
    stray = _MENTION.search(blanked)
    if stray:
        line = blanked[:stray.start()].count("\n") + 1
        text = sql.splitlines()[line - 1].strip()
        raise SqlFragmentError(f"{source}: unrecognised include at line {line}: {text!r}",
                               "write it exactly as /* include fragment: NAME */ (a block "
                               "comment, a plain name)", source=source)
    return _MARKER.sub(lambda m: _fragment(m.group("name"), source), sql)


def names() -> list[str]:
    """Every fragment name, sorted."""
    return sorted(p.stem for p in FRAGMENT_DIR.glob("*.sql"))


def _fragment(name: str, source: str) -> str:
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
                               "after the marker, as after any CTE", name, source)
    return text
