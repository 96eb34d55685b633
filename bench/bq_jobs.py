"""BigQuery jobs per backfill: batched (a season per statement) against a per-date loop.

Starts its own bqemulator (tests/bigquery/emulator.Emulator, with the client patch and the
emulator-only SQL workarounds the test plugin applies, tests/bigquery/plugin.py) and counts
every job the BigQuery warehouse sends (query jobs, dry runs and load jobs, recorded as the
client sends them, tests/bigquery/jobs.py) while the same backfill runs twice:

  batched    RunOptions(chunk_size=0): one chunk per processor per season
  per date   RunOptions(chunk_size=1, include=all): one chunk per processor per date

What is measured: the seed-7 sample's inputs for 2021-10-19..2021-10-27 (the schedule two
weeks further) are loaded into the emulator, with the Phase 3 outputs of opening week
(2021-10-19..25, the history Phase 4's lookbacks read) computed on DuckDB and copied in, so
they are not counted. The backfill counted is all ten processors on the game dates of
WINDOW (2021-10-26..27, after the bootstrap week): 2 dates x 10 processors, counted per
processor (the job's ``processor`` label; load jobs by the job context of the thread that
sends them) and for the run itself (cost estimate, writer lease, run row: no processor).
Per processor and chunk that is 6 jobs on the emulator: the MERGE, the verification query,
the ledger's load job and MERGE into processor_run_history, and after each MERGE a row count
that stands in for the dmlStats real BigQuery reports. ``bq_jobs_real_per_processor_chunk``
is the most any processor sends per chunk without those row counts (one per chunk written,
recognised by their SQL: ``is_row_count_stand_in``), as real BigQuery would bill them.

What is extrapolated to a season (the ``*_season_est`` keys, and nothing else): batched, a
season is still one chunk per processor, so the estimate is the measured batched count; per
date, each processor's measured jobs per date times its dates in the 2021-22 season (every
date of that season in the sample's schedule for Phase 3, those after the bootstrap week for
Phase 4), plus the run's own jobs. Measured on 2026-11-26 (2 shared cores): 104 jobs batched
and 164 per date on the 2 dates (1.6x); a season, extrapolated: 104 against ~12,700.

Run ``python bench/bq_jobs.py`` (about 2-3 minutes on 2 cores) for the table, or call
``measure(results)`` to add the figures to a results dict.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nbkit import parity  # noqa: E402
from nbkit.backfill import execute, prepare  # noqa: E402
from nbkit.executor import RunOptions  # noqa: E402
from nbkit.plan import make_request  # noqa: E402
from nbkit.processors import registry  # noqa: E402
from nbkit.warehouse import open_warehouse  # noqa: E402

OPENING = dt.date(2021, 10, 19)
WINDOW = (dt.date(2021, 10, 26), dt.date(2021, 10, 27))
BOOTSTRAP_DAYS = 7
SEASON = 2021
PROJECT = "nba-props-platform"


def measure(results: dict) -> None:
    """Add ``bq_jobs_*`` figures to ``results`` (see the module docstring for what they are)."""
    from tests.bigquery.emulator import Emulator
    from tests.bigquery.plugin import _emulator_client_patch

    began = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="nbkit-bq-jobs-"))
    server = Emulator(project=PROJECT).start()
    _emulator_client_patch.apply()
    saved = os.environ.get("NBKIT_BIGQUERY_ENDPOINT")
    os.environ["NBKIT_BIGQUERY_ENDPOINT"] = server.endpoint
    try:
        bq, source = _load(work)
        try:
            season_dates = _season_dates(source)
            counts = {label: _count(bq, chunk_size, include)
                      for label, chunk_size, include in (("batched", 0, None),
                                                         ("per_date", 1, "all"))}
        finally:
            bq.close()
            source.close()
    finally:
        if saved is None:
            os.environ.pop("NBKIT_BIGQUERY_ENDPOINT", None)
        else:
            os.environ["NBKIT_BIGQUERY_ENDPOINT"] = saved
        _emulator_client_patch.undo()
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
    _report(results, counts, season_dates, time.monotonic() - began)


def _load(work: Path):
    """The emulator warehouse with the inputs and the opening week's Phase 3 outputs."""
    from concurrent.futures import ThreadPoolExecutor

    from nbkit.sample import build_sample
    from nbkit.warehouse.bigquery import BigQueryWarehouse
    from tests.bigquery.plugin import send_emulator_sql

    source = open_warehouse(str(work / "sample.duckdb"))
    build_sample(source, seed=7, as_of=WINDOW[1])
    duck = open_warehouse(str(work / "history.duckdb"))
    bq = BigQueryWarehouse(PROJECT)
    send_emulator_sql(bq.client)
    history_end = WINDOW[0] - dt.timedelta(days=1)
    phase3 = [p.TARGET_TABLE for p in registry.all() if p.PHASE == 3]

    def history() -> None:
        _copy_inputs(source, duck)
        execute(duck, prepare(duck, make_request(start_date=OPENING.isoformat(),
                                                 end_date=history_end.isoformat(), phases="3")),
                RunOptions(progress=False))

    try:
        # DuckDB computes the history in this process while the emulator loads the inputs.
        with ThreadPoolExecutor(max_workers=1) as pool:
            done = pool.submit(history)
            _copy_inputs(source, bq)
            done.result()
        parity.copy_inputs(duck, bq, phase3, OPENING, history_end)
    finally:
        duck.close()
    return bq, source


