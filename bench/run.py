"""nbkit benchmarks: prints a table of measured figures and saves them as JSON.

Every ratio is measured within this one run (no figures remembered from
elsewhere). Run with `make bench`.

  sample      build the four-season sample warehouse (raw + starting state)
  backfill    full 675-date backfill, both phases, batched (whole seasons per statement: four on DuckDB)
  rerun       the same command again (must write nothing)
  floor       each processor's SELECT over exactly the dates the backfill computed, into a
              temp table (the compute floor: bench/floor.py); checksums of the ten tables
  per_date    the same work one date per statement, on a sample of dates, extrapolated
  gaps/gates  gap analysis and validation query times on the full warehouse
  scaling     backfill from raw for 4, 8 and 16 seasons (synthetic ones from the generator)
  notebook    the season notebook through papermill vs the same code as a plain script
  demo        `make demo`: time and peak memory
  bq_jobs     BigQuery jobs for the same backfill batched vs one date per job (emulator)

Each figure is printed beside its target (bench/readme_figures.TARGETS) with OK or MISSED;
then the README's "Measured figures" section is rewritten from the saved JSON
(bench/readme_figures.py; --no-readme skips it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import bq_bytes  # noqa: E402
import bq_jobs  # noqa: E402
import catalogue as catalogue_bench  # noqa: E402
import floor as floor_bench  # noqa: E402
import readme_figures  # noqa: E402
import report_sizes  # noqa: E402
import scaling  # noqa: E402
from nbkit import gaps, gates  # noqa: E402
from nbkit.backfill import execute, prepare  # noqa: E402
from nbkit.executor import RunOptions  # noqa: E402
from nbkit.plan import make_request  # noqa: E402
from nbkit.processors import registry  # noqa: E402
from nbkit.sample import build_sample  # noqa: E402
from nbkit.warehouse import open_warehouse  # noqa: E402

START, END = dt.date(2021, 10, 1), dt.date(2024, 11, 29)


def timed(fn):
    began = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - began


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--per-date-sample", type=int, default=40,
                        help="dates timed one statement each (extrapolated to all dates)")
    parser.add_argument("--skip-demo", action="store_true",
                        help="do not measure `make demo`'s peak memory (takes ~2 minutes)")
    parser.add_argument("--skip-bigquery", action="store_true",
                        help="do not count BigQuery jobs on the emulator (takes ~2 minutes)")
    parser.add_argument("--out", default=str(readme_figures.LATEST))
    parser.add_argument("--no-readme", action="store_true",
                        help="do not rewrite the README's figures from the results")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="nbkit-bench-"))
    results: dict = {"machine": _machine(), "when": dt.datetime.now(dt.timezone.utc).isoformat()}
    try:
        path = work / "bench.duckdb"
        with open_warehouse(str(path)) as wh:
            wh.init_schema()
            counts, results["sample_seconds"] = timed(lambda: build_sample(wh, seed=7))
            results["sample_rows"] = sum(counts.values())
            wh.close()
            shutil.copy(path, work / "raw.duckdb")
        with open_warehouse(str(path)) as wh:
            request = make_request(start_date=START.isoformat(), end_date=END.isoformat())
            prepared, results["plan_seconds"] = timed(lambda: prepare(wh, request))
            results["tasks"] = len(prepared.plan.runnable())
            results["game_dates"] = len(prepared.plan.dates())
            results["processors"] = len(registry.all())
            floor_dates = floor_bench.dates_by_processor(prepared.plan)
            run, results["backfill_seconds"] = timed(
                lambda: execute(wh, prepared, RunOptions(progress=False)))
            results["backfill_status"] = run.status
            again, results["rerun_seconds"] = timed(
                lambda: execute(wh, prepare(wh, request), RunOptions(progress=False)))
            results["rerun_status"] = again.status
            _gap_and_gate_times(wh, results)
            shutil.copy(path, work / "per_date.duckdb")
        results["peak_rss_mib"] = round(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        stages = [("floor", lambda: floor_bench.measure(path, floor_dates, results)),
                  ("per_date", lambda: _per_date(work / "per_date.duckdb",
                                                 args.per_date_sample, results)),
                  ("scaling", lambda: scaling.measure(results, work)),
                  ("eta", lambda: __import__("eta").measure(results, path, work)),
                  ("notebook", lambda: _notebook_overhead(path, work, results)),
                  ("catalogue", lambda: catalogue_bench.measure(results)),
                  ("bq_bytes", lambda: bq_bytes.measure(results, path))]
        if not args.skip_demo:
            stages.append(("demo", lambda: _demo_memory(work, results)))
            stages.append(("report_sizes", lambda: report_sizes.measure(results)))
        if not args.skip_bigquery:
            stages.append(("bq_jobs", lambda: bq_jobs.measure(results)))
        for name, stage in stages:  # one failing stage must not lose the others' figures
            try:
                stage()
            except Exception as err:  # noqa: BLE001 - recorded in the results and printed
                results[f"{name}_error"] = f"{type(err).__name__}: {err}"[:500]
    finally:
        shutil.rmtree(work, ignore_errors=True)
        _report(results, Path(args.out))
        _update_readme(Path(args.out), args.no_readme)
    return 1 if any(k.endswith("_error") for k in results) else 0


def _gap_and_gate_times(wh, results: dict) -> None:
    from nbkit.status import load_calendar

    def gap_analysis():
        calendar = load_calendar(wh, START, END)
        status = gaps.table_status(gaps.task_states(wh, calendar.game_dates()), calendar)
        return gaps.coverage_by_table(status)

    _, results["gap_analysis_seconds"] = timed(gap_analysis)
    sc, results["gate_scope_seconds"] = timed(lambda: gates.scope(wh, START, END))
    for name, fn in (("gate0", lambda: gates.gate0(wh, START, END)),
                     ("gate1", lambda: gates.gate1(wh, sc)),
                     ("gate2", lambda: gates.gate2(wh, sc)),
                     ("gate3", lambda: gates.gate3(wh, sc))):
        frame, results[f"{name}_seconds"] = timed(fn)
        results[f"{name}_verdict"] = gates.verdict(frame)


def _per_date(path: Path, sample: int, results: dict) -> None:
    """Time the same processors one date per statement on evenly spaced dates."""
    from nbkit.processors import registry
    from nbkit.processors.compute import compute

    with open_warehouse(str(path)) as wh:
        prepared = prepare(wh, make_request(start_date=START.isoformat(),
                                            end_date=END.isoformat(), include="all"))
        tasks = prepared.plan.runnable()
        dates = sorted({t.date for t in tasks})
        step = max(len(dates) // sample, 1)
        chosen = dates[::step][:sample]
        elapsed = 0.0
        for proc in registry.all():
            mine = [t.date for t in tasks if t.processor == proc.NAME and t.date in chosen]
            for day in mine:
                _, seconds = timed(lambda: compute(wh, proc, [day]))
                elapsed += seconds
        per_task = elapsed / max(sum(1 for t in tasks if t.date in chosen), 1)
        results["per_date_sample_dates"] = len(chosen)
        results["per_date_seconds_per_task"] = round(per_task, 4)
        results["per_date_estimated_seconds"] = round(per_task * len(tasks), 1)
        results["per_date_over_batched"] = round(
            results["per_date_estimated_seconds"] / results["backfill_seconds"], 1)


def _notebook_overhead(path: Path, work: Path, results: dict) -> None:
    """The 10_season notebook through ``nbkit run`` versus the same code without a notebook.

    Both run cold, in a fresh process, on the same warehouse and the same no-op season
    (everything done): the baseline is the notebook's own code cells, parameters
    substituted, executed by plain ``python``. The difference is what papermill adds:
    kernel start, cell messaging, saving the executed notebook, the HTML report and the
    run index.
    """
    import subprocess

    import nbformat

    notebook = nbformat.read(ROOT / "notebooks" / "10_season.ipynb", as_version=4)
    cells = [c.source for c in notebook.cells if c.cell_type == "code"]
    script = work / "season_as_script.py"
    script.write_text(_as_script(cells, path))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    python, nbkit_cli = sys.executable, str(Path(sys.executable).with_name("nbkit"))
    plain, api = timed(lambda: subprocess.run([python, str(script)], cwd=work, env=env,
                                              capture_output=True, text=True))
    run, nb = timed(lambda: subprocess.run(
        [nbkit_cli, "run", "season", "-p", "season", "2022-23", "--warehouse", str(path),
         "--reports", str(work / "reports")], cwd=ROOT, env=env, capture_output=True,
        text=True))
    results["season_noop_script_seconds"] = api
    results["season_noop_papermill_seconds"] = nb
    results["notebook_overhead_seconds"] = nb - api
    results["notebook_run_status"] = "ok" if run.returncode == plain.returncode == 0 else (
        f"exit {run.returncode}/{plain.returncode}: {(run.stderr or plain.stderr)[-300:]}")
    executed = sorted((work / "reports" / "runs").glob("*/10_season.ipynb"))
    if executed:
        done = nbformat.read(executed[-1], as_version=4)
        papermill = done.metadata.get("papermill", {}).get("duration") or 0.0
        cells_s = sum(c.metadata.get("papermill", {}).get("duration") or 0.0
                      for c in done.cells)
        results["notebook_kernel_and_messaging_seconds"] = papermill - cells_s
        results["notebook_outside_papermill_seconds"] = nb - papermill


def _as_script(cells: list[str], path: Path) -> str:
    """The notebook's code cells as one script, with the parameters the bench passes."""
    body = [cells[0], f"season = '2022-23'\nwarehouse = {str(path)!r}"] + cells[1:]
    return "from IPython.display import display\n\n" + "\n\n".join(body) + "\n"


