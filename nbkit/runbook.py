"""Run a notebook as a batch job, and keep the record of what ran.

``run_notebook`` validates the parameters before any kernel starts, executes the
notebook with papermill into ``reports/runs/<UTC time>_<notebook>_<key params>/``
and leaves there, even when a cell fails:

- ``<notebook>.ipynb``: the executed notebook; a failed run gets a cell at the top
  naming the failed cell and its error (and the commands that recover);
- ``<notebook>.html``: the offline HTML report (code hidden, charts interactive);
- ``run.json``: parameters (secrets redacted), status, duration, gate verdicts and
  the ledger run ids the notebook recorded.

The kernel receives ``NBKIT_PROGRESS=text`` (readable progress bars),
``NBKIT_NOTEBOOK_PATH`` (the executed notebook, written to the ledger's run
table), ``NBKIT_RUN_RECORD`` (a JSON file the notebook fills via
``nbkit.nb.record``), ``NBKIT_RUN_COMMAND`` (the resume command) and each
secret parameter as ``NBKIT_SECRET_<NAME>``: secrets are never injected into the
notebook, and their values are scrubbed from every file the run leaves. The
runner never opens the warehouse, so the kernel can take the DuckDB file.
"""

from __future__ import annotations

import ast
import contextlib
import datetime as dt
import difflib
import json
import logging
import os
import re
import shutil
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat

from nbkit.errors import NbkitError
from nbkit.secrets import SECRET_WORDS, redact
from nbkit.nb.common import (
    COMMAND_ENV,
    NOTEBOOK_PATH_ENV,
    RECORD_ENV,
    SECRET_ENV_PREFIX,
    run_command,
)

log = logging.getLogger(__name__)

NOTEBOOKS = {"preflight": "00_preflight", "season": "10_season", "gaps": "20_gap_analysis",
             "validate": "30_validation", "validation": "30_validation",
             "recover": "40_recovery", "recovery": "40_recovery",
             "interactive": "50_interactive"}
NOTEBOOK_DIR_ENV = "NBKIT_NOTEBOOKS"
RECORD_FILE = ".nbkit_record.json"
# run.json fields nbkit writes itself (no user text): never scrubbed, so a 1-character
# secret cannot turn "success" into "succ***ss".
RUN_JSON_OWN_FIELDS = ("status", "notebook", "source", "started_at", "executed_notebook",
                       "html", "git_revision", "duration_seconds", "operator")
_ENV_LOCK = threading.Lock()


class NotebookRunError(NbkitError):
    """Raised by run_notebook before a kernel starts: unknown notebook or parameter."""


@dataclass
class RunReport:
    """What run_notebook left behind, and how the run went."""

    notebook: str
    status: str
    run_dir: Path
    executed_notebook: Path
    html: Path | None
    run_json: Path
    parameters: dict
    duration_seconds: float
    gate_verdicts: dict = field(default_factory=dict)
    ledger_run_ids: list[str] = field(default_factory=list)
    error: dict | None = None
    commands: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == "success"

    def summary(self) -> str:
        """A few lines for a terminal: status, where the files are, what to run next."""
        lines = [f"{self.notebook}: {self.status.upper()} in {self.duration_seconds:.1f} s",
                 f"  report:   {self.html or '(not rendered)'}",
                 f"  notebook: {self.executed_notebook}"]
        lines += [f"  {gate}: {verdict}" for gate, verdict in sorted(self.gate_verdicts.items())]
        lines += [f"  ledger run: {run_id}" for run_id in self.ledger_run_ids]
        if self.error:
            lines.append(f"  error: {self.error['ename']}: {str(self.error['evalue'])[:300]}")
        lines += [f"  {label}: {cmd}" for label, cmd in self.commands.items()]
        return "\n".join(lines)


