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
from nbkit import parameters as spec
from nbkit.nb import card, stages
from nbkit.nb.common import GateFailed, current_command, esc, html_table, open_for, record, \
    run_command, run_options, stop_if_cancelled, verdict_badge, warehouse_of
from nbkit.nb.views import GateResult, PhaseResult, PlanPreview
from nbkit.parameters.models import SeasonParams
from nbkit.params import parse_season, season_label
from nbkit.processors import registry as default_registry
from nbkit.schema.user import ensure_tables


class SeasonRun:
    """The steps of notebooks/10_season.ipynb (and of the interactive stepper)."""

    NOTEBOOK = "10_season"

    def __init__(self, params=None, /, *, progress: bool = True, command: str | None = None,
                 **values) -> None:
        """``params``: a SeasonParams, or the warehouse and the parameters as keywords."""
        self.params = p = SeasonParams.of(params, **values)
        self.request = spec.season_request(p.season, p.start_date, p.end_date, p.dates,
                                           p.phases, p.processors, p.include)
        self.warehouse, self.progress = warehouse_of(params, p), progress
        self.label = season_label(parse_season(p.season))
        self.command = command or current_command(run_command(self.NOTEBOOK, p.explicit()))
        self.dates: list[dt.date] = []
        self.results: dict[int, PhaseResult] = {}
        self.gates: dict[int, GateResult] = {}
        self.started = time.monotonic()

    # ------------------------------------------------------------------ steps
    def describe(self) -> pd.DataFrame:
        """The resolved parameters and dates, as the run will use them."""
        preview = self.plan()
        rows = list(self.params.public().items())
        rows += [("game dates", f"{len(self.dates)} ({self.dates[0]}..{self.dates[-1]})"
                  if self.dates else "none"),
                 ("tasks to run", len(preview.plan.runnable())),
                 ("resume command", self.command)]
        return pd.DataFrame(rows, columns=["parameter", "value"])

    def plan(self) -> PlanPreview:
        """Dry run of every selected phase: each task with its run or skip reason."""
        if not self.params.dry_run:
            with self._open(read_only=False) as wh:
                ensure_tables(wh)  # the project's own tables, before any read-only look
        with self._open(read_only=True) as wh:
            prepared = prepare(wh, self.request, self.params.bootstrap_days)
        self.dates = prepared.plan.dates()
        return PlanPreview(prepared.plan, f"Plan for {self.label} (dry run: nothing written)")

    def run_phase(self, phase: int, on_outcome: Callable | None = None,
                  on_plan: Callable[[int], None] | None = None) -> PhaseResult:
        """Run one phase's processors over the season's dates (resumable)."""
        if phase not in self.request.phases:
            return self._keep(PhaseResult(phase, "not selected", note=f"phase {phase} is not "
                                          f"in phases={self.params.phases}"))
        self._require_gate_before(phase)
        request = replace(self.request, phases=(phase,))
        with self._open(read_only=self.params.dry_run) as wh:
            prepared = prepare(wh, request, self.params.bootstrap_days)
            self.dates = self.dates or prepared.plan.dates()
            if on_plan:
                on_plan(len(prepared.plan.runnable()))
            if self.params.dry_run:
                return self._keep(PhaseResult(phase, "dry run", summary=prepared.plan.summary(),
                                              note="dry run: nothing written"))
            result = execute(wh, prepared, self._options(), on_outcome=on_outcome)
            card.note_phase(phase, result.outcomes, card.bytes_billed(wh, result.run_id))
        record(ledger_run_id=result.run_id, ledger_status=result.status)
        stop_if_cancelled(result)
        return self._keep(PhaseResult.of(phase, result, {} if result.ok else self.commands(),
                                         _note(result.status)))

    def gate(self, number: int) -> GateResult:
        """Gate 1 (Phase 3 complete) or Gate 2 (Phase 4 complete) over the run's dates."""
        start, end = self._range()
        with self._open(read_only=True) as wh:
            sc = gates.scope(wh, start, end, self.params.bootstrap_days)
            if number + 2 in stages.later_stages():
                checks = gates.stage_gate(wh, sc, number + 2)
            else:
                checks = {1: gates.gate1, 2: gates.gate2, 3: gates.gate3}[number](wh, sc)
        overridden = str(number) in spec.split_list(self.params.override_gates)
        result = GateResult(number, f"season {self.label} ({start}..{end})", checks,
                            overridden=overridden, dry_run=self.params.dry_run)
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
            return gates.scope(wh, start, end, self.params.bootstrap_days).status

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
        scope = {"season": self.label, "start_date": self.params.start_date,
                 "end_date": self.params.end_date, "dates": self.params.dates,
                 "warehouse": self.params.warehouse}
        out = {"preview recovery": run_command("40_recovery", scope),
               "recover (retry failed tasks and their downstream)":
                   run_command("40_recovery", {**scope, "apply": True}),
               "continue (resumes; done tasks are skipped)": self.command}
        if gate:
            out[f"override Gate {gate} (logged)"] = run_command(
                self.NOTEBOOK, {**self.params.explicit(), "override_gates": str(gate)})
        return out

    # ------------------------------------------------------------------ helpers
    def _options(self):
        return run_options(self.params, self.command, self.progress)

    def _require_gate_before(self, phase: int) -> None:
        before = default_registry.graph().stage_before(phase)
        number = stages.gate_number(before) if before is not None else None
        previous = self.gates.get(number) if number else None
        if previous is not None and not previous.passed and not self.params.dry_run:
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

    def _open(self, read_only: bool):
        return open_for(self.params, self.warehouse, read_only)


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

