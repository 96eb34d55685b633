"""What every notebook step shares: the warehouse handle, the run record, commands.

The kernel never holds the warehouse between steps: each step opens it, works
and closes it, so an analyst's idle notebook never blocks a batch run (DuckDB
lets one process hold a file for writing).

Environment variables the runner (``nbkit.runbook.run_notebook``) sets for the
kernel, all optional so the notebooks also run by hand in JupyterLab:

- ``NBKIT_NOTEBOOK_PATH``: the executed notebook; recorded in the ledger's run table.
- ``NBKIT_RUN_RECORD``: a JSON file the notebook fills with the ledger run ids,
  gate verdicts and next commands (merged into ``run.json`` by the runner).
- ``NBKIT_RUN_COMMAND``: the command that started this run (the resume command).
- ``NBKIT_SECRET_<NAME>``: the value of a secret parameter (never injected into
  the notebook itself).
- ``NBKIT_PROGRESS=text``: plain-text progress bars, readable in saved outputs.
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import shlex
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

import pandas as pd

from nbkit.errors import NbkitError

if TYPE_CHECKING:
    from nbkit.executor import RunOptions
    from nbkit.parameters.models import NotebookParams
    from nbkit.warehouse import Warehouse

NOTEBOOK_PATH_ENV = "NBKIT_NOTEBOOK_PATH"
RECORD_ENV = "NBKIT_RUN_RECORD"
COMMAND_ENV = "NBKIT_RUN_COMMAND"
SECRET_ENV_PREFIX = "NBKIT_SECRET_"
NOTEBOOK_DIR = "notebooks"


class GateFailed(NbkitError):
    """Raised by a notebook step when a quality gate fails (papermill marks the run failed).

    Args:
        problem: which gate failed and the failing checks.
        fix: the exact commands that retry what failed and continue.
        gate: the gate name (gate0..gate3).
        commands: name -> command line (``recover``, ``continue``).
    """

    def __init__(self, problem: str, fix: str = "", gate: str = "",
                 commands: dict | None = None) -> None:
        self.gate = gate
        self.commands = dict(commands or {})
        super().__init__(problem, fix)

    def __reduce__(self):
        return (type(self), (self.problem, self.fix, self.gate, self.commands))


@contextlib.contextmanager
def opened(warehouse, read_only: bool = False, wait_seconds: float = 0.0,
           access_token: str = "") -> Iterator[Warehouse]:
    """Open the warehouse for one step and close it after (a Warehouse passes through)."""
    from nbkit.warehouse import Warehouse

    if isinstance(warehouse, Warehouse):
        yield warehouse
        return
    wh = _open(warehouse, read_only, wait_seconds, access_token)
    try:
        yield wh
    finally:
        wh.close()


def warehouse_of(target, params: NotebookParams):
    """What a step opens: the Warehouse it was given, else the URL its parameters name."""
    from nbkit.warehouse import Warehouse

    return target if isinstance(target, Warehouse) else params.warehouse


def open_for(params: NotebookParams, target=None, read_only: bool = True):
    """Open the warehouse a notebook's parameters name (or ``target``, a Warehouse given to
    the step) for one step, waiting ``wait_seconds`` for a busy file."""
    return opened(warehouse_of(target, params), read_only=read_only,
                  wait_seconds=params.wait_seconds,
                  access_token=secret("gcp_access_token", params.gcp_access_token))


@contextlib.contextmanager
def read_only_scope(params: NotebookParams, target=None) -> Iterator[tuple]:
    """(warehouse, start, end) of a read-only step: its range checked, the warehouse open
    with its schema checked (a dropped table or column is named, not a catalog error)."""
    from nbkit.drift import require_schema
    from nbkit.parameters import date_range

    start, end = date_range(params.start_date, params.end_date)
    with open_for(params, target) as wh:
        require_schema(wh)
        yield wh, start, end


def run_options(params: NotebookParams, command: str, progress: bool = True) -> RunOptions:
    """The executor's options of a notebook run: its workers, failure policy, parameters."""
    from nbkit.executor import OnError, RunOptions

    return RunOptions(workers=params.workers, on_error=OnError(params.on_error),
                      allow_incomplete_upstream=getattr(params, "allow_incomplete_upstream",
                                                        False),
                      command=command, parameters={"notebook": params.NOTEBOOK,
                                                   **params.public()},
                      notebook_path=notebook_path(), progress=progress)


