"""The ``nbkit`` command: parses arguments and calls the library, nothing more."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time

from nbkit.errors import NbkitError
from nbkit.params import parse_date, parse_seed


class _Parser(argparse.ArgumentParser):
    """Argument errors as one line that names the fix."""

    def error(self, message: str) -> None:  # noqa: D102 - argparse hook
        sys.stderr.write(f"nbkit: error: {message}. Fix: see `{self.prog} --help`\n")
        sys.exit(2)


def _date_arg(name: str):
    def convert(value: str):
        try:
            return parse_date(value, name)
        except NbkitError as err:
            raise argparse.ArgumentTypeError(str(err)) from None
    return convert


def _seed_arg(value: str) -> int:
    try:
        return parse_seed(value, "--seed")
    except NbkitError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--warehouse", help="DuckDB file, duckdb:///path or bigquery://PROJECT "
                        "(default: $NBKIT_WAREHOUSE or warehouse/nba.duckdb)")
    common.add_argument("--project", help="BigQuery project id SQL refers to "
                        "(default: $NBKIT_PROJECT or nba-props-platform)")
    parser = _Parser(prog="nbkit", description="Backfill a multi-stage NBA warehouse "
                     "from Jupyter: embedded DuckDB twin of the BigQuery pipeline.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    sub.add_parser("init", parents=[common], help="create every dataset and table (idempotent)")

    sample = sub.add_parser("sample-data", parents=[common],
                            help="build the realistic four-season raw dataset")
    sample.add_argument("--seed", type=_seed_arg, default=7, help="random seed (default 7)")
    sample.add_argument("--as-of", type=_date_arg("--as-of"), default=None,
                        help="last final game date (default 2024-11-29)")

    sql = sub.add_parser("sql", parents=[common], help="run BigQuery SQL, print the result")
    sql.add_argument("query", help="BigQuery Standard SQL")
    sql.add_argument("--format", choices=["table", "csv", "json"], default="table")

    status = sub.add_parser("status", parents=[common],
                            help="coverage of every table against the schedule")
    status.add_argument("--start-date", type=_date_arg("--start-date"), default=None)
    status.add_argument("--end-date", type=_date_arg("--end-date"), default=None)
    status.add_argument("--format", choices=["table", "csv"], default="table")
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=os.environ.get("NBKIT_LOG", "WARNING").upper(),
                        format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except NbkitError as err:
        sys.stderr.write(f"nbkit: error: {err}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("nbkit: interrupted; every write is atomic, rerun the same command "
                         "to continue\n")
        return 130


def _open(args, read_only: bool = False):
    from nbkit.warehouse import open_warehouse

    return open_warehouse(args.warehouse, args.project, read_only=read_only,
                          wait_seconds=30.0 if read_only else 0.0)


def _cmd_init(args) -> int:
    with _open(args) as wh:
        created = wh.init_schema()
    print(f"Schema ready at {wh.url}: {len(created)} table(s) created.")
    return 0


def _cmd_sample(args) -> int:
    from nbkit.sample import DEFAULT_AS_OF, build_sample, check_as_of

    as_of = check_as_of(args.as_of or DEFAULT_AS_OF)
    started = time.monotonic()
    with _open(args) as wh:
        wh.init_schema()
        counts = build_sample(wh, seed=args.seed, as_of=as_of, progress=_progress)
    total = sum(counts.values())
    print(f"Sample warehouse ready at {wh.url}: {total:,} rows in {len(counts)} tables "
          f"(seed {args.seed}, as of {as_of}) in {time.monotonic() - started:.1f} s.")
    return 0


def _progress(message: str) -> None:
    print(f"  {message}", flush=True)


def _cmd_sql(args) -> int:
    from nbkit.warehouse.sql import parse_bigquery

    parse_bigquery(args.query)  # bad SQL fails here, before the warehouse is touched
    with _open(args, read_only=True) as wh:
        frame = wh.query(args.query)
    if args.format == "csv":
        frame.to_csv(sys.stdout, index=False)
    elif args.format == "json":
        print(frame.to_json(orient="records", date_format="iso"))
    else:
        print(frame.to_string(index=False) if len(frame.columns) else "OK")
    return 0


def _cmd_status(args) -> int:
    from nbkit.status import DEFAULT_START, coverage, format_coverage

    with _open(args, read_only=True) as wh:
        frame = coverage(wh, args.start_date or DEFAULT_START, args.end_date)
    if args.format == "csv":
        frame.to_csv(sys.stdout, index=False)
    else:
        print(format_coverage(frame))
    return 0


_COMMANDS = {"init": _cmd_init, "sample-data": _cmd_sample, "sql": _cmd_sql,
             "status": _cmd_status}
