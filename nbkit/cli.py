"""The ``nbkit`` command: parses arguments and calls the library, nothing more."""

from __future__ import annotations

import argparse
import contextlib
import functools
import logging
import os
import sys
import time
from pathlib import Path
from typing import Callable, NamedTuple

from nbkit import ops_commands, settings
from nbkit.errors import NbkitError
from nbkit.parameters import CHOICES, models
from nbkit.params import parse_date, parse_seed
from nbkit.calendar import END_OF_TIME


class _Parser(argparse.ArgumentParser):
    """Argument errors as one line that names the fix; no prefix matching of options
    (``--all`` must never be taken as ``--allow-incomplete-upstream``)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # noqa: D102 - argparse hook
        fix = "" if "Fix:" in message else f". Fix: see `{self.prog} --help`"
        sys.stderr.write(f"nbkit: error: {message}{fix}\n")
        sys.exit(2)


def _date_arg(name: str):
    def convert(value: str):
        try:
            return parse_date(value, name)
        except NbkitError as err:
            raise argparse.ArgumentTypeError(str(err)) from None
    return convert


def _count_arg(name: str):
    def convert(value: str) -> int:
        from nbkit.sample import check_synthetic_seasons

        try:
            return check_synthetic_seasons(int(value))
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} {value!r} is not a whole number") from None
        except NbkitError as err:
            raise argparse.ArgumentTypeError(str(err)) from None
    return convert


def _number_arg(name: str):
    """An argparse type checked by the range of the notebook parameter of the same name."""
    flag = "--" + name.replace("_", "-")

    def convert(value: str):
        from nbkit.parameters import number

        try:
            return number(name, value, flag)
        except NbkitError as err:
            raise argparse.ArgumentTypeError(str(err)) from None
    return convert


def _param_arg(name: str):
    """An argparse type checked by the rule of the notebook parameter ``name`` (a rule that
    needs the processor catalogue runs later, in the model, once the project is loaded)."""
    from nbkit import parameters as rules

    def convert(value: str):
        if name in rules.CATALOGUE:
            return value
        try:
            return rules.coerce(name, value)
        except NbkitError as err:
            raise argparse.ArgumentTypeError(str(err)) from None
    return convert


def _model_flag(parser, model: type[models.NotebookParams], name: str, *flags: str,
                **kwargs) -> None:
    """The flag of one notebook parameter, its help taken from the model."""
    kwargs.setdefault("help", model.model_fields[name].description)
    parser.add_argument(*(flags or ("--" + name.replace("_", "-"),)), dest=name, **kwargs)


def _model_options(parser: argparse.ArgumentParser, model: type[models.NotebookParams],
                   skip: tuple[str, ...] = ()) -> None:
    """A flag per parameter of the notebook's model; each is also ``-p NAME VALUE``."""
    group = parser.add_argument_group(f"parameters of {model.NOTEBOOK} "
                                      "(each also as -p NAME VALUE)")
    for name in model.names():
        if name == "warehouse" or models.is_secret(name) or name in skip:
            continue  # --warehouse is a common option; a secret goes with -p only
        field = model.model_fields[name]
        shown = "" if field.default in ("", None) else f" (notebook default: {field.default})"
        if field.annotation is bool:
            _model_flag(group, model, name, action=argparse.BooleanOptionalAction, default=None,
                        help=field.description + shown)
        else:
            _model_flag(group, model, name, type=_param_arg(name), default=None,
                        metavar=name.upper(), help=field.description + shown)


def _seed_arg(value: str) -> int:
    try:
        return parse_seed(value, "--seed")
    except NbkitError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def _skip_iri_grammars() -> None:
    """Keep jsonschema (imported by nbformat) from importing rfc3987_syntax.

    When installed (JupyterLab pulls it in), rfc3987_syntax compiles 38 lark grammars at
    import: about 1.3 s of every `nbkit run`, measured with -X importtime. It only serves
    jsonschema's optional "iri" format checks, which notebook validation never uses. Done
    in the command's process only, never on import of the library.
    """
    sys.modules.setdefault("rfc3987_syntax", None)  # None: `import` raises ImportError


class _Parents(NamedTuple):
    """The option groups that subcommands share (argparse ``parents``)."""

    common: argparse.ArgumentParser
    production: argparse.ArgumentParser
    selection: argparse.ArgumentParser
    notebook: argparse.ArgumentParser