def _demo_memory(work: Path, results: dict) -> None:
    """Peak resident memory of any process `make demo` starts (warehouse in a temp dir)."""
    import subprocess

    env = {**os.environ, "NBKIT_WAREHOUSE": str(work / "demo.duckdb")}
    # A wrapper process, so the peak is of `make demo`'s processes only, not of earlier ones.
    wrapper = ("import resource, subprocess, sys; "
               "code = subprocess.run(sys.argv[1:]).returncode; "
               "print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    done, seconds = timed(lambda: subprocess.run(
        [sys.executable, "-c", wrapper, "make", "demo", f"WAREHOUSE={work / 'demo.duckdb'}"],
        cwd=ROOT, env=env, capture_output=True, text=True))
    code, peak_kib = done.stdout.split()[-2:]
    results["demo_status"] = "ok" if code == "0" else f"exit {code}"
    results["demo_seconds"] = seconds
    results["demo_peak_rss_mib"] = int(peak_kib) / 1024


def _report(results: dict, out: Path) -> None:
    """Save the results and print each figure beside its target (readme_figures.TARGETS)."""
    results.update({k: round(v, 3) for k, v in results.items() if isinstance(v, float)})
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, default=str))
    width = max([32] + [len(k) + 2 for k in results])
    print(f"{'figure':<{width}}{'value':>16}  target")
    for key, value in results.items():
        if key in ("machine", "when"):
            continue
        goal = readme_figures.target(key)
        mark = readme_figures.verdict(key, value)
        print(f"{key:<{width}}{str(value):>16}  {goal.text if goal else ''}"
              f"{'  ' + mark if mark else ''}")
    missing = readme_figures.unmeasured_targets(results)
    if missing:
        print(f"not measured (target not checked): {', '.join(missing)}")
    verdicts = [readme_figures.verdict(k, v) for k, v in results.items()]
    met, missed = verdicts.count("OK"), verdicts.count("MISSED")
    print(f"targets met: {met} of {met + missed} measured; missed: {missed}")
    print(f"machine: {results['machine']}\nsaved: {out}")


def _update_readme(out: Path, skip: bool) -> None:
    """Rewrite the README's figures from the saved results (the committed latest.json only)."""
    if skip:
        return
    if out.resolve() != readme_figures.LATEST.resolve():
        print(f"README figures not rewritten: they come from {readme_figures.LATEST}, "
              f"not {out}")
        return
    changed = readme_figures.update(out)
    print(f"README.md figures {'rewritten' if changed else 'unchanged'} from {out}")


def _machine() -> str:
    return (f"{platform.machine()} {os.cpu_count()} cores, "
            f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB, "
            f"Python {platform.python_version()}, {platform.system()}, "
            f"DuckDB {__import__('duckdb').__version__}")


if __name__ == "__main__":
    raise SystemExit(main())
