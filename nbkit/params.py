"""Parsing and validation of user-supplied values (CLI flags, notebook parameters).

Pure: no I/O. Every error names the fix.
"""

from __future__ import annotations

import datetime as dt
import re

from nbkit.errors import ParamsError

_SEASON_RE = re.compile(r"^(\d{4})-(\d{2})$")


def parse_date(value, name: str = "date") -> dt.date:
    """Parse an ISO date (YYYY-MM-DD) or pass a date through.

    Example:
        >>> parse_date("2024-11-29")
        datetime.date(2024, 11, 29)
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ParamsError(f"{name} {text[:40]!r} is not a valid date",
                          "use YYYY-MM-DD, for example 2024-11-29") from None


def parse_seed(value, name: str = "seed") -> int:
    """Parse a non-negative integer seed.

    Example:
        >>> parse_seed("7")
        7
    """
    if isinstance(value, bool):
        raise ParamsError(f"{name} {value!r} is not a number", "use a whole number, e.g. --seed 7")
    if isinstance(value, int):
        seed = value
    else:
        text = str(value).strip()
        if not re.fullmatch(r"\d{1,9}", text):
            raise ParamsError(f"{name} {text[:40]!r} is not a number",
                              "use a whole number between 0 and 999999999, e.g. --seed 7")
        seed = int(text)
    if not 0 <= seed <= 999_999_999:
        raise ParamsError(f"{name} {seed} is out of range",
                          "use a whole number between 0 and 999999999")
    return seed


def parse_season(value, name: str = "season") -> int:
    """Parse a season label like ``2023-24`` into its start year (2023).

    Example:
        >>> parse_season("2023-24")
        2023
    """
    text = str(value).strip()
    match = _SEASON_RE.match(text)
    if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise ParamsError(f"{name} {text[:40]!r} is not a season",
                          "use the form YYYY-YY with consecutive years, e.g. 2023-24")
    return int(match.group(1))


def season_label(start_year: int) -> str:
    """``2023`` -> ``'2023-24'``.

    Example:
        >>> season_label(2023)
        '2023-24'
    """
    return f"{start_year}-{(start_year + 1) % 100:02d}"