class Command(NamedTuple):
    """One ``nbkit`` subcommand: its name, what registers its parser, what runs it.

    ``register(add, parents)`` creates the subparser with ``add(help=..., parents=[...])``
    (the name is already bound) and adds the command's own options; ``handler(args)``
    returns the exit code.
    """

    name: str
    register: Callable[[Callable[..., argparse.ArgumentParser], _Parents], object]
    handler: Callable[[argparse.Namespace], int]


def _common_options() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    common.add_argument("--json", action="store_true",
                        help="print one JSON document on stdout (schema nbkit.result v1); "
                             "human text goes to stderr")
    common.add_argument("--warehouse", help="DuckDB file, duckdb:///path or bigquery://PROJECT "
                        "(default: $NBKIT_WAREHOUSE or warehouse/nba.duckdb)")
    common.add_argument("--project", help="the project: an nbkit.toml, or the folder holding "
                        "it (default: $NBKIT_PROJECT, else found from the working directory up)")
    common.add_argument("--bigquery-project", dest="bigquery_project",
                        help="BigQuery project id every table is qualified with "
                        "(default: $NBKIT_BIGQUERY_PROJECT, the project file, the bigquery:// "
                        "URL's project, else the production project)")
    common.add_argument("--debug", action="store_true",
                        help="show the Python traceback of an unexpected error")
    return common


def _production_options() -> argparse.ArgumentParser:
    production = argparse.ArgumentParser(add_help=False)
    production.add_argument("--i-mean-production", dest="i_mean_production",
                            action="store_true",
                            help="allow writing to the production project (BigQuery)")
    return production


def _selection_options() -> argparse.ArgumentParser:
    selection = _Parser(add_help=False)
    for name in ("season", "start_date", "end_date", "dates"):
        _model_flag(selection, models.SeasonParams, name)
    _model_flag(selection, models.SeasonParams, "phases", "--phase")
    for name in ("processors", "include"):
        _model_flag(selection, models.SeasonParams, name)
    _model_flag(selection, models.SeasonParams, "bootstrap_days",
                type=_number_arg("bootstrap_days"), default=None)
    return selection


def _notebook_options() -> argparse.ArgumentParser:
    notebook = _Parser(add_help=False)
    notebook.add_argument("-p", "--parameter", nargs=2, action="append", default=[],
                          metavar=("NAME", "VALUE"),
                          help="notebook parameter (repeatable); each command lists its "
                               "notebook's parameters below")
    notebook.add_argument("--reports", default=None, help="reports folder (default: "
                          "$NBKIT_REPORTS_DIR, the project file, else reports)")
    notebook.add_argument("--self-contained", action="store_true", dest="self_contained",
                          help="one mailable HTML file: plotly.js and the CSS inlined "
                               "instead of linked from reports/assets/")
    return notebook


def _date_range_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--start-date", type=_date_arg("--start-date"), default=None)
    parser.add_argument("--end-date", type=_date_arg("--end-date"), default=None)


def build_parser() -> argparse.ArgumentParser:
    """The ``nbkit`` parser: global options, then every subcommand of ``COMMANDS``."""
    parents = _Parents(_common_options(), _production_options(), _selection_options(),
                       _notebook_options())
    parser = _Parser(prog="nbkit", description="Backfill a multi-stage NBA warehouse "
                     "from Jupyter: embedded DuckDB twin of the BigQuery pipeline.")
    parser.add_argument("--project", dest="project_global", metavar="PROJECT",
                        help="the project (nbkit.toml or its folder), before the command")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for command in COMMANDS:
        command.register(functools.partial(sub.add_parser, command.name), parents)
    return parser


