"""One season, step by step: plan, Phase 3, Gate 1, Phase 4, Gate 2, checkpoint.

The same engine calls as ``nbkit backfill`` (prepare + execute), so a notebook
run takes the same writer lease and writes the same ledger. Each step opens
the warehouse and closes it again. A failed gate stops the run (GateFailed)
with the reason and the exact commands that recover and continue; rerunning
the same command resumes (done tasks are skipped).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import replace
from typing import Callable

import pandas as pd

from nbkit import gaps, gates
from nbkit.backfill import execute, prepare
from nbkit.executor import OnError, RunOptions
from nbkit.nb import card, spec, stages
from nbkit.nb.common import (
    GateFailed,
    current_command,
    esc,
    html_table,
    notebook_path,
    opened,
    record,
    run_command,
    secret,
    verdict_badge,
)
from nbkit.nb.views import GateResult, PhaseResult, PlanPreview
from nbkit.params import parse_season, season_label
from nbkit.processors import registry as default_registry
from nbkit.schema.user import ensure_tables
from nbkit import settings

PUBLIC = ("warehouse", "season", "start_date", "end_date", "dates", "phases", "processors",
          "include", "on_error", "workers", "dry_run", "override_gates",
          "allow_incomplete_upstream", "bootstrap_days")


class SeasonRun:
    """The steps of notebooks/10_season.ipynb (and of the interactive stepper)."""

    NOTEBOOK = "10_season"

    def __init__(self, warehouse=None, season: str = "", start_date: str = "",
                 end_date: str = "", dates: str = "", phases: str = "",
                 processors: str = "", include: str = "", on_error: str = "continue",
                 workers: int = 2, dry_run: bool = False, override_gates: str = "",
                 allow_incomplete_upstream: bool = False, bootstrap_days: int | None = None,
                 wait_seconds: float = 30.0, gcp_access_token: str = "",
                 progress: bool = True, command: str | None = None) -> None:
        given = dict(warehouse=getattr(warehouse, "url", warehouse) or "", season=season,
                     start_date=start_date, end_date=end_date, dates=dates, phases=phases,
                     processors=processors, include=include, on_error=on_error,
                     workers=workers, dry_run=dry_run, override_gates=override_gates,
                     allow_incomplete_upstream=allow_incomplete_upstream,
                     bootstrap_days=bootstrap_days, wait_seconds=wait_seconds)
        self.params = spec.validate(self.NOTEBOOK, given)
        wait_seconds = self.params.pop("wait_seconds")
        self.request = spec.season_request(season, start_date, end_date, dates, phases,
                                           processors, include)
        self.warehouse, self.wait_seconds, self.progress = warehouse, wait_seconds, progress
        self.token = secret("gcp_access_token", gcp_access_token)
        self.label = season_label(parse_season(season))
        self.command = command or current_command(run_command(self.NOTEBOOK, self._explicit()))
        self.dates: list[dt.date] = []
        self.results: dict[int, PhaseResult] = {}
        self.gates: dict[int, GateResult] = {}
        self.started = time.monotonic()

    # ------------------------------------------------------------------ steps
    def describe(self) -> pd.DataFrame:
        """The resolved parameters and dates, as the run will use them."""
        preview = self.plan()
        rows = [(k, v) for k, v in self.params.items() if k in PUBLIC]
        rows += [("game dates", f"{len(self.dates)} ({self.dates[0]}..{self.dates[-1]})"
                  if self.dates else "none"),
                 ("tasks to run", len(preview.plan.runnable())),
                 ("resume command", self.command)]
        return pd.DataFrame(rows, columns=["parameter", "value"])

    def plan(self) -> PlanPreview:
        """Dry run of every selected phase: each task with its run or skip reason."""
        if not self.params["dry_run"]:
            with self._open(read_only=False) as wh:
                ensure_tables(wh)  # the project's own tables, before any read-only look
        with self._open(read_only=True) as wh:
            prepared = prepare(wh, self.request, self.params["bootstrap_days"])
        self.dates = prepared.plan.dates()
        return PlanPreview(prepared.plan, f"Plan for {self.label} (dry run: nothing written)")

    def run_phase(self, phase: int, on_outcome: Callable | None = None,
                  on_plan: Callable[[int], None] | None = None) -> PhaseResult:
        """Run one phase's processors over the season's dates (resumable)."""
        if phase not in self.request.phases:
            return self._keep(PhaseResult(phase, "not selected", note=f"phase {phase} is not "
                                          f"in phases={self.params['phases']}"))
        self._require_gate_before(phase)
        request = replace(self.request, phases=(phase,))
        with self._open(read_only=self.params["dry_run"]) as wh:
            prepared = prepare(wh, request, self.params["bootstrap_days"])
            self.dates = self.dates or prepared.plan.dates()
            if on_plan:
                on_plan(len(prepared.plan.runnable()))
            if self.params["dry_run"]:
                return self._keep(PhaseResult(phase, "dry run", summary=prepared.plan.summary(),
                                              note="dry run: nothing written"))
            result = execute(wh, prepared, self._options(), on_outcome=on_outcome)
            card.note_phase(phase, result.outcomes, card.bytes_billed(wh, result.run_id))
        record(ledger_run_id=result.run_id, ledger_status=result.status)
        _stop_if_cancelled(result)
        return self._keep(PhaseResult(
            phase, result.status, result.run_id, result.outcomes,
            result.summary().rename_axis(columns=None),
            result.alerts, result.seconds,
            {} if result.ok else self.commands(), _note(result.status)))

    def gate(self, number: int) -> GateResult:
        """Gate 1 (Phase 3 complete) or Gate 2 (Phase 4 complete) over the run's dates."""
        start, end = self._range()
        with self._open(read_only=True) as wh:
            sc = gates.scope(wh, start, end, self.params["bootstrap_days"])
            if number + 2 in stages.later_stages():
                checks = gates.stage_gate(wh, sc, number + 2)
            else:
                checks = {1: gates.gate1, 2: gates.gate2, 3: gates.gate3}[number](wh, sc)
        overridden = str(number) in spec.split_list(self.params["override_gates"])
        result = GateResult(number, f"season {self.label} ({start}..{end})", checks,
                            overridden=overridden, dry_run=self.params["dry_run"])
        if result.verdict == gates.FAIL:
            result.commands = self.commands(number)
        overriding = overridden and result.verdict == gates.FAIL
        label = result.verdict + (" (overridden)" if overriding else "")
        record(gates={f"gate{number}": label}, commands=result.commands)
        self.gates[number] = result
        return result

    def later_stages(self) -> stages.LaterStages:
        """Every stage after Phase 4 (the project's own), each after the previous gate
        passed and followed by its own gate; nothing when the catalogue has none."""
        return stages.run_later(self)

    def status_frame(self) -> pd.DataFrame:
        """Per table and date of the run: complete / partial / missing / expected-empty."""
        start, end = self._range()
        with self._open(read_only=True) as wh:
            return gates.scope(wh, start, end, self.params["bootstrap_days"]).status

    def checkpoint(self) -> Checkpoint:
        """Where the season stands after the run: per table, runs, gates, duration."""
        start, end = self._range()
        status = self.status_frame()
        card.note_coverage(status)
        cov = gaps.coverage_by_table(status)
        point = Checkpoint(self.label, start, end, cov, self.results, self.gates,
                           time.monotonic() - self.started, self.command)
        record(status_detail=point.status,
               checkpoint=cov.to_dict("records") if len(cov) else [])
        return point

    def commands(self, gate: int | None = None) -> dict:
        """The commands that recover what failed, and that continue the run."""
        scope = {"season": self.label, "start_date": self.params["start_date"],
                 "end_date": self.params["end_date"], "dates": self.params["dates"],
                 "warehouse": self.params["warehouse"]}
        out = {"preview recovery": run_command("40_recovery", scope),
               "recover (retry failed tasks and their downstream)":
                   run_command("40_recovery", {**scope, "apply": True}),
               "continue (resumes; done tasks are skipped)": self.command}
        if gate:
            out[f"override Gate {gate} (logged)"] = run_command(
                self.NOTEBOOK, {**self._explicit(), "override_gates": str(gate)})
        return out

    # ------------------------------------------------------------------ helpers
    def _options(self) -> RunOptions:
        public = {k: v for k, v in self.params.items() if k in PUBLIC}
        return RunOptions(workers=self.params["workers"],
                          on_error=OnError(self.params["on_error"]),
                          allow_incomplete_upstream=self.params["allow_incomplete_upstream"],
                          command=self.command, parameters={"notebook": self.NOTEBOOK, **public},
                          notebook_path=notebook_path(), progress=self.progress)

    def _require_gate_before(self, phase: int) -> None:
        before = default_registry.graph().stage_before(phase)
        number = stages.gate_number(before) if before is not None else None
        previous = self.gates.get(number) if number else None
        if previous is not None and not previous.passed and not self.params["dry_run"]:
            raise GateFailed(f"Phase {phase} refused: Gate {number} failed for {self.label}",
                             f"fix Phase {before} first, or pass override_gates={number} "
                             "(logged)", f"gate{number}", previous.commands)

    def _range(self) -> tuple[dt.date, dt.date]:
        if not self.dates:
            self.plan()
        if not self.dates:
            raise GateFailed(f"No game dates selected in {self.label}",
                             "check the season and dates parameters")
        return self.dates[0], self.dates[-1]

    def _keep(self, result: PhaseResult) -> PhaseResult:
        self.results[result.phase] = result
        return result

    def _explicit(self) -> dict:
        defaults = {"phases": "", "on_error": "continue", "workers": 2, "dry_run": False,
                    "allow_incomplete_upstream": False,
                    "bootstrap_days": settings.current().bootstrap_days}
        return {k: v for k, v in self.params.items()
                if k in PUBLIC and v not in ("", None) and defaults.get(k) != v}

    def _open(self, read_only: bool):
        return opened(self.warehouse, read_only=read_only, wait_seconds=self.wait_seconds,
                      access_token=self.token)


