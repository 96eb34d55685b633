"""Notebook parameters: one rule per parameter name, and the checks across parameters.

Pure (no warehouse, no kernel). The typed model of each notebook (``nbkit.parameters.models``)
checks its values by these rules, so the runner (before a kernel starts), the CLI and the
notebook steps refuse a bad value the same way, with a message that names the fix.
Dates travel as ISO strings; empty strings mean "not set".
"""

from __future__ import annotations

import datetime as dt
import difflib
from typing import Callable

from nbkit.calendar import bootstrap_days_or_default, season_of_date
from nbkit.errors import NbkitError, ParamsError
from nbkit.params import parse_date, parse_season, season_label
from nbkit.plan import INCLUDE_CHOICES, PlanRequest, make_request

TRUE = {"true", "1", "yes", "y", "on"}
FALSE = {"false", "0", "no", "n", "off", ""}
CHOICES = {"on_error": ("continue", "stop"), "mode": ("retry_failed", "rerun_dates")}
BOOLS = ("dry_run", "apply", "strict", "autorun", "allow_incomplete_upstream")
# The one range definition of every numeric option: notebook parameters, the CLI's flags
# (--workers, --bootstrap-days...) and RunOptions all check against these.
INTS = {"workers": (1, 32), "bootstrap_days": (0, 60), "chunk_size": (0, 366),
        "retries": (0, 10)}
FLOATS = {"wait_seconds": (0.0, 3600.0)}
# Checked against the processor catalogue, which is known once the project file is loaded.
CATALOGUE = ("phases", "processors")


def known(name: str) -> bool:
    """True if nbkit knows how to validate a parameter of this name."""
    return name in _VALIDATORS or name in CHOICES or name in BOOLS or name in INTS \
        or name in FLOATS


def coerce(name: str, value):
    """Validate one value (CLI strings converted to bool/int/float), return it normalized."""
    if name in BOOLS:
        return _bool(name, value)
    if name == "bootstrap_days" and value in (None, ""):
        return bootstrap_days_or_default(None)  # the project file's or the default
    if name in INTS:
        return _number(name, value, int, *INTS[name])
    if name in FLOATS:
        return _number(name, value, float, *FLOATS[name])
    if name in CHOICES:
        text = str(value).strip()
        if text not in CHOICES[name]:
            raise ParamsError(f"{name} {text[:40]!r} is not allowed",
                              f"use one of: {', '.join(CHOICES[name])}")
        return text
    fn = _VALIDATORS.get(name)
    return fn(value) if fn else value


def number(name: str, value, flag: str | None = None):
    """One numeric option checked against its range (INTS/FLOATS); ``flag`` names the CLI form.

    Example:
        >>> number("workers", "4")
        4
    """
    kind, (low, high) = (int, INTS[name]) if name in INTS else (float, FLOATS[name])
    return _number(name, value, kind, low, high, flag)


def validate(notebook: str, params: dict, checks: tuple[Callable[[dict], None], ...] = ()
             ) -> dict:
    """Validate every parameter of a notebook run; report every problem at once.

    Args:
        notebook: the notebook stem (``10_season``), named in the error.
        params: name -> value (strings from a CLI are converted).
        checks: the notebook's checks across parameters (after each value passed its rule);
            the start/end order check always runs.

    Returns:
        The normalized parameters.

    Raises:
        ParamsError: listing each problem with its fix.
    """
    problems: list[str] = []
    out: dict = {}
    for name, value in params.items():
        try:
            out[name] = coerce(name, value)
        except NbkitError as err:
            problems.append(str(err))
    if not problems:
        problems += _failed(checks + (range_check,), out)
    if problems:
        raise ParamsError.collected(f"the parameters of {notebook}", problems)
    return out


def no_such_parameter(notebook: str, name: str, names: list[str]) -> tuple[str, str]:
    """(problem, fix) for a parameter the notebook does not have, with a did-you-mean."""
    close = difflib.get_close_matches(name, names, n=1)
    return (f"{notebook} has no parameter {name!r}",
            (f"did you mean {close[0]}? " if close else "") +
            f"its parameters are: {', '.join(names)}")


def season_request(season, start_date="", end_date="", dates="", phases="",
                   processors="", include="") -> PlanRequest:
    """The PlanRequest of a season run: the whole season, or a range or dates inside it."""
    year = parse_season(season) if season else None
    if year is None:
        raise ParamsError("season is required", "give a season label, e.g. -p season 2023-24")
    chosen = [d for d in (start_date, end_date) if d] + _dates(dates)
    outside = [d for d in chosen if season_of_date(parse_date(d)) != year]
    if outside:
        raise ParamsError(f"date {outside[0]} is not in season {season_label(year)}",
                          f"choose dates between Aug {year} and Jul {year + 1}, or change season")
    if dates or start_date or end_date:
        return make_request(start_date=start_date or None, end_date=end_date or None,
                            dates=dates or None, phases=phases, processors=processors,
                            include=include)
    return make_request(season=season, phases=phases, processors=processors, include=include)