def main(argv: list[str] | None = None) -> int:
    _skip_iri_grammars()
    logging.basicConfig(format="%(levelname)s %(name)s: %(message)s")
    from nbkit import jsonout
    from nbkit.exitcodes import ExitCode, for_error

    argv = sys.argv[1:] if argv is None else list(argv)
    as_json = "--json" in argv
    try:
        with jsonout.stdout_to_stderr(as_json):
            args = build_parser().parse_args(argv)
    except SystemExit as stop:  # argparse refused the arguments (or printed --help)
        code = ExitCode.SUCCESS if not stop.code else ExitCode.BAD_INPUT
        if as_json:
            jsonout.write(sys.stdout, jsonout.envelope(_command_of(argv), code, {}, None if
                          code == ExitCode.SUCCESS else _ArgumentError()))
        return int(code)
    args.out = {}  # each command's --json `data`
    inherited = os.environ.get(settings.PROJECT_ENV)
    error: BaseException | None = None
    with jsonout.stdout_to_stderr(args.json) as real_stdout:
        try:
            if args.command == "init":
                _scaffold(args.project or args.project_global)
            flags = {k: getattr(args, k, None) for k in ("bootstrap_days", "workers",
                                                          "max_bytes_billed")}
            settings.use(settings.load_settings(args.project or args.project_global,
                                                warehouse=args.warehouse,
                                                bigquery_project=args.bigquery_project,
                                                reports_dir=getattr(args, "reports", None),
                                                **flags))
            logging.getLogger().setLevel(settings.current().log.upper())
            _share_project(settings.current().project_file)
            code = ExitCode(_COMMANDS[args.command](args))
        except NbkitError as err:
            if args.debug:
                raise
            sys.stderr.write(f"nbkit: error: {err}\n")
            code, error = for_error(err), err
        except KeyboardInterrupt as err:
            sys.stderr.write("nbkit: interrupted; every write is atomic, rerun the same command "
                             "to continue\n")
            code, error = ExitCode.CANCELLED, err
        except BrokenPipeError:  # `nbkit plan --detail | head -1`: the reader has enough
            from nbkit.failures import quiet_broken_pipe

            quiet_broken_pipe()
            code = ExitCode.SUCCESS
        except Exception as err:  # noqa: BLE001 - the scheduler gets a code, stderr the trace
            if args.debug:
                raise
            logging.getLogger("nbkit").exception("internal error")
            sys.stderr.write(f"nbkit: internal error: {type(err).__name__}: {err}\n")
            code, error = ExitCode.INTERNAL_ERROR, err
        finally:
            settings.use(None)
            _share_project(inherited)
        if args.json:
            jsonout.write(real_stdout, jsonout.envelope(args.command, code, args.out, error))
    return int(code)


class _ArgumentError(NbkitError):
    def __init__(self) -> None:
        super().__init__("The arguments were refused (the reason is on stderr)",
                         "see `nbkit COMMAND --help`")


def _command_of(argv: list[str]) -> str:
    names = [a for a in argv if not a.startswith("-")]
    return names[0] if names and names[0] in _COMMANDS else "nbkit"


def _scaffold(project) -> None:
    from nbkit.scaffold import needs_scaffold, scaffold

    if needs_scaffold(project):
        written = scaffold(project)
        print(f"Project scaffolded in {Path(project).resolve()}: "
              + ", ".join(str(p.relative_to(Path(project))) for p in written))


def _share_project(path) -> None:
    """Notebook kernels and external commands read the same project as this command."""
    if path:
        os.environ[settings.PROJECT_ENV] = str(path)
    else:
        os.environ.pop(settings.PROJECT_ENV, None)


def _open(args, read_only: bool = False):
    from nbkit.warehouse import open_warehouse

    return open_warehouse(args.warehouse, args.bigquery_project, read_only=read_only,
                          wait_seconds=30.0 if read_only else 0.0)


def _checked_target(args, command: str) -> None:
    from nbkit.config import resolve_warehouse
    from nbkit.project_safety import check_write_target

    check_write_target(resolve_warehouse(args.warehouse, args.bigquery_project), command,
                       args.i_mean_production)


def _add_init(add, parents: _Parents) -> None:
    add(parents=[parents.common, parents.production],
        help="create every dataset and table (idempotent)")


def _cmd_init(args) -> int:
    _checked_target(args, "init")
    with _open(args) as wh:
        created = wh.init_schema()
    print(f"Schema ready at {wh.url}: {len(created)} table(s) created.")
    args.out.update(warehouse=wh.url, tables_created=created)
    return 0


