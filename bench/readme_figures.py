"""The bench's targets, and the README's "Measured figures" table written from the results.

``TARGETS`` is the one definition of every bench target: ``bench/run.py`` prints each figure
beside its target with OK or MISSED, and the README table shows the same target text. The
table, the per-processor floor table and the paragraphs that quote figures are generated
from ``bench/results/latest.json`` between ``<!-- figures:start -->`` and
``<!-- figures:end -->`` in README.md: nothing inside the markers is typed by hand, and
``tests/test_readme_figures.py`` fails if it differs from the rendering of the committed
JSON. A figure the run did not measure (a skipped or failed stage, or an older results file)
shows as "not measured".

    python bench/readme_figures.py           # rewrite README.md from latest.json
    python bench/readme_figures.py --check   # exit 1 if README.md is not up to date

No nbkit import: rendering needs only the JSON.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
README = ROOT / "README.md"
LATEST = BENCH / "results" / "latest.json"
START_MARK = "<!-- figures:start -->"
END_MARK = "<!-- figures:end -->"
NOT_MEASURED = "not measured"
GIB = 1024  # MiB


def _bench_constant(module: str, name: str):
    """A constant of another bench module, read from its file (no sys.path change)."""
    spec = importlib.util.spec_from_file_location(f"_nbkit_bench_{module}", BENCH / f"{module}.py")
    loaded = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(loaded)
    return getattr(loaded, name)


@dataclass(frozen=True)
class Target:
    text: str
    met: Callable[[float], bool]


_ETA = _bench_constant("eta", "TARGET")
_REPORT_KIB = _bench_constant("report_sizes", "REPORT_LIMIT_KIB")
_INDEX_KIB = _bench_constant("report_sizes", "INDEX_LIMIT_KIB")

TARGETS: dict[str, Target] = {
    # issue 12
    "backfill_seconds": Target("<= 10 s", lambda v: v <= 10),
    "backfill_over_floor": Target("<= 1.4x", lambda v: v <= 1.4),
    "season_noop_script_seconds": Target("<= 1 s", lambda v: v <= 1),
    "season_noop_papermill_seconds": Target("<= 2.5 s", lambda v: v <= 2.5),
    "rerun_seconds": Target("<= 0.8 s", lambda v: v <= 0.8),
    "checksums_seconds": Target("<= 3 s", lambda v: v <= 3),
    "demo_seconds": Target("<= 75 s", lambda v: v <= 75),
    "peak_rss_mib": Target("<= 1.2 GiB", lambda v: v <= 1.2 * GIB),
    "demo_peak_rss_mib": Target("<= 1.2 GiB", lambda v: v <= 1.2 * GIB),
    "scale_seasons_4_peak_rss_mib": Target("<= 1.2 GiB", lambda v: v <= 1.2 * GIB),
    "scale_seasons_16_peak_rss_mib": Target("<= 2 GiB", lambda v: v <= 2 * GIB),
    "scale_per_date_2x_over_1x": Target("<= 1.1 (flat)", lambda v: v <= 1.1),
    "scale_per_date_4x_over_1x": Target("<= 1.1 (flat)", lambda v: v <= 1.1),
    "bq_jobs_real_per_processor_chunk": Target("<= 2", lambda v: v <= 2),
    # kept from before issue 12
    "per_date_over_batched": Target(">= 20x", lambda v: v >= 20),
    "gap_analysis_seconds": Target("< 2 s", lambda v: v < 2),
    "gate0_seconds": Target("< 2 s", lambda v: v < 2),
    "gate1_seconds": Target("< 2 s", lambda v: v < 2),
    "gate2_seconds": Target("< 2 s", lambda v: v < 2),
    "gate3_seconds": Target("< 2 s", lambda v: v < 2),
    "notebook_overhead_seconds": Target("< 5 s", lambda v: v < 5),
    "bq_jobs_per_date_over_batched": Target("> 1", lambda v: v > 1),
    "bq_bytes_per_date_over_batched": Target("> 1", lambda v: v > 1),
    "catalogue_load_seconds": Target("<= 0.3 s", lambda v: v <= 0.3),
    "eta_error_25pct": Target(f"<= {_ETA:.0%}", lambda v: v <= _ETA),
    "eta_error_50pct": Target(f"<= {_ETA:.0%}", lambda v: v <= _ETA),
    "report_max_kib": Target(f"<= {_REPORT_KIB} KiB", lambda v: v <= _REPORT_KIB),
    "index_kib_100_runs": Target(f"<= {_INDEX_KIB} KiB", lambda v: v <= _INDEX_KIB),
}
# Each processor's SELECT over all its dates (floor_<processor>_seconds).
FLOOR_PROCESSOR = Target("<= 1.5 s", lambda v: v <= 1.5)
_FLOOR_KEY = re.compile(r"^floor_(?P<name>.+)_seconds$")


def target(key: str) -> Target | None:
    """The target of a results key, or None."""
    if key in TARGETS:
        return TARGETS[key]
    if key != "floor_seconds" and _FLOOR_KEY.match(key):
        return FLOOR_PROCESSOR
    return None


def verdict(key: str, value) -> str | None:
    """"OK" or "MISSED" for a figure with a target, None otherwise (no target, not a number)."""
    goal = target(key)
    if goal is None or isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return "OK" if goal.met(value) else "MISSED"


def floor_processors(results: dict) -> list[str]:
    """Processors with a floor figure, in the order the run measured them."""
    return [m["name"] for key in results
            if key != "floor_seconds" and (m := _FLOOR_KEY.match(key))]


def unmeasured_targets(results: dict) -> list[str]:
    return [key for key in TARGETS if not isinstance(results.get(key), (int, float))]


# ---------------------------------------------------------------------------- rendering
class _Missing(Exception):
    pass


def _get(results: dict, key: str):
    value = results.get(key)
    if value is None:
        raise _Missing(key)
    return value


def _num(value: float) -> str:
    if value < 10:
        return f"{value:.2f}"
    if value < 1000:
        return f"{value:.1f}"
    return f"{value:,.0f}"


def _s(value: float) -> str:
    return f"{_num(value)} s"


def _mib(value: float) -> str:
    return f"{value:,.0f}"


def _gib(value: float) -> str:
    return f"{value / 2**30:.2f} GiB"


def _status_note(results: dict, key: str, good: str) -> str:
    status = results.get(key)
    return "" if status in (None, good) else f", {status}"


@dataclass(frozen=True)
class _Row:
    """A table row: its label and measured text (each may raise _Missing), the keys of its
    targets (a key may be (prefix, key)), and the label to show if the label's own figures
    are missing."""

    label: Callable[[], str]
    measured: Callable[[], str]
    keys: tuple = ()
    fallback: str | None = None


def _rows(r: dict) -> list[_Row]:
    g = lambda key: _get(r, key)  # noqa: E731
    floors = [f"floor_{name}_seconds" for name in floor_processors(r)]

    def parts(fmt: Callable, *keys: str, sep: str = " / ") -> str:
        """Each figure formatted, or "not measured" on its own; all missing: _Missing."""
        if all(r.get(k) is None for k in keys):
            raise _Missing(keys[0])
        return sep.join(NOT_MEASURED if r.get(k) is None else fmt(r[k]) for k in keys)

    def backfill_label() -> str:
        tasks = f"{g('tasks'):,} tasks"
        try:
            return (f"full backfill from raw, {g('game_dates'):,} game dates x "
                    f"{g('processors')} processors ({tasks})")
        except _Missing:  # a results file from before game_dates and processors were saved
            return f"full backfill from raw ({tasks})"

    def slowest() -> str:
        name = max(floor_processors(r), key=lambda n: g(f"floor_{n}_seconds"), default=None)
        if name is None:
            raise _Missing("floor")
        return f"{_s(g(f'floor_{name}_seconds'))} (`{name}`)"

    def floor_total() -> str:
        same = r.get("floor_rows_match")
        note = "" if same is None else (", the same rows the backfill wrote" if same
                                         else ", NOT the rows the backfill wrote")
        return f"{_s(g('floor_seconds'))}{note}"

    def season_noop() -> str:
        keys = ("season_noop_script_seconds", "season_noop_papermill_seconds")
        text = parts(_s, *keys)
        if all(r.get(k) is not None for k in keys):
            a, b = (r[k] for k in keys)
            text += f" ({'+' if b >= a else '-'}{_s(abs(b - a))})"
        return text

    def per_date_label() -> str:
        return (f"per-date execution of the same work (one statement per date, "
                f"{g('per_date_sample_dates')} dates timed, extrapolated)")

    def scaling_label() -> str:
        return ("backfill from raw: 4 real seasons / 8 (2x) / 16 (4x, synthetic seasons from "
                "the generator)")

    def scaling() -> str:
        secs = " / ".join(_num(g(f"scale_seasons_{n}_seconds")) for n in (4, 8, 16))
        dates = " / ".join(f"{g(f'scale_seasons_{n}_game_dates'):,}" for n in (4, 8, 16))
        return f"{secs} s for {dates} dates"

    def ms_per_date() -> str:
        per = " / ".join(f"{g(f'scale_seasons_{n}_ms_per_date'):.1f}" for n in (4, 8, 16))
        ratios = " / ".join(f"{g(f'scale_per_date_{x}_over_1x'):.2f}" for x in ("2x", "4x"))
        return f"{per} ({ratios})"

    def checksums_label() -> str:
        return (f"content checksums of the {g('checksums_tables')} output tables "
                f"({g('checksums_rows'):,} rows, every date) on the full warehouse, computed "
                f"by the warehouse")

    def gates_label() -> str:
        return f"gates 0 / 1 / 2 / 3 (after a {_s(g('gate_scope_seconds'))} shared scope)"

    def bq_label() -> str:
        return (f"BigQuery jobs on the emulator, {g('bq_jobs_window_dates')} dates x "
                f"all processors: batched vs per date")

    def bq_season_label() -> str:
        return (f"BigQuery jobs for the 2021-22 season ({g('bq_jobs_season_dates')} dates): "
                f"batched (measured: one chunk per processor) vs per date (extrapolated from "
                f"the per-date count)")

    def bq_season() -> str:
        est = g("bq_jobs_per_date_season_est")
        return f"{g('bq_jobs_batched_season_est'):,} vs ~{round(est, -2):,}"

    def eta() -> str:
        return parts(lambda v: f"{v:.0%}", "eta_error_25pct", "eta_error_50pct")

    return [
        _Row(backfill_label, lambda: _s(g("backfill_seconds")) +
             _status_note(r, "backfill_status", "success"), ("backfill_seconds",),
             "full backfill from raw"),
        _Row(lambda: "compute floor: each processor's SELECT over the same dates into a temp "
                     "table, summed", floor_total),
        _Row(lambda: "backfill / floor", lambda: f"{g('backfill_over_floor'):.2f}x",
             ("backfill_over_floor",)),
        _Row(lambda: "slowest processor's SELECT over all its dates (each one below)", slowest,
             tuple(floors) or ("floor_<processor>_seconds",)),
        _Row(lambda: "the same command again (a no-op rerun of the full range)",
             lambda: _s(g("rerun_seconds")) + (
                 ", writes nothing" if r.get("rerun_status") == "nothing to do"
                 else _status_note(r, "rerun_status", "")),
             ("rerun_seconds",)),
        _Row(lambda: "a season with nothing to do, cold: as a plain script / through "
                     "`nbkit run` (papermill)", season_noop,
             ("season_noop_script_seconds", "season_noop_papermill_seconds")),
        _Row(checksums_label, lambda: _s(g("checksums_seconds")), ("checksums_seconds",),
             "content checksums of the output tables (every date) on the full warehouse, "
             "computed by the warehouse"),
        _Row(per_date_label, lambda: f"{g('per_date_estimated_seconds'):,.0f} s", (),
             "per-date execution of the same work (one statement per date on a sample of "
             "dates, extrapolated)"),
        _Row(lambda: "per-date / batched", lambda: f"{g('per_date_over_batched'):.1f}x",
             ("per_date_over_batched",)),
        _Row(scaling_label, scaling),
        _Row(lambda: "ms per game date at 1x / 2x / 4x (ratio to 1x)", ms_per_date,
             ("scale_per_date_2x_over_1x", "scale_per_date_4x_over_1x")),
        _Row(lambda: "peak memory, sample build + backfill: 4 / 8 / 16 seasons (MiB)",
             lambda: parts(_mib, *(f"scale_seasons_{n}_peak_rss_mib" for n in (4, 8, 16))),
             (("4: ", "scale_seasons_4_peak_rss_mib"),
              ("16: ", "scale_seasons_16_peak_rss_mib"))),
        _Row(lambda: "peak memory: the benchmark process (sample + backfill) / `make demo` "
                     "(MiB)",
             lambda: parts(_mib, "peak_rss_mib", "demo_peak_rss_mib"),
             ("peak_rss_mib", "demo_peak_rss_mib")),
        _Row(lambda: "gap analysis over the full warehouse",
             lambda: _s(g("gap_analysis_seconds")), ("gap_analysis_seconds",)),
        _Row(gates_label,
             lambda: " / ".join(_num(g(f"gate{n}_seconds")) for n in range(4)) + " s",
             tuple(f"gate{n}_seconds" for n in range(4)), "gates 0 / 1 / 2 / 3"),
        _Row(lambda: f"raw sample build ({g('sample_rows'):,} rows)",
             lambda: _s(g("sample_seconds")), (), "raw sample build"),
        _Row(lambda: "`make demo`", lambda: _s(g("demo_seconds")) +
             _status_note(r, "demo_status", "ok"), ("demo_seconds",)),
        _Row(lambda: "catalogue load: the built-ins plus examples/phase5",
             lambda: _s(g("catalogue_load_seconds")), ("catalogue_load_seconds",)),
        _Row(lambda: "ETA error at 25% / 50% of tasks", eta,
             ("eta_error_25pct", "eta_error_50pct")),
        _Row(lambda: "largest report without shared assets / reports index with 100 runs "
                     "(KiB)",
             lambda: parts(lambda v: f"{v:,.1f}", "report_max_kib", "index_kib_100_runs"),
             ("report_max_kib", "index_kib_100_runs")),
        _Row(bq_label, lambda: f"{g('bq_jobs_batched'):,} vs {g('bq_jobs_per_date'):,}",
             ("bq_jobs_per_date_over_batched",),
             "BigQuery jobs on the emulator: batched vs per date"),
        _Row(lambda: "BigQuery jobs per processor per chunk on real BigQuery's accounting "
                     "(emulator count less its row-count stand-ins)",
             lambda: f"{g('bq_jobs_real_per_processor_chunk'):g}",
             ("bq_jobs_real_per_processor_chunk",)),
        _Row(lambda: "BigQuery bytes read per season, batched vs per date (largest season; "
                     "nbkit's metadata model, `bench/bq_bytes.py`: the emulator's dry run "
                     "says 0)",
             lambda: (f"{_gib(g('bq_bytes_season_batched_max'))} vs "
                      f"{g('bq_bytes_per_date_over_batched')}x that"),
             ("bq_bytes_per_date_over_batched",),
             "BigQuery bytes read per season: batched vs per date"),
        _Row(bq_season_label, bq_season, (),
             "BigQuery jobs for the 2021-22 season: batched (measured) vs per date "
             "(extrapolated)"),
    ]


def _cell(fn: Callable[[], str], fallback: Callable[[], str] | None = None) -> str:
    try:
        return fn()
    except _Missing:
        return fallback() if fallback else NOT_MEASURED


def _target_cells(results: dict, keys: list) -> tuple[str, str]:
    """(target text, met) for a row's keys."""
    if not keys:
        return "", ""
    pairs = [k if isinstance(k, tuple) else ("", k) for k in keys]
    texts = [prefix + target(key).text for prefix, key in pairs]
    if len(set(texts)) == 1:
        text = texts[0] + (" each" if len(texts) > 1 else "")
    else:
        text = " / ".join(texts)
    verdicts = [verdict(key, results.get(key)) for _, key in pairs]
    if all(v is None for v in verdicts):
        return text, "–"
    if "MISSED" in verdicts:
        return text, "no"
    return text, "yes" if None not in verdicts else "yes (part not measured)"