class Checkpoint:
    """The checkpoint summary of a season run."""

    def __init__(self, label, start, end, coverage, results, gate_results, seconds, command):
        self.label, self.start, self.end, self.coverage = label, start, end, coverage
        self.results, self.gates, self.seconds, self.command = (results, gate_results,
                                                                seconds, command)

    @property
    def status(self) -> str:
        if any(g.verdict == gates.FAIL and not g.overridden for g in self.gates.values()):
            return "gate failed"
        if any(not r.ok for r in self.results.values()):
            return "incomplete"
        return "complete" if self.coverage_ok() else "incomplete"

    def coverage_ok(self) -> bool:
        cov = self.coverage
        return bool(len(cov)) and bool((cov["complete"] == cov["expected_dates"]).all())

    @property
    def verdict(self) -> str:
        """One line: the season's state and each gate's verdict (the nbval-checked output)."""
        verdicts = ", ".join(f"Gate {n} {g.verdict}" for n, g in sorted(self.gates.items()))
        return f"{self.label} {self.start}..{self.end}: {self.status}" + \
            (f"; {verdicts}" if verdicts else "")

    def __repr__(self) -> str:
        return f"<Checkpoint {self.label} {self.start}..{self.end}: {self.status}>"

    def runs(self) -> pd.DataFrame:
        return pd.DataFrame([{"phase": r.phase, "status": r.status, "ledger run": r.run_id,
                              "seconds": round(r.seconds, 1)} for r in self.results.values()])

    def _repr_html_(self) -> str:
        verdicts = " ".join(f"Gate {n}: {verdict_badge(g.verdict)}"
                            for n, g in sorted(self.gates.items()))
        return (f"<h4>Checkpoint {esc(self.label)} ({self.start}..{self.end}): "
                f"{esc(self.status)}</h4><p>{verdicts} &mdash; {self.seconds:.1f} s</p>"
                + html_table(self.coverage) + html_table(self.runs())
                + f"<p>resume: <code>{esc(self.command)}</code></p>")


def _note(status: str) -> str:
    return {"failed": "some dates failed: see the digest; downstream dates are quarantined",
            "partial": "some dates were written short or skipped: they are not success",
            "nothing to do": "every task was already done at this code version"}.get(status, "")


def _stop_if_cancelled(result) -> None:
    """A cancelled run stops the notebook here (the next steps must not run)."""
    if result.status == "cancelled":
        from nbkit.cancel import RunCancelled

        raise RunCancelled(f"Run {result.run_id} was cancelled: {result.alerts[-1]}",
                           "rerun the same command to resume")