def _add_sample(add, parents: _Parents) -> None:
    sample = add(parents=[parents.common, parents.production],
                 help="build the realistic four-season raw dataset")
    sample.add_argument("--force", action="store_true",
                        help="replace a warehouse holding run history or non-sample rows")
    sample.add_argument("--seed", type=_seed_arg, default=7, help="random seed (default 7)")
    sample.add_argument("--as-of", type=_date_arg("--as-of"), default=None,
                        help="last final game date (default 2024-11-29)")
    sample.add_argument("--raw-only", action="store_true",
                        help="only Phase 2 raw data (skip the operators' Phase 3 starting state)")
    sample.add_argument("--synthetic-seasons", type=_count_arg("--synthetic-seasons"), default=0,
                        help="extra seasons before 2021-22, copies of the real ones 4k years "
                             "earlier (for scale tests; default 0)")


def _cmd_sample(args) -> int:
    from nbkit.sample import DEFAULT_AS_OF, build_sample, check_as_of

    from nbkit.project_safety import record_build, refuse_if_in_use

    as_of = check_as_of(args.as_of or DEFAULT_AS_OF)
    _checked_target(args, "sample-data")
    started = time.monotonic()
    with _open(args) as wh:
        refuse_if_in_use(wh, args.raw_only, args.force)
        wh.init_schema()
        counts = build_sample(wh, seed=args.seed, as_of=as_of, progress=_progress,
                              synthetic_seasons=args.synthetic_seasons)
        total = sum(counts.values())
        print(f"Raw data: {total:,} rows in {len(counts)} tables (seed {args.seed}, "
              f"as of {as_of}) in {time.monotonic() - started:.1f} s.")
        if not args.raw_only:
            from nbkit.starting_state import apply_starting_state
            from nbkit.status import load_calendar

            state = apply_starting_state(wh, load_calendar(wh), as_of, args.seed)
            print(f"Starting state: Phase 3 on {len(state.phase3_dates)} dates, Phase 4 empty; "
                  f"defects placed: team_offense_game_summary partial on {state.partial_date}, "
                  f"{state.duplicate_rows} duplicate player_game_summary rows on "
                  f"{state.duplicate_date}.")
        record_build(wh, args.seed, as_of, args.synthetic_seasons, args.raw_only)
    print(f"Sample warehouse ready at {wh.url} in {time.monotonic() - started:.1f} s.")
    args.out.update(warehouse=wh.url, rows=total, tables=counts, seed=args.seed,
                    as_of=as_of, seconds=round(time.monotonic() - started, 3))
    return 0


def _progress(message: str) -> None:
    print(f"  {message}", flush=True)


def _add_sql(add, parents: _Parents) -> None:
    sql = add(parents=[parents.common], help="run BigQuery SQL, print the result")
    sql.add_argument("query", nargs="?", help="BigQuery Standard SQL")
    sql.add_argument("--format", choices=["table", "csv", "json"], default="table")
    sql.add_argument("--show", metavar="PROCESSOR",
                     help="print a processor's SQL as sent to BigQuery (fragments included); "
                          "runs nothing")


def _cmd_sql(args) -> int:
    from nbkit.errors import ParamsError
    from nbkit.warehouse.sql import parse_bigquery

    if args.show:
        from nbkit.processors import registry

        text = registry.get_or_raise(args.show).sql_text()
        print(text)
        args.out.update(processor=args.show, sql=text)
        return 0
    if not args.query:
        raise ParamsError("No SQL given", "pass a query, e.g. nbkit sql 'SELECT 1', "
                          "or --show PROCESSOR to print a processor's SQL")
    from nbkit.warehouse.readonly import check_read_only, lock_down

    check_read_only(args.query)  # a write is refused as one, before any parse error
    parse_bigquery(args.query)  # bad SQL fails here, before the warehouse is touched
    with _open(args, read_only=True) as wh:
        lock_down(wh, args.query)
        frame = wh.query(args.query)
    args.out.update(columns=[str(c) for c in frame.columns], rows=frame)
    if args.json:
        pass
    elif args.format == "csv":
        frame.to_csv(sys.stdout, index=False)
    elif args.format == "json":
        print(frame.to_json(orient="records", date_format="iso"))
    else:
        print(frame.to_string(index=False) if len(frame.columns) else "OK")
    return 0


def _add_status(add, parents: _Parents) -> None:
    status = add(parents=[parents.common], help="coverage of every table against the schedule")
    _date_range_options(status)
    status.add_argument("--format", choices=["table", "csv"], default="table")


