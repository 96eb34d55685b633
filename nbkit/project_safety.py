"""What `nbkit init` and `nbkit sample-data` check before they write anything.

* On BigQuery both need an explicit project (``bigquery://PROJECT``, --bigquery-project,
  $NBKIT_BIGQUERY_PROJECT or the project file), never the silent default, and refuse the
  production project (settings.production_project) unless --i-mean-production or
  ``allow_production = true`` in the project file says so.
* sample-data replaces whole tables: it refuses a warehouse holding run history, or rows
  the last sample build did not leave (every build records its row counts in
  ``nba_reference.nbkit_sample_builds``), unless --force; the refusal names each table.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import TYPE_CHECKING

from nbkit import settings
from nbkit.config import WarehouseLocation
from nbkit.errors import ConfigError, NbkitError

if TYPE_CHECKING:
    from nbkit.warehouse import Warehouse

BUILDS = "nba_reference.nbkit_sample_builds"
RUN_HISTORY_TABLES = ("nba_reference.nbkit_runs", "nba_reference.processor_run_history")


class WarehouseInUseError(NbkitError):
    """Raised by sample-data on a warehouse whose rows it would replace (without --force)."""


def check_write_target(where: WarehouseLocation, command: str,
                       i_mean_production: bool = False) -> None:
    """Refuse a BigQuery target that is implicit, or production without the override.

    Raises:
        ConfigError: naming the project and how to choose one (or to confirm production).
    """
    if where.kind != "bigquery":
        return
    if not where.explicit_project:
        raise ConfigError(
            f"`nbkit {command}` on BigQuery needs an explicit project, not the default "
            f"{where.project}",
            "name it: --warehouse bigquery://PROJECT, --bigquery-project PROJECT, "
            "$NBKIT_BIGQUERY_PROJECT or bigquery_project in nbkit.toml")
    current = settings.current()
    if where.project == current.production_project and not (
            i_mean_production or current.allow_production):
        raise ConfigError(
            f"{where.project} is the production project: `nbkit {command}` would write "
            "its datasets and tables",
            "use a dev or scratch project; if you really mean production, add "
            "--i-mean-production (or allow_production = true in nbkit.toml)")


def replaced_tables(raw_only: bool) -> list[str]:
    """The tables a sample build replaces: the raw sample, plus Phase 3 unless raw_only."""
    from nbkit.processors import registry
    from nbkit.sample import TABLES

    phase3 = [] if raw_only else [p.TARGET_TABLE for p in registry.all() if p.PHASE == 3]
    return list(TABLES) + phase3


def sample_conflicts(wh: Warehouse, raw_only: bool = False) -> list[str]:
    """What a sample build would replace or leave behind that no sample build wrote."""
    counts = _row_counts(wh)
    problems = [f"{t} holds {counts[t]:,} rows of run history" for t in RUN_HISTORY_TABLES
                if counts.get(t)]
    left = _last_build_counts(wh) if counts.get(BUILDS) else {}
    for table in replaced_tables(raw_only):
        rows, expected = counts.get(table, 0), left.get(table, 0)
        if rows != expected:
            since = f"the last sample build left {expected:,}" if left else \
                "no sample build is recorded"
            problems.append(f"{table} holds {rows:,} rows ({since})")
    return problems


def refuse_if_in_use(wh: Warehouse, raw_only: bool, force: bool) -> None:
    """Raise WarehouseInUseError naming what would be replaced (no-op with ``force``)."""
    if force:
        return
    problems = sample_conflicts(wh, raw_only)
    if problems:
        shown = "; ".join(problems[:6]) + (f"; and {len(problems) - 6} more"
                                           if len(problems) > 6 else "")
        raise WarehouseInUseError(
            f"{wh.url} is not an nbkit sample: sample-data would replace its tables ({shown})",
            "point --warehouse at a new file or scratch project, or add --force to replace "
            "them")


def record_build(wh: Warehouse, seed: int, as_of: dt.date, synthetic_seasons: int,
                 raw_only: bool) -> None:
    """Write this build's row counts, so the next sample-data knows its rows."""
    import pandas as pd

    counts = _row_counts(wh)
    now = dt.datetime.now(dt.timezone.utc)
    frame = pd.DataFrame([{
        "build_id": uuid.uuid4().hex, "build_date": now.date(), "built_at": now, "seed": seed,
        "as_of": as_of, "synthetic_seasons": synthetic_seasons, "raw_only": raw_only,
        "row_counts": json.dumps({t: counts.get(t, 0) for t in replaced_tables(raw_only)}),
        "processed_at": now}])
    wh.write_frame(BUILDS, frame, keep="all")


def _row_counts(wh: Warehouse) -> dict[str, int]:
    frame = wh.list_tables()
    return {t: int(n) for t, n in zip(frame["table_id"], frame["row_count"])}


def _last_build_counts(wh: Warehouse) -> dict[str, int]:
    frame = wh.query(f"SELECT TO_JSON_STRING(row_counts) AS counts FROM `{BUILDS}` "
                     "WHERE build_date >= DATE '2000-01-01' ORDER BY built_at DESC LIMIT 1")
    if frame.empty:
        return {}
    value = frame["counts"].iloc[0]
    data = json.loads(value) if isinstance(value, str) else value
    return {str(k): int(v) for k, v in (data or {}).items()}
