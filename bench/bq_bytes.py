"""Bytes a season's backfill reads on BigQuery: batched (one statement per processor)
against a per-date loop (one statement per processor and date).

No BigQuery here, and the emulator's dry run answers 0 bytes, so both figures come from
nbkit's own metadata model (``nbkit.cost.metadata_bytes``, the model the budget check uses
when no dry run can answer): for each statement, the rows of every table the processor
declares it reads, from LOOKBACK_DAYS before its first date to its last, times the table's
full row width. It is an upper bound of what BigQuery bills (the columns a query touches),
the same bound for both ways, so their ratio is the point: a per-date loop reads each date's
lookback window again for every date (a Phase 4 processor rereads the season so far), a
batched statement reads the season once.

Measured on the backfilled four-season warehouse, for each season: the dates each processor
runs in that season (Phase 3 every game date, Phase 4 past the bootstrap week).
Results: ``bq_bytes_<season>_batched``, ``bq_bytes_<season>_per_date``, and over all
seasons ``bq_bytes_season_batched_max``, ``bq_bytes_per_date_over_batched`` (the smallest
ratio of any season).

    python bench/bq_bytes.py WAREHOUSE.duckdb
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nbkit.backfill import prepare  # noqa: E402
from nbkit.cost import RowCounter, human_bytes, metadata_bytes  # noqa: E402
from nbkit.params import season_label  # noqa: E402
from nbkit.plan import make_request  # noqa: E402
from nbkit.processors import registry  # noqa: E402
from nbkit.status import load_calendar  # noqa: E402
from nbkit.warehouse import open_warehouse  # noqa: E402


def measure(results: dict, path: Path) -> None:
    """Add the batched and per-date bytes of every season of the warehouse to ``results``."""
    ratios, largest = [], 0
    with open_warehouse(str(path), read_only=True) as wh:
        counter = RowCounter(wh)
        calendar = load_calendar(wh)
        for season in calendar.seasons:
            plan = prepare(wh, make_request(season=season_label(season), include="all")).plan
            batched = per_date = 0
            for name in plan.processors():
                dates = sorted({t.date for t in plan.runnable() if t.processor == name})
                if not dates:
                    continue
                proc = registry.get_or_raise(name)
                batched += metadata_bytes(proc, dates, counter)
                per_date += sum(metadata_bytes(proc, [d], counter) for d in dates)
            label = season_label(season)
            results[f"bq_bytes_{label}_batched"] = batched
            results[f"bq_bytes_{label}_per_date"] = per_date
            largest = max(largest, batched)
            if batched:
                ratios.append(per_date / batched)
    results["bq_bytes_season_batched_max"] = largest
    if ratios:
        results["bq_bytes_per_date_over_batched"] = round(min(ratios), 1)


def main() -> int:
    results: dict = {}
    measure(results, Path(sys.argv[1]))
    for key, value in results.items():
        shown = f"{value}x" if key.endswith("_over_batched") else human_bytes(value)
        print(f"{key:40s} {shown}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