def _cmd_status(args) -> int:
    from nbkit.status import DEFAULT_START, coverage, format_coverage

    from nbkit.scope import checked_range, require_games

    start, end = checked_range(args.start_date or DEFAULT_START, args.end_date)
    with _open(args, read_only=True) as wh:
        require_games(wh, start, end)
        frame = coverage(wh, start, end)
        from nbkit.drift import FIX, schema_drift

        drift = schema_drift(wh)
        args.out.update(coverage=frame)
    if args.format == "csv":
        frame.to_csv(sys.stdout, index=False)
    else:
        print(format_coverage(frame))
    for problem in drift:  # a dropped table is named, never silently left out
        sys.stderr.write(f"nbkit: error: {problem}. Fix: {FIX}\n")
    return 1 if drift else 0


def _request(args):
    from nbkit.plan import make_request

    return make_request(season=args.season, start_date=args.start_date, end_date=args.end_date,
                        dates=args.dates, phases=args.phases, processors=args.processors,
                        include=args.include)


def _add_plan(add, parents: _Parents) -> None:
    plan = add(parents=[parents.common, parents.selection],
               help="dry run: what a backfill would do, and why")
    plan.add_argument("--detail", action="store_true", help="list every task")


def _cmd_plan(args) -> int:
    from nbkit.backfill import prepare

    request = _request(args)
    with _open(args, read_only=True) as wh:
        prepared = prepare(wh, request, settings.current().bootstrap_days)
    plan = prepared.plan
    print(f"Plan: {len(plan.dates())} game dates over {plan.calendar_days} calendar days, "
          f"{len(plan.runnable())} of {len(plan.tasks)} tasks to run (dry run: nothing written)")
    print(plan.summary().to_string(index=False))
    from nbkit.cost import estimate, human_bytes

    with _open(args, read_only=True) as wh:
        bytes_ = estimate(wh, plan)
    if len(bytes_):
        shown = bytes_.assign(estimated=bytes_["bytes"].map(human_bytes))
        print("\nEstimated bytes scanned:")
        print(shown[["processor", "dates", "method", "estimated"]].to_string(index=False))
        print(f"Total: {human_bytes(int(bytes_['bytes'].sum()))}")
    if args.detail:
        print(plan.to_frame().to_string(index=False))
    args.out.update(game_dates=len(plan.dates()), calendar_days=plan.calendar_days,
                    tasks=len(plan.tasks), runnable=len(plan.runnable()),
                    summary=plan.summary(), estimated_bytes=int(bytes_["bytes"].sum())
                    if len(bytes_) else 0, estimates=bytes_)
    if args.detail:
        args.out["detail"] = plan.to_frame()
    return 0


def _add_backfill(add, parents: _Parents) -> None:
    run = add(parents=[parents.common, parents.selection],
              help="run the backfill (resumable: rerun the same command)")
    _model_flag(run, models.SeasonParams, "workers", type=_number_arg("workers"), default=None,
                help="processors run side by side within a phase (default: $NBKIT_WORKERS, "
                     "the project file, else 2)")
    run.add_argument("--chunk-size", type=_number_arg("chunk_size"), default=0,
                     help="dates per statement (default 0: whole seasons per statement, "
                          "up to 4 on DuckDB, one on BigQuery)")
    _model_flag(run, models.SeasonParams, "on_error", choices=CHOICES["on_error"],
                default="continue")
    run.add_argument("--retries", type=_number_arg("retries"), default=None,
                     help="extra attempts after a transient error (default: [retries] "
                          "attempts - 1 of the project file, else 2)")
    run.add_argument("--max-runtime", dest="max_runtime", default=None, metavar="DURATION",
                     help="stop at the next chunk boundary after this long (90s, 15m, 2h); "
                          "exit code cancelled, rerun to resume")
    _model_flag(run, models.SeasonParams, "allow_incomplete_upstream", action="store_true")
    run.add_argument("--take-over-stale-lease", action="store_true")
    run.add_argument("--no-progress", action="store_true")
    run.add_argument("--max-bytes-billed", default=None,
                     help="budget (e.g. 50GiB): refuse a plan estimated above it; also set "
                          "on every BigQuery job")


