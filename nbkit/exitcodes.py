"""The exit codes of every ``nbkit`` command: documented, stable, the scheduler's contract.

The README's exit-code table is generated from ``ExitCode`` and checked by a test, so the
two never drift. ``nbkit run`` of any notebook maps the notebook's outcome onto the same
codes (``for_notebook``).
"""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    """What a scheduler can tell from the process's exit status alone."""

    SUCCESS = 0            # everything asked for is done (or there was nothing to do)
    TASKS_FAILED = 1       # the run ended, but some tasks failed or are partial
    BAD_INPUT = 2          # refused before anything was written: arguments, settings, params
    GATE_FAILED = 3        # a quality gate failed (or `nbkit ready`: inputs incomplete)
    LEASE_HELD = 4         # another writer holds a lease on overlapping tables and dates
    OVER_BUDGET = 5        # the plan's estimated bytes exceed --max-bytes-billed
    CANCELLED = 6          # SIGINT/SIGTERM, `nbkit cancel` or --max-runtime stopped the run
    INTERNAL_ERROR = 70    # a bug or an unexpected failure (EX_SOFTWARE); see stderr

    @property
    def label(self) -> str:
        return self.name.lower()


DESCRIPTIONS = {
    ExitCode.SUCCESS: "success: everything asked for is done, or there was nothing to do",
    ExitCode.TASKS_FAILED: "the run ended but some tasks failed or are partial",
    ExitCode.BAD_INPUT: "bad input (arguments, settings, parameters): nothing was written",
    ExitCode.GATE_FAILED: "a quality gate failed; for `nbkit ready`: inputs not complete",
    ExitCode.LEASE_HELD: "another writer holds a lease on overlapping tables and dates",
    ExitCode.OVER_BUDGET: "the plan's estimated bytes exceed the budget (--max-bytes-billed)",
    ExitCode.CANCELLED: "cancelled (SIGINT/SIGTERM, `nbkit cancel`, --max-runtime); "
                        "rerun the same command to resume",
    ExitCode.INTERNAL_ERROR: "internal error (a bug or an unexpected failure); see stderr",
}

# Error class name -> exit code. By name, so a notebook's error (papermill reports only the
# exception's class name) maps exactly like the same error raised in this process.
_BY_ERROR = {
    "LeaseHeldError": ExitCode.LEASE_HELD,
    "BudgetExceededError": ExitCode.OVER_BUDGET,
    "GateFailed": ExitCode.GATE_FAILED,
    "RunCancelled": ExitCode.CANCELLED,
    "KeyboardInterrupt": ExitCode.CANCELLED,
    "ParamsError": ExitCode.BAD_INPUT,
    "ConfigError": ExitCode.BAD_INPUT,
    "PlanError": ExitCode.BAD_INPUT,
    "NotebookRunError": ExitCode.BAD_INPUT,
    "UnknownProcessorError": ExitCode.BAD_INPUT,
    "SqlError": ExitCode.BAD_INPUT,
    "DryRunRefusedError": ExitCode.BAD_INPUT,
    "SpecError": ExitCode.BAD_INPUT,
    "WarehouseBusyError": ExitCode.LEASE_HELD,   # the embedded file is held by another writer
}


def for_error(err: BaseException) -> ExitCode:
    """The exit code of an error that ended a command."""
    from nbkit.errors import NbkitError

    for cls in type(err).__mro__:
        if cls.__name__ in _BY_ERROR:
            return _BY_ERROR[cls.__name__]
    if isinstance(err, NbkitError):  # refused on purpose, with a fix: the input's fault
        return ExitCode.BAD_INPUT
    return ExitCode.INTERNAL_ERROR


def for_error_name(ename: str) -> ExitCode:
    """The exit code for an error known only by its class name (a notebook cell's error)."""
    return _BY_ERROR.get(ename, ExitCode.TASKS_FAILED)


def for_run_status(status: str) -> ExitCode:
    """The exit code of a backfill run's final status."""
    if status in ("success", "nothing to do"):
        return ExitCode.SUCCESS
    if status == "cancelled":
        return ExitCode.CANCELLED
    return ExitCode.TASKS_FAILED


def for_notebook(status: str, error: dict | None, gate_verdicts: dict,
                 ledger_statuses: list[str]) -> ExitCode:
    """The exit code of a notebook run, from its error, gates and ledger runs."""
    if error:
        return for_error_name(str(error.get("ename", "")))
    if any(str(v).startswith("FAIL") and "overridden" not in str(v)
           for v in gate_verdicts.values()):
        return ExitCode.GATE_FAILED
    worst = [for_run_status(s) for s in ledger_statuses]
    if ExitCode.CANCELLED in worst:
        return ExitCode.CANCELLED
    if ExitCode.TASKS_FAILED in worst or status != "success":
        return ExitCode.TASKS_FAILED
    return ExitCode.SUCCESS


def markdown_table() -> str:
    """The README's exit-code table (a test checks the README holds exactly this)."""
    lines = ["| Code | Name | Meaning |", "| ---: | --- | --- |"]
    lines += [f"| {c.value} | `{c.label}` | {DESCRIPTIONS[c]} |" for c in ExitCode]
    return "\n".join(lines)