def run_notebook(notebook: str | Path, parameters: dict | None = None,
                 reports_dir: str | Path = "reports", warehouse: str | None = None, *,
                 kernel_name: str | None = None, timeout: float | None = None,
                 start_timeout: float = 60.0, self_contained: bool = False) -> RunReport:
    """Execute a notebook with papermill and save the executed copy, HTML and run.json.

    Args:
        notebook: a path, a stem (``10_season``) or a short name (``season``, ``gaps``...).
        parameters: name -> value; strings (from a CLI) are converted to the type of the
            notebook's default. Names that look secret go to the kernel's environment.
        reports_dir: where ``runs/`` and ``index.html`` live.
        warehouse: the warehouse (overrides a ``warehouse`` parameter).
        kernel_name: Jupyter kernel (default: the notebook's).
        timeout: seconds allowed per cell (default: no limit).
        self_contained: inline plotly.js and the CSS in the HTML (one mailable file)
            instead of linking the shared ``reports/assets/``.

    Returns:
        RunReport; ``status`` is ``failed`` if a cell raised (the files are still written).

    Raises:
        NotebookRunError / ParamsError: bad notebook or parameters; no kernel was started.
    """
    source = resolve_notebook(notebook)
    given = dict(parameters or {})
    if warehouse is not None:
        given["warehouse"] = warehouse
    public, secrets = prepare_parameters(source, given)
    run_dir = _run_dir(Path(reports_dir), source.stem, public)
    output = run_dir / f"{source.stem}.ipynb"
    command = run_command(_display_path(source), {k: v for k, v in given.items()
                                                   if k not in secrets})
    env = _kernel_env(output, run_dir / RECORD_FILE, command, secrets)
    log.info("running %s with %s into %s", source, redact(public), run_dir)
    started = dt.datetime.now(dt.timezone.utc)
    clock = time.monotonic()
    from nbkit.report import warm_up

    warm_up()
    try:
        error = _execute(source, output, public, env, kernel_name, timeout, start_timeout)
    except KeyboardInterrupt:  # keep the record of the interrupted run, then stop
        _finish(source, run_dir, output, public, secrets, {
            "cell_index": None, "exec_count": None, "ename": "KeyboardInterrupt",
            "evalue": "interrupted; every write is atomic: rerun the same command to resume"},
            started, time.monotonic() - clock, Path(reports_dir), self_contained)
        raise
    return _finish(source, run_dir, output, public, secrets, error, started,
                   time.monotonic() - clock, Path(reports_dir), self_contained)


def resolve_notebook(notebook: str | Path) -> Path:
    """A notebook path from a path, a stem or a short name; NotebookRunError if unknown."""
    path = Path(notebook)
    if path.suffix == ".ipynb" and path.exists():
        return path.resolve()
    stem = NOTEBOOKS.get(str(notebook), path.stem)
    for folder in notebook_dirs():
        candidate = folder / f"{stem}.ipynb"
        if candidate.exists():
            return candidate.resolve()
    known = sorted({p.stem for d in notebook_dirs() for p in d.glob("*.ipynb")})
    close = difflib.get_close_matches(str(notebook), known + list(NOTEBOOKS), n=1)
    hint = f"did you mean {close[0]}?" if close else f"use one of: {', '.join(known)}"
    raise NotebookRunError(f"No notebook {str(notebook)!r}", hint)


def notebook_dirs() -> list[Path]:
    """Where notebooks are looked up: $NBKIT_NOTEBOOKS, ./notebooks, the repo's notebooks/."""
    dirs = [Path(os.environ[NOTEBOOK_DIR_ENV])] if os.environ.get(NOTEBOOK_DIR_ENV) else []
    return dirs + [Path("notebooks"), Path(__file__).resolve().parents[1] / "notebooks"]