def _cmd_backfill(args) -> int:
    from nbkit.backfill import execute, prepare
    from nbkit.executor import OnError, RunOptions

    from nbkit.cost import parse_bytes

    request = _request(args)
    chosen = settings.current()
    budget = parse_bytes(chosen.max_bytes_billed) if chosen.max_bytes_billed else None
    from nbkit.cancel import parse_duration

    max_runtime = parse_duration(args.max_runtime) if args.max_runtime else None
    command = "nbkit " + " ".join(sys.argv[1:]) if sys.argv[1:] else "nbkit backfill"
    from nbkit.scope import require_existing

    require_existing(args.warehouse)  # a mistyped path must not become a new, empty file
    with _open(args) as wh:
        prepared = prepare(wh, request, chosen.bootstrap_days)
        runnable = len(prepared.plan.runnable())
        from nbkit.ledger import new_run_id

        run_id = new_run_id()
        print(f"Plan: {len(prepared.plan.dates())} game dates, {runnable} tasks to run.")
        if runnable:
            print(f"Run {run_id}: stop it cleanly with `nbkit cancel {run_id}` (or SIGTERM); "
                  "rerun the same command to resume.", flush=True)
        options = RunOptions(workers=chosen.workers, chunk_size=args.chunk_size,
                             on_error=OnError(args.on_error), retries=args.retries,
                             allow_incomplete_upstream=args.allow_incomplete_upstream,
                             take_over_stale_lease=args.take_over_stale_lease,
                             command=command, parameters={
                                 **vars(args), "workers": chosen.workers,
                                 "bootstrap_days": chosen.bootstrap_days,
                                 "max_bytes_billed": chosen.max_bytes_billed},
                             progress=not args.no_progress, max_bytes_billed=budget,
                             max_runtime_seconds=max_runtime, run_id=run_id)
        result = execute(wh, prepared, options)
    print(f"Run {result.run_id or '-'}: {result.status} in {result.seconds:.1f} s")
    if not result.outcomes.empty:
        print(result.summary().to_string(index=False))
    if result.alerts:
        print("Digest:")
        for alert in result.alerts:
            print(f"  - {alert}")
    if result.resume_command and not result.ok:
        print(f"To retry what did not succeed, run again: {result.resume_command}")
    from nbkit import notify
    from nbkit.exitcodes import for_run_status

    code = for_run_status(result.status)
    notify.send(notify.digest(result.run_id, "backfill", result.status, result.seconds,
                              notify.stages_from_outcomes(result.outcomes),
                              bytes_billed=result.bytes_billed, alerts=result.alerts,
                              exit_code=int(code)))
    args.out.update(run_id=result.run_id, status=result.status,
                    seconds=round(result.seconds, 3), summary=result.summary(),
                    alerts=result.alerts, resume_command=result.resume_command,
                    bytes_billed=result.bytes_billed)
    return code


def _run_nb(args, notebook: str, **fixed) -> int:
    from nbkit.runbook import NOTEBOOKS, run_notebook

    model = models.model_for(NOTEBOOKS.get(notebook, notebook))
    flags = {n: getattr(args, n) for n in (model.names() if model else ())
             if getattr(args, n, None) is not None}
    params = {**flags, **dict(args.parameter), **fixed}
    print(f"Running {notebook} with papermill ...", flush=True)
    reports = settings.current().reports_dir
    report = run_notebook(notebook, params, reports_dir=reports, warehouse=args.warehouse,
                          self_contained=args.self_contained)
    print(report.summary())
    print(f"  index: {Path(reports) / 'index.html'}")
    from nbkit.exitcodes import for_notebook

    ledger = _ledger_runs(report.run_json)
    code = for_notebook(report.status, report.error, report.gate_verdicts, list(ledger.values()))
    from nbkit import notify

    stages, billed = notify.stages_from_ledger(args.warehouse, report.ledger_run_ids)
    notify.send(notify.digest(", ".join(report.ledger_run_ids) or report.run_dir.name,
                              report.notebook, _nb_status(code, report.status),
                              report.duration_seconds, stages, report.gate_verdicts, billed,
                              str(report.html or report.executed_notebook), [],
                              exit_code=int(code)))
    args.out.update(notebook=report.notebook, status=report.status, exit_name=code.label,
                    run_dir=report.run_dir, executed_notebook=report.executed_notebook,
                    html=report.html, run_json=report.run_json,
                    parameters=report.parameters, seconds=report.duration_seconds,
                    gate_verdicts=report.gate_verdicts, ledger_run_ids=report.ledger_run_ids,
                    error=report.error, commands=report.commands)
    return code


