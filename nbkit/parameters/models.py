"""One typed parameter model per notebook: each parameter's name, type, default and help, once.

``SeasonParams`` is the ``parameters`` cell of notebooks/10_season.ipynb as a frozen pydantic
model, and so on for each notebook (``MODELS``). The cell stays, because papermill injects
into it; tests/test_notebook_params.py fails when a cell and its model disagree on a name,
default, type or help comment (``nbkit.runbook.model_differences``).

Building a model checks every value by the rules of ``nbkit.parameters`` (the one definition
of the numeric ranges, dates, choices), then the notebook's checks across parameters, and
reports every problem at once: one ParamsError whose message ends with the fixes. The runner
builds the model before a kernel starts, the CLI generates its notebook flags and their help
from it, and the notebook steps take it (``nb.SeasonRun(params)``).

Example:
    >>> SeasonParams(season="2023-24", workers="3").workers
    3
"""

from __future__ import annotations

from typing import Annotated, Any, Callable, ClassVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

from nbkit import parameters as rules
from nbkit.errors import NbkitError, ParamsError
from nbkit.secrets import SECRET_WORDS

# Parameters several notebooks share: type and help, written once.
Warehouse = Annotated[str, Field(description=(
    "DuckDB file, duckdb:///path or bigquery://PROJECT; "
    "empty: $NBKIT_WAREHOUSE or warehouse/nba.duckdb"))]
StartDate = Annotated[str, Field(description=(
    "first date, YYYY-MM-DD (inclusive); empty: from the first game in scope"))]
EndDate = Annotated[str, Field(description=(
    "last date (inclusive); empty: to the last game in scope"))]
Dates = Annotated[str, Field(description=(
    "explicit dates, comma-separated (instead of a range)"))]
Processors = Annotated[str, Field(description="comma-separated processor names; empty: all")]
Workers = Annotated[int, Field(description="processors run side by side within a phase")]
OnError = Annotated[str, Field(description=(
    "continue with other dates after a failure, or stop"))]
Strict = Annotated[bool, Field(description="fail the run when a gate fails")]
BootstrapDays = Annotated[int | None, Field(description=(
    "days from each opening night without Phase 4 output (None: the project's, default 7)"))]
WaitSeconds = Annotated[float, Field(description=(
    "how long to wait if a batch run holds the DuckDB file for writing"))]
AccessToken = Annotated[str, Field(repr=False, description=(
    "secret: give it with -p; it reaches the kernel through the environment, "
    "never this notebook"))]


class NotebookParams(BaseModel):
    """The parameters every notebook has, and the checks that build a valid model."""

    model_config = ConfigDict(frozen=True)

    NOTEBOOK: ClassVar[str] = ""
    # The notebook's checks across parameters (start before end always runs).
    CHECKS: ClassVar[tuple[Callable[[dict], None], ...]] = ()
    # How the run waits or authenticates, not what it does: left out of run commands.
    LOCAL: ClassVar[tuple[str, ...]] = ("wait_seconds",)
    # What the run is about: named in its run commands even at the default.
    KEY: ClassVar[tuple[str, ...]] = ()

    warehouse: Warehouse = ""
    bootstrap_days: BootstrapDays = None
    wait_seconds: WaitSeconds = 30.0
    gcp_access_token: AccessToken = ""

    @model_validator(mode="before")
    @classmethod
    def _checked(cls, data: Any) -> dict:
        """Every value by its rule, then the cross checks; every problem in one ParamsError."""
        given = dict(data or {})
        names = list(cls.model_fields)
        unknown = [rules.no_such_parameter(cls.NOTEBOOK, n, names) for n in given
                   if n not in cls.model_fields]
        if unknown:
            raise ParamsError(*unknown[0])
        defaults = {n: f.default for n, f in cls.model_fields.items()}
        return rules.validate(cls.NOTEBOOK, {**defaults, **given}, cls.CHECKS)

    @classmethod
    def of(cls, target: Any = None, /, **values: Any) -> NotebookParams:
        """The model itself, or one built from a warehouse (path, URL or Warehouse) and values.

        ``nb.gap_analysis(params)`` and ``nb.gap_analysis("wh.duckdb", start_date=...)``
        both end here.
        """
        if isinstance(target, cls):
            return target.model_copy_checked(**values) if values else target
        return cls(warehouse=getattr(target, "url", target) or "", **values)

    @classmethod
    def names(cls) -> list[str]:
        """The parameters in the order of the notebook's cell: warehouse, the notebook's
        own, then bootstrap_days, wait_seconds and the secret."""
        tail = [n for n in NotebookParams.model_fields if n != "warehouse"]
        return [n for n in cls.model_fields if n not in tail] + tail

    @classmethod
    def from_namespace(cls, namespace: dict) -> NotebookParams:
        """The model of the values a notebook's ``parameters`` cell defined (``globals()``)."""
        return cls(**{name: namespace[name] for name in cls.model_fields if name in namespace})

    def model_copy_checked(self, **values: Any) -> NotebookParams:
        """A new model with some values changed, checked again."""
        return type(self)(**{**self.model_dump(), **values})

    def public(self) -> dict:
        """What the run does: every value but the secrets and the LOCAL ones, in cell order."""
        return {k: getattr(self, k) for k in self.names()
                if k not in self.LOCAL and not is_secret(k)}

    def explicit(self) -> dict:
        """The public values that differ from the defaults (what a run command must say)."""
        out = {}
        for name, value in self.public().items():
            default = type(self).model_fields[name].default
            if value not in ("", None) and (name in self.KEY
                                            or value != _normalized(name, default)):
                out[name] = value
        return out