def render(results: dict) -> str:
    """The Markdown between the markers (markers excluded), ending with a newline."""
    when = str(results.get("when", ""))[:10] or "an unknown date"
    machine = results.get("machine", "an unrecorded machine")
    out = [_wrap(f"`make bench` (`bench/run.py`) prints these and saves them to "
                 f"`bench/results/latest.json`; `bench/readme_figures.py` writes this section "
                 f"from that file, so every figure and ratio below is from that one run, on "
                 f"{when}, {machine}:"), "",
           "| figure | measured | target | met |", "|---|---|---|---|"]
    for row in _rows(results):
        fallback = row.fallback
        text = _cell(row.label, (lambda: fallback) if fallback else None)
        goal, met = _target_cells(results, list(row.keys))
        out.append(f"| {text} | {_cell(row.measured)} | {goal} | {met} |")
    out += ["", *_floor_table(results), *_paragraphs(results)]
    return "\n".join(out).rstrip("\n") + "\n"


def _floor_table(r: dict) -> list[str]:
    names = floor_processors(r)
    if not names:
        return ["Compute floor per processor: not measured in this run.", ""]
    lines = ["Compute floor per processor (its SELECT over exactly the dates the backfill "
             "computed, into a temp table):", "",
             "| processor | dates | seconds | target | met |", "|---|---:|---:|---|---|"]
    for name in names:
        key = f"floor_{name}_seconds"
        goal, met = _target_cells(r, [key])
        dates = r.get(f"floor_{name}_dates")
        lines.append(f"| `{name}` | {NOT_MEASURED if dates is None else f'{dates:,}'} | "
                     f"{_cell(lambda k=key: _num(_get(r, k)))} | {goal} | {met} |")
    return lines + [""]