def _nb_status(code, status: str) -> str:
    from nbkit.exitcodes import ExitCode

    return {ExitCode.CANCELLED: "cancelled", ExitCode.SUCCESS: "success"}.get(code, status)


def _ledger_runs(run_json: Path) -> dict:
    import json

    try:
        return json.loads(run_json.read_text()).get("ledger_runs") or {}
    except (OSError, ValueError):
        return {}


def _add_run(add, parents: _Parents) -> None:
    run_nb = add(parents=[parents.common, parents.notebook],
                 help="execute a notebook with papermill; save it, its HTML and run.json")
    run_nb.add_argument("notebook", help="path, stem (10_season) or short name (season, gaps...)")


def _cmd_run(args) -> int:
    return _run_nb(args, args.notebook)


def _add_notebook(add, parents: _Parents, model: type[models.NotebookParams], help: str,
                  text: str = "", skip: tuple[str, ...] = ()) -> argparse.ArgumentParser:
    """A command that runs a notebook, with a flag per parameter of its model; with
    ``text``, ``--text`` prints the tables in the terminal instead."""
    parser = add(parents=[parents.common, parents.notebook], help=help)
    _model_options(parser, model, skip)
    if text:
        parser.add_argument("--text", action="store_true", help=text)
    return parser


def _add_preflight(add, parents: _Parents) -> None:
    _add_notebook(add, parents, models.PreflightParams, "run 00_preflight (Gate 0)")


def _cmd_preflight(args) -> int:
    return _run_nb(args, "preflight")


def _add_season(add, parents: _Parents) -> None:
    season_nb = _add_notebook(add, parents, models.SeasonParams,
                              "run 10_season for one season (plan, phases, gates)",
                              skip=("season",))
    season_nb.add_argument("season", help=models.SeasonParams.model_fields["season"].description)


def _cmd_season(args) -> int:
    from nbkit.params import parse_season

    parse_season(args.season, "season")
    return _run_nb(args, "season", season=args.season)


def _add_recover(add, parents: _Parents) -> None:
    _add_notebook(add, parents, models.RecoveryParams,
                  "run 40_recovery (preview; --apply to apply)")


def _cmd_recover(args) -> int:
    return _run_nb(args, "recover")


def _add_gaps(add, parents: _Parents) -> None:
    _add_notebook(add, parents, models.GapAnalysisParams,
                  "run 20_gap_analysis (or --text for a terminal table)",
                  text="print tables, no notebook")


def _notebook_or_text(notebook: str, text: Callable[[argparse.Namespace], int]):
    """The handler of a notebook command that prints its tables instead with --text."""
    def handler(args) -> int:
        return text(args) if args.text else _run_nb(args, notebook)
    return handler


def _gaps_text(args) -> int:
    from nbkit import gaps
    from nbkit.status import load_calendar

    with _text_scope(args) as (wh, start, end):
        cal = load_calendar(wh, start, end or END_OF_TIME)
        states = gaps.task_states(wh, cal.game_dates(), bootstrap_days=cal.bootstrap_days)
    status = gaps.table_status(states, cal)
    print(gaps.coverage_by_table(status).to_string(index=False))
    bad = gaps.missing_dates(status)
    args.out.update(coverage=gaps.coverage_by_table(status), missing=bad)
    if len(bad):
        print(f"\n{len(bad)} missing or partial table-dates (first 20):")
        print(bad.head(20).to_string(index=False))
    return 0


@contextlib.contextmanager
def _text_scope(args):
    """(warehouse, start, end) of a --text report: the range checked, the warehouse open
    read-only, holding final games in the range and the production schema."""
    from nbkit.drift import require_schema
    from nbkit.scope import checked_range, require_games
    from nbkit.status import DEFAULT_START

    start, end = checked_range(args.start_date or DEFAULT_START, args.end_date)
    with _open(args, read_only=True) as wh:
        require_games(wh, start, end)
        require_schema(wh)
        yield wh, start, end


def _add_validate(add, parents: _Parents) -> None:
    _add_notebook(add, parents, models.ValidationParams,
                  "run 30_validation, gates 0-3 (or --text)",
                  text="print the checks, no notebook")