def notebook_parameters(path: str | Path) -> dict:
    """Name -> default value of the notebook's ``parameters`` cell (exactly one required).

    Read with papermill's own ``inspect_notebook``, the parser that injects the values, so
    nbkit and papermill agree on what the parameters are.
    """
    from papermill import inspect_notebook

    nb = nbformat.read(str(path), as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(tagged) != 1:
        raise NotebookRunError(f"{path} has {len(tagged)} cells tagged 'parameters'",
                               "tag exactly one code cell 'parameters' (View > Cell tags)")
    return {name: _literal(info["default"]) for name, info in inspect_notebook(str(path)).items()}


def prepare_parameters(source: Path, given: dict) -> tuple[dict, dict]:
    """Validate names and values against the notebook's model; split off the secrets.

    A notebook nbkit ships is checked by its typed model (``nbkit.parameters.models``),
    any other by the rule of each parameter name nbkit knows.

    Returns:
        (parameters to inject, secrets to pass through the environment).
    """
    from nbkit import parameters as spec
    from nbkit.parameters.models import model_for

    defaults = notebook_parameters(source)
    unknown = [n for n in given if n not in defaults]
    if unknown:
        raise NotebookRunError(*spec.no_such_parameter(source.stem, unknown[0], list(defaults)))
    values = {k: _convert(v, defaults[k]) for k, v in given.items()}
    if "warehouse" in defaults:
        values["warehouse"] = _absolute_warehouse(values.get("warehouse"))
    model = model_for(source.stem)
    checked = model(**values).model_dump() if model else spec.validate(
        source.stem, {**{k: v for k, v in defaults.items() if spec.known(k)}, **values})
    public = {k: checked.get(k, v) for k, v in values.items() if not is_secret(k)}
    secrets = {k: str(v) for k, v in values.items() if is_secret(k) and v not in ("", None)}
    return public, secrets


def model_differences(source: str | Path) -> list[str]:
    """Where a notebook's ``parameters`` cell and its typed model disagree: names, order,
    defaults, types, help comments (read by papermill's ``inspect_notebook``)."""
    from papermill import inspect_notebook

    from nbkit.parameters.models import model_for

    model = model_for(Path(source).stem)
    if model is None:
        return [f"{Path(source).stem} has no model in nbkit.parameters.models"]
    cell = inspect_notebook(str(source))
    if list(cell) != model.names():
        return [f"names: the cell has {list(cell)}, the model {model.names()}"]
    out = []
    for name in cell:
        field, default = model.model_fields[name], _literal(cell[name]["default"])
        if default != field.default or type(default) is not type(field.default):
            out.append(f"{name}: default {cell[name]['default']} in the cell, "
                       f"{field.default!r} in the model")
        if (cell[name]["help"] or "") != field.description:
            out.append(f"{name}: help {cell[name]['help']!r} in the cell, "
                       f"{field.description!r} in the model")
    return out


def is_secret(name: str) -> bool:
    from nbkit.parameters.models import is_secret as secret_name

    return secret_name(name)


# --------------------------------------------------------------------------- helpers

def _execute(source, output, params, env, kernel_name, timeout, start_timeout) -> dict | None:
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    try:
        with _patched_environ(env), _forward_sigterm():
            pm.execute_notebook(str(source), str(output), parameters=params,
                                kernel_name=kernel_name, progress_bar=False, log_output=False,
                                start_timeout=start_timeout, execution_timeout=timeout,
                                cwd=os.getcwd(), kernel_manager_class=_ipc_kernel_manager())
    except PapermillExecutionError as err:
        return {"cell_index": err.cell_index, "exec_count": err.exec_count,
                "ename": err.ename, "evalue": err.evalue}
    except Exception as err:  # noqa: BLE001 - kernel death, timeout: recorded as the failure
        log.exception("notebook %s did not complete", source)
        return {"cell_index": None, "exec_count": None, "ename": type(err).__name__,
                "evalue": str(err).splitlines()[0][:500] if str(err) else ""}
    return None


def _ipc_kernel_manager():
    """A kernel manager talking to the kernel over Unix sockets in Jupyter's runtime folder.

    The default is TCP on localhost without encryption: any local user can connect to the
    kernel's ports and read its outputs, and ipykernel warns so on every run.
    """
    from jupyter_client.manager import KernelManager
    from traitlets import CaselessStrEnum

    class IpcKernelManager(KernelManager):
        transport = CaselessStrEnum(["tcp", "ipc"], default_value="ipc", config=True)

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            # jupyter_client's default socket path is "kernel-ipc" in the working directory,
            # numbered by probing which files exist: two kernels started at once from one
            # folder picked the same sockets and one never answered. A private 0700
            # folder per kernel gives each its own paths, unreadable to other users.
            self._socket_dir = tempfile.mkdtemp(prefix="nbkit-kernel-")
            self.ip = os.path.join(self._socket_dir, "kernel-ipc")
            _KERNELS.append(self)  # SIGTERM to this process interrupts the kernel (cancel)

        def cleanup_resources(self, restart: bool = False) -> None:
            super().cleanup_resources(restart=restart)
            if not restart:
                shutil.rmtree(self._socket_dir, ignore_errors=True)

    return IpcKernelManager


_KERNELS: list = []


@contextlib.contextmanager
def _forward_sigterm():
    """SIGTERM during a notebook run interrupts its kernel: the executor inside takes that
    SIGINT as a cancel (chunk boundary, run recorded ``cancelled``, lease released)."""
    import signal

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame) -> None:
        for km in list(_KERNELS):
            with contextlib.suppress(Exception):
                km.interrupt_kernel()

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
        _KERNELS.clear()


def _finish(source, run_dir, output, public, secrets, error, started, seconds,
            reports_dir, self_contained: bool = False) -> RunReport:
    from nbkit.report import (
        flag_failure,
        render_notebook_html,
        scrub,
        scrub_obj,
        scrub_text,
        write_index,
    )
    from nbkit.report_card import build_card

    sidecar = _read_record(run_dir / RECORD_FILE)
    nb = _load_or_stub(output, source)
    if error:
        flag_failure(nb, error, sidecar.get("commands", {}))
    nb = scrub(nb, secrets)
    nbformat.write(nb, str(output))
    status = "failed" if error else "success"
    html = run_dir / f"{source.stem}.html"
    card = build_card(source.stem, status, redact(public), started, seconds, sidecar, error)
    try:
        from nbkit.secrets import scrub_obj as scrub_value, scrub_page

        card = scrub_value(card, secrets)  # value by value: the page pass skips short secrets
        page = render_notebook_html(nb, f"{source.stem} run", status, links=[
            ("executed notebook", output.name), ("run.json", "run.json"),
            ("all runs", "../../index.html")], card=card, html_path=html,
            assets_dir=None if self_contained else reports_dir / "assets")
        html.write_text(scrub_page(page, secrets))
    except Exception:  # noqa: BLE001 - the notebook and run.json must still be written
        log.exception("could not render %s", html)
        html = None
    report = RunReport(source.stem, status, run_dir, output, html, run_dir / "run.json",
                       redact(public), round(seconds, 3), sidecar.get("gate_verdicts", {}),
                       sidecar.get("ledger_run_ids", []), scrub_obj(error, secrets),
                       sidecar.get("commands", {}))
    _write_run_json(report, source, started, sidecar, secrets)
    write_index(reports_dir)
    return report