def date_range(start_date="", end_date="") -> tuple[dt.date | None, dt.date | None]:
    """Optional inclusive range; raise if start is after end."""
    start = parse_date(start_date, "start_date") if start_date else None
    end = parse_date(end_date, "end_date") if end_date else None
    if start and end and start > end:
        raise ParamsError(f"start_date {start} is after end_date {end}", "swap them")
    return start, end


def split_list(value) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    return [v.strip() for v in str(value).split(",") if v.strip()]


# --------------------------------------------------------------------------- validators

def _iso(name: str) -> Callable:
    def check(value):
        return parse_date(value, name).isoformat() if value not in (None, "") else ""
    return check


def _dates(value) -> list[str]:
    return [parse_date(v, "dates").isoformat() for v in split_list(value)]


def _season(value) -> str:
    return season_label(parse_season(value)) if value not in (None, "") else ""


def _phases(value) -> str:
    """Stages to run, comma-separated; empty: every stage of the catalogue."""
    from nbkit.processors import registry

    stages = [str(s) for s in registry.graph().stages] or ["3", "4"]
    items = split_list(value)
    if any(i not in stages for i in items):
        raise ParamsError(f"phases {value!r} is not valid",
                          f"use any of the catalogue's stages: {','.join(stages)}, or empty for all")
    return ",".join(sorted(set(items), key=int))


def _processors(value) -> str:
    from nbkit.processors import registry

    names = split_list(value)
    for name in names:
        registry.get_or_raise(name)
    return ",".join(names)


def _include(value) -> str:
    items = split_list(value)
    bad = [i for i in items if i not in INCLUDE_CHOICES]
    if bad:
        raise ParamsError(f"include {bad[0]!r} is unknown",
                          f"use any of {', '.join(INCLUDE_CHOICES)}")
    return ",".join(items)


def _gates(value) -> str:
    items = split_list(value)
    if any(i not in ("0", "1", "2", "3") for i in items):
        raise ParamsError(f"override_gates {value!r} is not valid",
                          "use gate numbers, e.g. 1 or 1,2")
    return ",".join(items)


def _warehouse(value) -> str:
    from nbkit.config import parse_warehouse_url

    text = str(value or "").strip()
    if text:
        parse_warehouse_url(text)
    return text


def _text(value) -> str:
    return "" if value is None else str(value)


def _bool(name: str, value) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in TRUE | FALSE:
        return text in TRUE
    raise ParamsError(f"{name} {str(value)[:40]!r} is not true or false",
                      f"use -p {name} True or -p {name} False")


def _number(name: str, value, kind, low, high, flag: str | None = None):
    try:
        number = _as_number(value, kind)
    except (TypeError, ValueError, OverflowError):
        number = None
    if number is None or not low <= number <= high:
        what = "a whole number" if kind is int else "a number"
        example = kind(low if low else high // 8 or 1)
        use = f"{flag} {example}" if flag else f"-p {name} {example}"
        raise ParamsError(f"{flag or name} {str(value)[:40]!r} is not {what} in [{low}, {high}]",
                          f"use {what} from {low} to {high}, e.g. {use}")
    return number


def _as_number(value, kind):
    """int('7') / float('0.5'); no bools, no NaN, no 2.5 taken as 2 for a whole number."""
    if isinstance(value, bool):
        return None
    if kind is int and isinstance(value, float):
        return int(value) if value.is_integer() else None
    number = kind(str(value).strip()) if isinstance(value, str) else kind(value)
    return None if number != number else number  # NaN compares unequal to itself


def _failed(checks, p: dict) -> list[str]:
    problems = []
    for check in checks:
        try:
            check(p)
        except NbkitError as err:
            problems.append(str(err))
    return problems


def range_check(p: dict) -> None:
    """start_date is not after end_date."""
    date_range(p.get("start_date", ""), p.get("end_date", ""))


def season_check(p: dict) -> None:
    """The dates chosen lie in the season, and the request they make is valid."""
    season_request(p.get("season", ""), p.get("start_date", ""), p.get("end_date", ""),
                   p.get("dates", ""), p.get("phases", ""), p.get("processors", ""),
                   p.get("include", ""))


def season_check_if_given(p: dict) -> None:
    if p.get("season"):
        season_check(p)


def recovery_check(p: dict) -> None:
    """rerun_dates names its dates; a season scope holds the dates chosen."""
    if p.get("mode", "retry_failed") == "rerun_dates" and not (
            p.get("dates") or (p.get("start_date") and p.get("end_date"))):
        raise ParamsError("mode rerun_dates needs the dates to re-run",
                          "give -p dates 2023-11-01,2023-11-02 (or start_date and end_date)")
    if p.get("season") and (p.get("dates") or p.get("start_date")):
        season_check({**p, "phases": "3,4"})


_VALIDATORS: dict[str, Callable] = {
    "warehouse": _warehouse, "season": _season, "start_date": _iso("start_date"),
    "end_date": _iso("end_date"), "sample_date": _iso("sample_date"),
    "dates": lambda v: ",".join(_dates(v)), "phases": _phases, "processors": _processors,
    "include": _include, "override_gates": _gates, "gcp_access_token": _text,
}
