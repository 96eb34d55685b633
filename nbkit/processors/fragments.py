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
whose text (below its leading ``--`` lines) holds ``{name}`` is parameterised: it is
included with one or more plain names, ``NAME(first, second)``, and repeats once per name
with ``{name}`` replaced by it; its header stands once. Lines after the first are indented
to the marker's column (the include grammar: ``nbkit.includes``). The result
is still one BigQuery statement over ``@dates``; it is what runs, what ``code_version``
hashes and what anything that shows a processor's SQL shows. Fragments do not nest. The
rules for writing one: ``sql/fragments/README.md``.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from nbkit import includes
from nbkit.errors import SqlError

FRAGMENT_DIR = Path(__file__).parent / "sql" / "fragments"


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
    that fragment's text (the include grammar: ``nbkit.includes``).

    Args:
        sql: BigQuery SQL that may hold include markers.
        source: where ``sql`` comes from (a file name), named in errors.

    Raises:
        SqlFragmentError: a marker names a fragment that does not exist or is not a plain
            name, passes names to a plain fragment or none (or a non-plain one) to a
            parameterised one, a line mentions ``include fragment`` in any other form (it
            would silently stay a comment), or a fragment includes another, is empty or
            ends with a comma.
    """
    return _rendered(sql, source, _fragment_files())


@functools.lru_cache(maxsize=512)
def _rendered(sql: str, source: str, files: tuple) -> str:
    # A processor's SQL is rendered for every code_version, lineage row and cost estimate;
    # ``files`` (each fragment's name, size and time) keys out an edited fragment.
    return includes.render(
        sql, "fragment", "SQL fragment", lambda name: _fragment(name, source),
        lambda problem, fix, name: SqlFragmentError(f"{source}: {problem}", fix, name, source))


def _fragment_files() -> tuple:
    with os.scandir(FRAGMENT_DIR) as entries:
        return tuple(sorted((e.name, e.stat().st_size, e.stat().st_mtime_ns) for e in entries))


def names() -> list[str]:
    """Every fragment name, sorted."""
    return sorted(p.stem for p in FRAGMENT_DIR.glob("*.sql"))


def _fragment(name: str, source: str) -> tuple[str, str]:
    """(header, body) of a fragment: its leading ``--`` lines, each with its line end, and the
    rest (the CTEs or columns)."""
    if not includes.NAME.fullmatch(name):
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
    if includes.mentions(text, "fragment"):
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
