"""Issue 15 item 6: a generated sweep (hypothesis) of invalid CLI options and notebook
parameters. For every invalid value: exit code != 0 (or the error before any kernel
starts), no traceback, one line that ends in a fix, and no table changed (the warehouse
file's bytes are compared). Runs in-process, well under a minute.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nbkit.errors import NbkitError
from nbkit import parameters as spec
from nbkit.plan import INCLUDE_CHOICES
from nbkit.processors import BUILTIN

from tests.reliability.helpers import assert_one_line_fix, digest, make_toy, run_cli

pytestmark = pytest.mark.reliability
SWEEP = settings(max_examples=40, deadline=None, derandomize=True,
                 suppress_health_check=[HealthCheck.function_scoped_fixture,
                                        HealthCheck.too_slow])

NO_DIGITS = st.text(alphabet=st.characters(blacklist_categories=("Nd", "Cs")), min_size=1,
                    max_size=12)


def out_of_range(name: str):
    low, high = spec.INTS.get(name) or spec.FLOATS[name]
    return st.one_of(st.integers(max_value=int(low) - 1, min_value=-10**6),
                     st.integers(min_value=int(high) + 1, max_value=10**9)).map(str)


def bad_number(name: str):
    fraction = st.floats(allow_nan=False, allow_infinity=False, min_value=-100,
                         max_value=100).filter(lambda f: not f.is_integer()).map(repr)
    return st.one_of(out_of_range(name), NO_DIGITS, st.sampled_from(["nan", "inf", "1e99", ""]),
                     fraction if name in spec.INTS else st.nothing())


BAD_DATE = st.one_of(
    NO_DIGITS,
    st.tuples(st.integers(1900, 2100), st.integers(13, 99), st.integers(1, 28)).map(
        lambda t: f"{t[0]:04d}-{t[1]:02d}-{t[2]:02d}"),
    st.tuples(st.integers(1900, 2100), st.integers(1, 12), st.integers(32, 99)).map(
        lambda t: f"{t[0]:04d}-{t[1]:02d}-{t[2]:02d}"),
    st.sampled_from(["2023-02-30", "11/01/2023", "2023-1-1", "20231101", "2023-11-01T00:00"]))
BAD_SEASON = st.one_of(NO_DIGITS, st.integers(1900, 2100).map(str),
                       st.integers(1900, 2100).map(lambda y: f"{y}-{(y + 2) % 100:02d}"))
BAD_WORD = NO_DIGITS.filter(lambda t: t.strip() and "," not in t)

# (command, fixed arguments, option, invalid values)
CASES = [
    ("backfill", ["--season", "2023-24", "--no-progress"], "--workers", bad_number("workers")),
    ("backfill", ["--season", "2023-24", "--no-progress"], "--chunk-size",
     bad_number("chunk_size")),
    ("backfill", ["--season", "2023-24", "--no-progress"], "--retries", bad_number("retries")),
    ("backfill", ["--season", "2023-24", "--no-progress"], "--bootstrap-days",
     bad_number("bootstrap_days")),
    ("plan", ["--season", "2023-24"], "--bootstrap-days", bad_number("bootstrap_days")),
    ("backfill", ["--season", "2023-24", "--no-progress"], "--max-bytes-billed",
     st.one_of(NO_DIGITS.filter(lambda t: t.strip().upper().rstrip("KMGTIB") != ""),
               st.sampled_from(["-5GiB", "nan", "inf", "10XB"]))),
    ("backfill", ["--no-progress"], "--season", BAD_SEASON),
    ("plan", [], "--season", BAD_SEASON),
    ("plan", ["--end-date", "2023-11-01"], "--start-date", BAD_DATE),
    ("plan", ["--start-date", "2023-11-01"], "--end-date", BAD_DATE),
    ("plan", [], "--dates", BAD_DATE),
    ("plan", ["--season", "2023-24"], "--phase", BAD_WORD),
    # a random word can be a valid one ('missing', a processor's name): those are not bad
    ("plan", ["--season", "2023-24"], "--include",
     BAD_WORD.filter(lambda t: t.strip() not in INCLUDE_CHOICES)),
    ("plan", ["--season", "2023-24"], "--processors",
     BAD_WORD.filter(lambda t: t.strip() not in BUILTIN)),
    ("status", [], "--start-date", BAD_DATE),
    ("status", [], "--end-date", BAD_DATE),
    ("gaps", ["--text"], "--start-date", BAD_DATE),
    ("validate", ["--text"], "--end-date", BAD_DATE),
    ("sample-data", [], "--seed", st.one_of(NO_DIGITS, st.integers(max_value=-1).map(str),
                                            st.integers(min_value=10**9).map(str))),
    ("sample-data", [], "--as-of", BAD_DATE),
    ("sample-data", [], "--synthetic-seasons", st.one_of(NO_DIGITS,
                                                         st.integers(max_value=-1).map(str))),
    ("status", [], "--format", BAD_WORD.filter(lambda t: t not in ("table", "csv"))),
    ("parity", ["--other", "x.duckdb", "--end-date", "2023-11-01"], "--start-date", BAD_DATE),
]


@pytest.fixture(scope="module")
def toy(tmp_path_factory) -> Path:
    return make_toy(tmp_path_factory.mktemp("sweep") / "toy.duckdb")


@pytest.mark.parametrize("command, fixed, option, values", CASES,
                         ids=[f"{c[0]}{c[2]}" for c in CASES])
def test_invalid_cli_option_is_refused_in_one_line(capsys, toy, command, fixed, option, values):
    before = digest(toy)
    folder = sorted(p.name for p in toy.parent.iterdir())

    @SWEEP
    @given(value=values)
    def check(value):
        result = run_cli(capsys, command, *fixed, f"{option}={value}",
                         "--warehouse", str(toy))
        assert_one_line_fix(result)
    check()
    assert digest(toy) == before  # no table changed
    assert sorted(p.name for p in toy.parent.iterdir()) == folder  # no file created


def test_invalid_warehouse_url_is_refused_in_one_line(capsys, toy):
    @SWEEP
    @given(scheme=st.from_regex(r"[a-z]{2,8}", fullmatch=True).filter(
        lambda s: s not in ("duckdb", "bigquery")))
    def check(scheme):
        assert_one_line_fix(run_cli(capsys, "status", "--warehouse", f"{scheme}://x/y"),
                            "scheme")
    check()


# ----------------------------------------------------------------- notebook parameters

# An empty notebook parameter means "not set" (nbkit.parameters): bootstrap_days "" takes the
# project's or the default window, so it is not an invalid value there (it is on the CLI).
NOTEBOOK_CASES = [(name, bad_number(name).filter(lambda v, n=name: v != "" or
                                                  n != "bootstrap_days"))
                  for name in ("workers", "bootstrap_days", "wait_seconds")]
NOTEBOOK_CASES += [(name, BAD_DATE) for name in ("start_date", "end_date")]
NOTEBOOK_CASES += [("season", BAD_SEASON), ("phases", BAD_WORD),
                   ("include", BAD_WORD.filter(lambda t: t.strip() not in INCLUDE_CHOICES)),
                   ("on_error", BAD_WORD.filter(lambda t: t.strip() not in spec.CHOICES["on_error"])),
                   ("dry_run", BAD_WORD.filter(lambda t: t.strip().lower() not in
                                               spec.TRUE | spec.FALSE)),
                   ("override_gates", BAD_WORD)]


@pytest.mark.parametrize("name, values", NOTEBOOK_CASES, ids=[c[0] for c in NOTEBOOK_CASES])
def test_invalid_notebook_parameter_is_refused_before_a_kernel_starts(toy, name, values):
    from nbkit.runbook import notebook_parameters, prepare_parameters, resolve_notebook

    notebooks = [p for p in (resolve_notebook(n) for n in
                             ("preflight", "season", "gaps", "validate", "recover",
                              "interactive")) if name in notebook_parameters(p)]
    assert notebooks, name
    before = digest(toy)

    @SWEEP
    @given(value=values, index=st.integers(0, len(notebooks) - 1))
    def check(value, index):
        given_ = {name: value, "warehouse": str(toy)}
        if name != "season" and "season" in notebook_parameters(notebooks[index]):
            given_["season"] = "2023-24"
        with pytest.raises(NbkitError) as info:
            prepare_parameters(notebooks[index], given_)
        text = str(info.value)
        assert "Fix: " in text and "\n" not in text and "Traceback" not in text, text
    check()
    assert digest(toy) == before


@pytest.mark.parametrize("function, name", [("gap_analysis", "bootstrap_days"),
                                            ("gap_analysis", "wait_seconds"),
                                            ("validation", "bootstrap_days"),
                                            ("preflight", "wait_seconds")])
def test_notebook_first_cell_refuses_what_papermill_passes(toy, function, name):
    """The first cell's call validates by the same rule: plain papermill is covered too."""
    import importlib

    from nbkit import nb

    call = getattr(importlib.import_module(nb._LAZY[function]), function)
    before = digest(toy)

    @SWEEP
    @given(value=out_of_range(name).map(lambda v: float(v) if name == "wait_seconds" else int(v)))
    def check(value):
        with pytest.raises(NbkitError) as info:
            call(str(toy), **{name: value})
        assert re.search(r"Fix: use (a whole number|a number) from", str(info.value))
    check()
    assert digest(toy) == before
