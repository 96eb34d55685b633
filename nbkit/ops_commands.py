"""The scheduler-facing commands: ``ready``, ``cancel``, ``runs`` and ``leases``.

Kept out of cli.py, whose table of subcommands (``cli.COMMANDS``) names each ``add_*``
registration and ``cmd_*`` handler here; like every command they parse arguments and call
the library.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from nbkit.exitcodes import ExitCode


def add_ready(add, parents) -> None:
    """Register ``nbkit ready`` (``add``: the subparser factory of ``cli.COMMANDS``)."""
    ready = add(parents=[parents.common, parents.selection],
                help="sensor: exit 0 only if a backfill of the range could start "
                     "now (no overlapping live lease, inputs complete)")
    ready.add_argument("--wait-seconds", type=float, default=2.0,
                       help="how long to wait for a busy DuckDB file (default 2)")


def add_cancel(add, parents) -> None:
    cancel = add(parents=[parents.common],
                 help="stop a running backfill at its next chunk boundary")
    cancel.add_argument("run_id", help="the ledger run id (see `nbkit leases`, `nbkit runs`)")
    cancel.add_argument("--reason", default="", help="recorded with the request")


def add_runs(add, parents) -> None:
    runs = add(parents=[parents.common],
               help="list runs; `runs show ID`; `runs prune --keep N|--older-than D`")
    runs.add_argument("action", nargs="?", choices=["list", "show", "prune"], default="list")
    runs.add_argument("run_id", nargs="?", help="for show: a report folder or ledger run id")
    runs.add_argument("--reports", default=None, help="reports folder (default: settings)")
    runs.add_argument("--limit", type=int, default=50)
    runs.add_argument("--keep", type=int, default=None, help="prune: keep the newest N")
    runs.add_argument("--older-than", dest="older_than", type=float, default=None,
                      metavar="DAYS", help="prune: remove reports older than DAYS")
    runs.add_argument("--dry-run", action="store_true", help="prune: only list what would go")
    runs.add_argument("--no-ledger", action="store_true",
                      help="reports only (do not open the warehouse)")


def add_leases(add, parents) -> None:
    add(parents=[parents.common], help="active writer leases: holder, tables, date ranges")


def cmd_ready(args) -> int:
    """The sensor: 0 ready, 4 a live lease overlaps, 3 inputs incomplete."""
    from nbkit.backfill import prepare
    from nbkit.leases import Leases
    from nbkit.processors import registry

    from nbkit.plan import make_request

    request = make_request(season=args.season, start_date=args.start_date,
                           end_date=args.end_date, dates=args.dates, phases=args.phases,
                           processors=args.processors, include=args.include)
    reasons: list[str] = []
    code = ExitCode.SUCCESS
    with _open(args, read_only=True, wait=args.wait_seconds) as wh:
        from nbkit import settings

        prepared = prepare(wh, request, settings.current().bootstrap_days)
        plan = prepared.plan
        tables = {registry.get_or_raise(t.processor).TARGET_TABLE for t in plan.runnable()}
        dates = set(plan.dates())
        now = dt.datetime.now(dt.timezone.utc)
        for lease in Leases(wh).active().to_dict("records"):
            import pandas as pd

            from nbkit.runs import _as_list

            live = pd.Timestamp(lease["expires_at"]).to_pydatetime() >= now
            overlap = tables & set(_as_list(lease["tables"])) and dates & {
                pd.Timestamp(d).date() for d in _as_list(lease["dates"])}
            if live and overlap:
                reasons.append(f"lease {lease['lease_id']} of run {lease['run_id']} "
                               f"({lease['owner']}@{lease['host']}) overlaps")
                code = ExitCode.LEASE_HELD
        blocked = [t for t in plan.tasks if t.action == "skip"
                   and t.reason.startswith("upstream incomplete")]
        raw = _raw_input_failures(wh, plan.dates())
    if blocked:
        first = blocked[0]
        reasons.append(f"{len(blocked)} task(s) wait for incomplete upstream, first "
                       f"{first.processor} on {first.date} ({first.reason})")
    reasons += raw
    if (blocked or raw) and code == ExitCode.SUCCESS:
        code = ExitCode.GATE_FAILED
    ready = code == ExitCode.SUCCESS
    print(("READY" if ready else "NOT READY") + f": {len(plan.runnable())} task(s) to run over "
          f"{len(plan.dates())} date(s)")
    for reason in reasons:
        print(f"  - {reason}")
    args.out.update(ready=ready, reasons=reasons, tasks=len(plan.runnable()),
                    dates=len(plan.dates()),
                    first_date=min(plan.dates()) if plan.dates() else None,
                    last_date=max(plan.dates()) if plan.dates() else None)
    return code


def cmd_cancel(args) -> int:
    from nbkit.cancel import request_cancel
    from nbkit.config import parse_warehouse_url, resolve_warehouse_url
    from nbkit.errors import ParamsError, WarehouseBusyError

    url = resolve_warehouse_url(args.warehouse)
    kind, _ = parse_warehouse_url(url)
    status = None
    try:
        with _open(args, read_only=kind == "duckdb", wait=0.0) as wh:
            status = _run_status(wh, args.run_id)
            if status is not None and status != "running":
                raise ParamsError(f"Run {args.run_id} is not running (status {status})",
                                  "nothing to cancel; list runs with `nbkit runs`")
            if status is None and kind != "duckdb":
                raise ParamsError(f"No run {args.run_id!r} in the ledger",
                                  "copy the run id from `nbkit leases` or `nbkit runs`")
            row = request_cancel(wh if kind != "duckdb" else url, args.run_id, args.reason)
    except WarehouseBusyError:  # a DuckDB writer (most likely that run) holds the file
        row = request_cancel(url, args.run_id, args.reason)
    print(f"Cancel requested for run {args.run_id}: it stops at its next chunk boundary, "
          "records itself cancelled and releases its lease.")
    args.out.update(run_id=args.run_id, requested=True, requested_at=row["requested_at"],
                    run_status=status)
    return ExitCode.SUCCESS


def cmd_runs(args) -> int:
    from nbkit import runs as records
    from nbkit import settings

    reports = Path(args.reports) if args.reports else Path(settings.current().reports_dir)
    if args.action == "prune":
        gone = records.prune(reports, keep=args.keep, older_than_days=args.older_than,
                             dry_run=args.dry_run)
        verb = "Would remove" if args.dry_run else "Removed"
        print(f"{verb} {len(gone)} report folder(s) under {reports / 'runs'} "
              "(the ledger's history is kept).")
        for name in gone:
            print(f"  {name}")
        args.out.update(removed=gone, dry_run=args.dry_run, reports_dir=reports)
        return ExitCode.SUCCESS
    if args.action == "show":
        from nbkit.errors import ParamsError

        if not args.run_id:
            raise ParamsError("`nbkit runs show` needs a run id", "nbkit runs show RUN_ID")
        with _maybe_open(args) as wh:
            data = records.show_run(args.run_id, reports, wh)
        import json

        from nbkit.jsonout import to_jsonable

        print(json.dumps(to_jsonable(data), indent=2))
        args.out.update(run=data)
        return ExitCode.SUCCESS
    with _maybe_open(args) as wh:
        frame = records.list_runs(reports, wh, args.limit)
    shown = frame.assign(parameters=frame["parameters"].map(_short),
                         gate_verdicts=frame["gate_verdicts"].map(_short)) \
        .drop(columns=["ledger_run_ids"])
    print(shown.to_string(index=False) if len(frame) else "No runs recorded.")
    args.out.update(runs=frame)
    return ExitCode.SUCCESS


def cmd_leases(args) -> int:
    from nbkit import runs as records
    from nbkit.leases import Leases
    from nbkit.status import load_calendar

    with _open(args, read_only=True, wait=30.0) as wh:
        frame = Leases(wh).active()
        try:
            game_dates = load_calendar(wh).game_dates() if len(frame) else []
        except Exception:  # noqa: BLE001 - no schedule: collapse consecutive days instead
            game_dates = []
    compact = records.compact_leases(frame, list(game_dates))
    if compact.empty:
        print("No active writer lease.")
    for lease in compact.to_dict("records"):
        print(f"lease {lease['lease_id']}  run {lease['run_id']}  {lease['holder']}  "
              f"until {lease['expires_at']}")
        print(f"  tables ({len(lease['tables'])}): {', '.join(lease['tables'])}")
        print(f"  dates ({lease['dates']}): {', '.join(lease['date_ranges'])}")
    args.out.update(leases=compact)
    return ExitCode.SUCCESS


def _open(args, read_only: bool, wait: float):
    from nbkit.warehouse import open_warehouse

    return open_warehouse(args.warehouse, args.bigquery_project, read_only=read_only,
                          wait_seconds=wait)


class _maybe_open:
    """The warehouse read-only, or None (reports only) when --no-ledger or it is busy."""

    def __init__(self, args) -> None:
        self.args, self.wh = args, None

    def __enter__(self):
        from nbkit.errors import WarehouseError

        if self.args.no_ledger:
            return None
        try:
            self.wh = _open(self.args, read_only=True, wait=5.0)
        except WarehouseError as err:
            sys.stderr.write(f"nbkit: ledger not read ({err.problem}); reports only\n")
            self.wh = None
        return self.wh

    def __exit__(self, *exc) -> None:
        if self.wh is not None:
            self.wh.close()


def _run_status(wh, run_id: str) -> str | None:
    from nbkit.ledger import RUNS

    frame = wh.query(f"SELECT status FROM `{wh.project}.{RUNS}` WHERE run_date >= "
                     "DATE '1900-01-01' AND run_id = @run_id", {"run_id": run_id})
    return None if frame.empty else str(frame["status"].iloc[0])


def _raw_input_failures(wh, dates: list[dt.date]) -> list[str]:
    """Failed Phase 2 completeness checks of Gate 0 over the dates (the plan's inputs)."""
    if not dates:
        return []
    from nbkit import gates

    checks = gates.gate0(wh, min(dates), max(dates))
    bad = checks[(checks["verdict"] == gates.FAIL)
                 & ~checks["check"].str.contains("lease|processors registered", regex=True)]
    return [f"input check failed: {r.check} ({r.value}, wants {r.threshold})"
            for r in bad.itertuples()]


def _short(value) -> str:
    text = ", ".join(f"{k}={v}" for k, v in (value or {}).items())
    return text if len(text) <= 60 else text[:57] + "..."