def _validate_text(args) -> int:
    from nbkit import gates

    with _text_scope(args) as (wh, start, end):
        checks = gates.all_gates(wh, start, end or END_OF_TIME)
    print(checks.assign(detail=checks["detail"].str.slice(0, 70)).to_string(index=False))
    overall = {g: gates.verdict(c) for g, c in checks.groupby("gate")}
    print("Verdicts: " + ", ".join(f"{g} {v}" for g, v in overall.items()))
    args.out.update(verdicts=overall, checks=checks)
    return 0 if all(v != gates.FAIL for v in overall.values()) else 3


def _add_signoff(add, parents: _Parents) -> None:
    add(parents=[parents.common],
        help="the final sign-off table: coverage, success rates, gate verdicts")


def _cmd_signoff(args) -> int:
    from nbkit.nb.signoff import validation

    result = validation(args.warehouse or None)
    table = result.table()
    print(table.to_string(index=False))
    print(f"Sign-off {result.start}..{result.end}: {result.verdict}")
    args.out.update(start=result.start, end=result.end, verdict=result.verdict, table=table)
    return 0 if result.verdict != "FAIL" else 3


def _add_parity(add, parents: _Parents) -> None:
    par = add(parents=[parents.common],
              help="run the same dates on two warehouses and compare checksums "
                   "(both warehouses' output partitions for the dates are replaced)")
    par.add_argument("--other", required=True, help="the warehouse to compare, e.g. bigquery://P")
    par.add_argument("--start-date", type=_date_arg("--start-date"), required=True)
    par.add_argument("--end-date", type=_date_arg("--end-date"), required=True)
    par.add_argument("--processors", help="comma-separated (default all ten)")
    par.add_argument("--history-start", type=_date_arg("--history-start"), default=None,
                     help="first date of Phase 3 history that Phase 4 reads (default start)")
    par.add_argument("--copy-inputs", action="store_true",
                     help="first copy input partitions to --other (scratch projects only!)")
    par.add_argument("--no-compute", action="store_true",
                     help="compare what both already hold")


def _cmd_parity(args) -> int:
    from nbkit.config import resolve_warehouse_url
    from nbkit.parity import parity
    from nbkit.scope import checked_range, nothing_compared, require_existing

    checked_range(args.start_date, args.end_date)
    for url in (args.warehouse, args.other):
        require_existing(url)
    frame = parity(resolve_warehouse_url(args.warehouse), args.other, args.start_date,
                   args.end_date, args.processors, copy=args.copy_inputs,
                   history_start=args.history_start, compute_outputs=not args.no_compute)
    if frame.empty:
        raise nothing_compared(args.start_date, args.end_date)
    print(frame.to_string(index=False))
    bad = frame[~frame["match"]]
    print(f"Parity: {len(frame) - len(bad)}/{len(frame)} table-dates match")
    args.out.update(matched=len(frame) - len(bad), compared=len(frame), table_dates=frame)
    return 0 if bad.empty else 1


# The subcommands, in the order `nbkit --help` lists them: each registers its own parser.
COMMANDS: tuple[Command, ...] = (
    Command("init", _add_init, _cmd_init),
    Command("sample-data", _add_sample, _cmd_sample),
    Command("sql", _add_sql, _cmd_sql),
    Command("plan", _add_plan, _cmd_plan),
    Command("backfill", _add_backfill, _cmd_backfill),
    Command("run", _add_run, _cmd_run),
    Command("preflight", _add_preflight, _cmd_preflight),
    Command("season", _add_season, _cmd_season),
    Command("recover", _add_recover, _cmd_recover),
    Command("gaps", _add_gaps, _notebook_or_text("gaps", _gaps_text)),
    Command("validate", _add_validate, _notebook_or_text("validate", _validate_text)),
    Command("leases", ops_commands.add_leases, ops_commands.cmd_leases),
    Command("parity", _add_parity, _cmd_parity),
    Command("signoff", _add_signoff, _cmd_signoff),
    Command("status", _add_status, _cmd_status),
    Command("ready", ops_commands.add_ready, ops_commands.cmd_ready),
    Command("cancel", ops_commands.add_cancel, ops_commands.cmd_cancel),
    Command("runs", ops_commands.add_runs, ops_commands.cmd_runs),
)
_COMMANDS = {command.name: command.handler for command in COMMANDS}