def _copy_inputs(source, wh) -> None:
    parity.copy_inputs(source, wh, parity.input_tables(), OPENING, WINDOW[1])
    parity.copy_inputs(source, wh, ["nba_raw.nbac_schedule"], WINDOW[1] + dt.timedelta(days=1),
                       WINDOW[1] + dt.timedelta(days=14))


def _count(bq, chunk_size: int, include: str | None) -> dict:
    """Jobs of one backfill of WINDOW: per processor, for the run itself, and the dates run."""
    from tests.bigquery.jobs import JobLog

    request = make_request(start_date=WINDOW[0].isoformat(), end_date=WINDOW[1].isoformat(),
                           include=include)
    prepared = prepare(bq, request)
    log = JobLog()
    real_query, real_load = bq.client.query, bq.client.load_table_from_json
    log.attach(bq)
    began = time.monotonic()
    try:
        run = execute(bq, prepared, RunOptions(progress=False, chunk_size=chunk_size))
    finally:
        bq.client.query, bq.client.load_table_from_json = real_query, real_load
    if run.status != "success":
        raise RuntimeError(f"the {chunk_size=} backfill ended {run.status}: {run.alerts}")
    per_proc = {p.NAME: 0 for p in registry.all()}
    stand_ins = {p.NAME: 0 for p in registry.all()}
    for job in log.jobs:
        name = job.labels.get("processor")
        if name in per_proc:
            per_proc[name] += 1
            stand_ins[name] += is_row_count_stand_in(job)
    dates = {p: sorted(set(run.outcomes[run.outcomes["processor"] == p]["date"]))
             for p in per_proc}
    return {"processors": per_proc, "stand_ins": stand_ins,
            "run": len(log.jobs) - sum(per_proc.values()),
            "total": len(log.jobs), "dates": dates, "seconds": time.monotonic() - began}


def is_row_count_stand_in(job) -> bool:
    """The row count the BigQuery warehouse sends after a MERGE when the endpoint reports no
    dmlStats (the emulator; nbkit/warehouse/bigquery.py ``_replace``): real BigQuery never
    gets it. One per replace, so also one per chunk written."""
    sql = " ".join((job.sql or "").split())
    return (job.kind == "query" and sql.startswith("SELECT COUNT(*) AS n FROM ")
            and sql.endswith("IN UNNEST(@nbkit_dates)"))