def _paragraphs(r: dict) -> list[str]:
    """The prose that quotes figures; a paragraph whose figures are missing is left out."""
    g = lambda key: _get(r, key)  # noqa: E731

    def notebook() -> str:
        return (f"The notebook overhead is the kernel start and cell messaging "
                f"({_s(g('notebook_kernel_and_messaging_seconds'))}) and what `nbkit run` does "
                f"around papermill ({_s(g('notebook_outside_papermill_seconds'))}: imports, "
                f"saving the executed notebook, the HTML report and the run index), minus the "
                f"plain script's own start-up. The notebook and the script run the same calls, "
                f"so the gate checks are on both sides.")

    def emulator() -> str:
        per = sorted({g(k) for k in r if k.startswith("bq_jobs_batched_")
                      and k not in ("bq_jobs_batched_run_level", "bq_jobs_batched_season_est")})
        if not per:
            raise _Missing("bq_jobs_batched_<processor>")
        jobs = f"{per[0]}" if len(per) == 1 else f"{per[0]}-{per[-1]}"
        return (f"On the emulator each processor chunk costs {jobs} jobs, among them its "
                f"MERGE, its verification query, the ledger's load job and MERGE into "
                f"`processor_run_history`, and a row count that stands in for the `dmlStats` "
                f"real BigQuery returns (not sent there); the run itself adds "
                f"{g('bq_jobs_batched_run_level')} (estimate, lease, run row). "
                f"`bench/bq_jobs.py` says exactly what is measured and what is extrapolated.")

    def scaling() -> str:
        peaks = [_mib(g(f"scale_seasons_{n}_sample_peak_rss_mib")) for n in (4, 8, 16)]
        return (f"The larger scaling sizes hold more than 2x and 4x the dates because "
                f"synthetic seasons are whole seasons, while the real window stops on "
                f"2024-11-29. Their sample builds peak at {peaks[1]} and {peaks[2]} MiB; the "
                f"four-season sample's at {peaks[0]} MiB.")

    def phase4() -> str:
        return (f"The real team's Phase 4 ran at about 3 minutes per date; here the full "
                f"backfill's {g('tasks'):,} tasks take {_s(g('backfill_seconds'))} because each "
                f"processor computes a whole season of dates in one statement.")

    out: list[str] = []
    for paragraph in (notebook, emulator, scaling, phase4):
        text = _cell(paragraph, lambda: "")
        if text:
            out += [_wrap(text), ""]
    return out