def _write_run_json(report: RunReport, source: Path, started, sidecar: dict, secrets) -> None:
    from nbkit.ledger import git_revision
    from nbkit.secrets import scrub_obj

    data = {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(report).items()}
    data.update(notebook=source.stem, source=_display_path(source), started_at=started.isoformat(),
                executed_notebook=report.executed_notebook.name,
                html=report.html.name if report.html else None,
                ledger_runs=sidecar.get("ledger_runs", {}),
                detail={k: v for k, v in sidecar.items() if k not in
                        ("gate_verdicts", "ledger_run_ids", "commands", "ledger_runs")},
                git_revision=git_revision(), operator=_operator())
    data.pop("run_dir", None)
    data.pop("run_json", None)
    text = json.dumps(scrub_obj(data, secrets, keep=RUN_JSON_OWN_FIELDS), indent=2, default=str)
    report.run_json.write_text(text)
    (report.run_dir / RECORD_FILE).unlink(missing_ok=True)


def _load_or_stub(output: Path, source: Path):
    if output.exists():
        return nbformat.read(str(output), as_version=4)
    return nbformat.read(str(source), as_version=4)


def _read_record(path: Path) -> dict:
    try:
        return json.loads(path.read_text()) if path.exists() else {}
    except (OSError, ValueError):
        return {}


def _kernel_env(output: Path, record: Path, command: str, secrets: dict) -> dict:
    from nbkit import settings

    env = {"NBKIT_PROGRESS": "text", NOTEBOOK_PATH_ENV: str(output.resolve()),
           RECORD_ENV: str(record.resolve()), COMMAND_ENV: command}
    # The kernel reads the same settings: the same project file, and the flags' values.
    current = settings.current()
    if current.project_file:
        env[settings.PROJECT_ENV] = str(current.project_file)
    if current.bigquery_project:
        env["NBKIT_BIGQUERY_PROJECT"] = current.bigquery_project
    env.update({SECRET_ENV_PREFIX + k.upper(): v for k, v in secrets.items()})
    return env


@contextlib.contextmanager
def _patched_environ(extra: dict):
    """Set variables for the kernel subprocess (it inherits them at launch), then restore."""
    with _ENV_LOCK:
        saved = {k: os.environ.get(k) for k in extra}
        os.environ.update(extra)
        try:
            yield
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


def _run_dir(reports_dir: Path, stem: str, params: dict) -> Path:
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    keys = [str(params[k]) for k in ("season", "mode", "start_date", "end_date")
            if params.get(k) not in (None, "")]
    if params.get("dates"):
        keys.append(str(params["dates"]).split(",")[0])
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", "_".join([stamp, stem] + keys)).strip("-")[:120]
    base = reports_dir / "runs" / slug
    path, n = base, 1
    while True:
        try:
            path.mkdir(parents=True)
            return path
        except FileExistsError:
            n += 1
            path = base.with_name(f"{base.name}-{n}")


def _convert(value, default):
    """CLI strings -> the type of the notebook's default (bool, int, float)."""
    if not isinstance(value, str) or isinstance(default, str) or default is None:
        return value
    if isinstance(default, bool):
        return value  # spec.coerce parses true/false and names the fix
    for kind in (int, float):
        if isinstance(default, kind):
            try:
                return kind(value)
            except ValueError:
                return value
    return value


def _literal(text: str):
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return None  # an expression: nbkit's rule gives the default


def _absolute_warehouse(value) -> str:
    from nbkit.config import resolve_warehouse

    where = resolve_warehouse(value or None)
    if where.kind != "duckdb" or where.target == ":memory:":
        return where.url
    path = Path(where.target).expanduser().resolve()
    if not path.exists():
        raise NotebookRunError(f"No warehouse at {path}",
                               "run `nbkit sample-data` first, or pass -p warehouse PATH")
    return str(path)


def _display_path(source: Path) -> str:
    try:
        return str(source.relative_to(Path.cwd()))
    except ValueError:
        return str(source)


def _operator() -> str:
    import getpass

    try:
        from nbkit import settings

        return settings.current().operator or getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