def real_jobs_per_chunk(jobs: dict[str, int], stand_ins: dict[str, int]) -> float:
    """The most jobs any processor sends per chunk on real BigQuery's accounting: its jobs
    less the emulator-only row counts, over its chunks (one row count each)."""
    return max(((jobs[name] - stand_ins[name]) / stand_ins[name]
                for name in jobs if stand_ins.get(name)), default=0.0)


def _season_dates(source) -> dict[int, int]:
    """Dates of the 2021-22 season in the schedule (any game status), per phase (Phase 4:
    after the bootstrap week): the sample is built only up to the window."""
    frame = source.query(
        f"SELECT DISTINCT game_date FROM `{PROJECT}.nba_raw.nbac_schedule` "
        f"WHERE season_year = @s AND game_date >= @opening", {"s": SEASON, "opening": OPENING})
    days = sorted(d.date() if hasattr(d, "date") else d for d in frame["game_date"])
    return {3: len(days),
            4: sum(1 for d in days if (d - OPENING).days >= BOOTSTRAP_DAYS)}


def _report(results: dict, counts: dict, season_dates: dict[int, int], seconds: float) -> None:
    batched, per_date = counts["batched"], counts["per_date"]
    window = sorted({d for ds in batched["dates"].values() for d in ds})
    results["bq_jobs_window_dates"] = len(window)
    results["bq_jobs_batched"] = batched["total"]
    results["bq_jobs_per_date"] = per_date["total"]
    results["bq_jobs_per_date_over_batched"] = round(per_date["total"] / batched["total"], 2)
    results["bq_jobs_real_per_processor_chunk"] = round(
        real_jobs_per_chunk(batched["processors"], batched["stand_ins"]), 2)
    results["bq_jobs_batched_run_level"] = batched["run"]
    results["bq_jobs_per_date_run_level"] = per_date["run"]
    season_est = per_date["run"]
    for proc in registry.all():
        results[f"bq_jobs_batched_{proc.NAME}"] = batched["processors"][proc.NAME]
        results[f"bq_jobs_per_date_{proc.NAME}"] = per_date["processors"][proc.NAME]
        per_day = per_date["processors"][proc.NAME] / max(len(per_date["dates"][proc.NAME]), 1)
        season_est += round(per_day * season_dates[4 if proc.PHASE >= 4 else 3])
    results["bq_jobs_season_dates"] = season_dates[3]
    results["bq_jobs_batched_season_est"] = batched["total"]
    results["bq_jobs_per_date_season_est"] = season_est
    results["bq_jobs_backfill_seconds_batched"] = round(batched["seconds"], 1)
    results["bq_jobs_backfill_seconds_per_date"] = round(per_date["seconds"], 1)
    results["bq_jobs_seconds"] = round(seconds, 1)


def main() -> int:
    results: dict = {}
    measure(results)
    print(f"{'processor':<32}{'batched':>9}{'per date':>10}")
    for proc in registry.all():
        print(f"{proc.NAME:<32}{results[f'bq_jobs_batched_{proc.NAME}']:>9}"
              f"{results[f'bq_jobs_per_date_{proc.NAME}']:>10}")
    print(f"{'(run: estimate, lease, run row)':<32}{results['bq_jobs_batched_run_level']:>9}"
          f"{results['bq_jobs_per_date_run_level']:>10}")
    print(f"{'total':<32}{results['bq_jobs_batched']:>9}{results['bq_jobs_per_date']:>10}")
    print(f"\nmeasured on {results['bq_jobs_window_dates']} game dates: per date / batched = "
          f"{results['bq_jobs_per_date_over_batched']}x")
    print(f"extrapolated to the 2021-22 season ({results['bq_jobs_season_dates']} game dates): "
          f"batched {results['bq_jobs_batched_season_est']}, per date "
          f"{results['bq_jobs_per_date_season_est']}")
    print(f"backfill seconds on the emulator: batched "
          f"{results['bq_jobs_backfill_seconds_batched']}, per date "
          f"{results['bq_jobs_backfill_seconds_per_date']}; bench time "
          f"{results['bq_jobs_seconds']} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