def _wrap(text: str, width: int = 88) -> str:
    """Lines of at most ``width`` characters, never breaking inside a `code span`."""
    keep = "\0"
    text = re.sub(r"`[^`]*`", lambda m: m.group(0).replace(" ", keep), text)
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return "\n".join(lines + [line]).replace(keep, " ")


# ---------------------------------------------------------------------------- README
def current(readme_text: str) -> str:
    """What is between the markers now (markers excluded)."""
    start, end = _bounds(readme_text)
    return readme_text[start:end]


def replaced(readme_text: str, results: dict) -> str:
    start, end = _bounds(readme_text)
    return readme_text[:start] + render(results) + readme_text[end:]


def _bounds(text: str) -> tuple[int, int]:
    if text.count(START_MARK) != 1 or text.count(END_MARK) != 1:
        raise ValueError(f"README.md must hold {START_MARK} and {END_MARK} once each")
    start = text.index(START_MARK) + len(START_MARK) + 1  # after the marker's newline
    end = text.index(END_MARK)
    if end < start:
        raise ValueError(f"{END_MARK} comes before {START_MARK} in README.md")
    return start, end


def load(path: Path = LATEST) -> dict:
    return json.loads(Path(path).read_text())


def update(results_path: Path = LATEST, readme: Path = README) -> bool:
    """Rewrite the README's figures from a results file; True if the README changed."""
    text = readme.read_text()
    new = replaced(text, load(results_path))
    if new != text:
        readme.write_text(new)
    return new != text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--results", default=str(LATEST))
    parser.add_argument("--check", action="store_true",
                        help="do not write: exit 1 if README.md differs from the rendering")
    args = parser.parse_args()
    if args.check:
        text = README.read_text()
        stale = replaced(text, load(Path(args.results))) != text
        print("README.md figures are " + ("stale: run python bench/readme_figures.py"
                                          if stale else "up to date"))
        return 1 if stale else 0
    changed = update(Path(args.results))
    print(f"README.md figures {'rewritten' if changed else 'already up to date'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