def stop_if_cancelled(result) -> None:
    """A cancelled run stops the notebook here (the next steps must not run)."""
    if result.status == "cancelled":
        from nbkit.cancel import RunCancelled

        raise RunCancelled(f"Run {result.run_id} was cancelled: {result.alerts[-1]}",
                           "rerun the same command to resume")


def secret(name: str, value: str = "") -> str:
    """A secret parameter: the value given in the notebook, else $NBKIT_SECRET_<NAME>."""
    return value or os.environ.get(SECRET_ENV_PREFIX + name.upper(), "")


def notebook_path(default: str | None = None) -> str | None:
    """The executed notebook (runner), the JupyterLab session's notebook, or default."""
    return (os.environ.get(NOTEBOOK_PATH_ENV) or os.environ.get("JPY_SESSION_NAME")
            or default)


def record(ledger_run_id: str | None = None, gates: dict | None = None,
           commands: dict | None = None, ledger_status: str | None = None, **facts) -> None:
    """Add facts to this run's record ($NBKIT_RUN_RECORD); a no-op when run by hand.

    Args:
        ledger_run_id: a run written to the ledger (nbkit_runs), with its ledger_status.
        gates: gate name -> verdict (PASS / WARN / FAIL, "FAIL (overridden)").
        commands: label -> command line (what to run next).
        facts: anything else JSON-serializable, kept under "detail" in run.json.
    """
    path = os.environ.get(RECORD_ENV)
    if not path:
        return
    file = Path(path)
    data = json.loads(file.read_text()) if file.exists() else {}
    if ledger_run_id and ledger_run_id not in data.setdefault("ledger_run_ids", []):
        data["ledger_run_ids"].append(ledger_run_id)
    if ledger_run_id:
        data.setdefault("ledger_runs", {})[ledger_run_id] = ledger_status
    data.setdefault("gate_verdicts", {}).update(gates or {})
    data.setdefault("commands", {}).update(commands or {})
    data.update(facts)
    tmp = file.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2, default=str))
    os.replace(tmp, file)


def run_command(notebook: str, params: dict | None = None) -> str:
    """The command line that runs a notebook with parameters (secrets left out).

    Example:
        >>> run_command("10_season", {"season": "2023-24", "phases": "4"})
        'nbkit run notebooks/10_season.ipynb -p season 2023-24 -p phases 4'
    """
    from nbkit.secrets import SECRET_WORDS

    path = str(notebook) if str(notebook).endswith(".ipynb") else \
        f"{NOTEBOOK_DIR}/{Path(notebook).stem}.ipynb"
    parts = ["nbkit", "run", shlex.quote(path)]
    for name, value in (params or {}).items():
        if value in (None, "") or any(w in name.lower() for w in SECRET_WORDS):
            continue
        parts += ["-p", name, shlex.quote(_text(value))]
    return " ".join(parts)


def current_command(default: str) -> str:
    """The command that started this run (set by the runner), else ``default``."""
    return os.environ.get(COMMAND_ENV) or default


def html_table(frame: pd.DataFrame, max_rows: int = 60) -> str:
    """A DataFrame as escaped HTML in the report style (nbkit.nb.tables)."""
    from nbkit.nb.tables import table_html

    return table_html(frame, max_rows=max_rows)


def esc(value) -> str:
    return html.escape(str(value))


def verdict_badge(verdict: str) -> str:
    color = {"PASS": "#1a7f37", "WARN": "#9a6700", "FAIL": "#cf222e"}.get(verdict, "#57606a")
    return (f'<span style="color:white;background:{color};padding:1px 6px;'
            f'border-radius:4px;font-weight:600">{esc(verdict)}</span>')


def _text(value) -> str:
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    return str(value)


def _open(url, read_only: bool, wait_seconds: float, access_token: str) -> Warehouse:
    from nbkit.warehouse import open_warehouse

    return open_warehouse(url or None, read_only=read_only, wait_seconds=wait_seconds,
                          access_token=access_token or None)