class PreflightParams(NotebookParams):
    NOTEBOOK: ClassVar[str] = "00_preflight"

    start_date: StartDate = ""
    end_date: EndDate = ""
    sample_date: Annotated[str, Field(description=(
        "date of the dry-run plan (the single-date test)"))] = "2023-11-01"
    strict: Strict = True


class SeasonParams(NotebookParams):
    NOTEBOOK: ClassVar[str] = "10_season"
    CHECKS: ClassVar[tuple[Callable[[dict], None], ...]] = (rules.season_check,)
    KEY: ClassVar[tuple[str, ...]] = ("season",)

    season: Annotated[str, Field(description=(
        "season label YYYY-YY; the dates chosen must lie inside it"))] = "2023-24"
    start_date: StartDate = ""
    end_date: EndDate = ""
    dates: Dates = ""
    phases: Annotated[str, Field(description=(
        "stages to run, e.g. 3 or 3,4; empty: every stage of the catalogue "
        "(3, 4 and the project's own)"))] = ""
    processors: Processors = ""
    include: Annotated[str, Field(description=(
        "task states to (re)run; empty: missing,partial,failed,stale; all: forced"))] = ""
    on_error: OnError = "continue"
    workers: Workers = 2
    dry_run: Annotated[bool, Field(description=(
        "plan and check gates only; write nothing"))] = False
    override_gates: Annotated[str, Field(description=(
        "e.g. 1: go on past a failed Gate 1 (logged); empty: stop"))] = ""
    allow_incomplete_upstream: Annotated[bool, Field(description=(
        "engine override: Phase 4 on incomplete Phase 3 (logged)"))] = False


class GapAnalysisParams(NotebookParams):
    NOTEBOOK: ClassVar[str] = "20_gap_analysis"

    start_date: StartDate = ""
    end_date: EndDate = ""


class ValidationParams(NotebookParams):
    NOTEBOOK: ClassVar[str] = "30_validation"

    start_date: StartDate = ""
    end_date: EndDate = ""
    strict: Strict = True


class RecoveryParams(NotebookParams):
    NOTEBOOK: ClassVar[str] = "40_recovery"
    CHECKS: ClassVar[tuple[Callable[[dict], None], ...]] = (rules.recovery_check,)

    mode: Annotated[str, Field(description=(
        "retry_failed: failed tasks and their downstream; rerun_dates: the dates chosen"))] \
        = "retry_failed"
    season: Annotated[str, Field(description="optional scope, e.g. 2023-24")] = ""
    start_date: StartDate = ""
    end_date: EndDate = ""
    dates: Dates = ""
    processors: Processors = ""
    apply: Annotated[bool, Field(description="False: preview only; True: run it")] = False
    workers: Workers = 2
    on_error: OnError = "continue"


class InteractiveParams(NotebookParams):
    NOTEBOOK: ClassVar[str] = "50_interactive"
    CHECKS: ClassVar[tuple[Callable[[dict], None], ...]] = (rules.season_check_if_given,)

    season: Annotated[str, Field(description=(
        "preselected season, e.g. 2023-24; empty: the latest"))] = ""
    start_date: StartDate = ""
    end_date: EndDate = ""
    workers: Workers = 2
    wait_seconds: WaitSeconds = 10.0
    autorun: Annotated[bool, Field(description=(
        "batch/tests: click through every step once"))] = False


MODELS: dict[str, type[NotebookParams]] = {m.NOTEBOOK: m for m in (
    PreflightParams, SeasonParams, GapAnalysisParams, ValidationParams, RecoveryParams,
    InteractiveParams)}


def model_for(notebook: str) -> type[NotebookParams] | None:
    """The model of a notebook stem (``10_season``), or None for a notebook nbkit does not ship."""
    return MODELS.get(str(notebook).rsplit("/", 1)[-1].removesuffix(".ipynb"))


def is_secret(name: str) -> bool:
    """A parameter whose value goes to the kernel's environment, never into a notebook."""
    return any(word in name.lower() for word in SECRET_WORDS)


def _normalized(name: str, default: Any) -> Any:
    try:
        return rules.coerce(name, default)  # bootstrap_days None: the project's window
    except NbkitError:
        return default
