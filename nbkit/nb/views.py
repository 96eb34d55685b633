"""Values the notebook steps return: each renders itself (escaped HTML) when displayed."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from nbkit import gates
from nbkit.nb.common import GateFailed, esc, html_table, verdict_badge
from nbkit.plan import Plan


@dataclass(repr=False)
class PlanPreview:
    """A dry-run plan: nothing is written."""

    plan: Plan
    title: str = "Plan (dry run: nothing written)"

    @property
    def summary(self) -> pd.DataFrame:
        return self.plan.summary()

    @property
    def tasks(self) -> pd.DataFrame:
        return self.plan.to_frame()

    def headline(self) -> str:
        return (f"{len(self.plan.dates())} game dates over {self.plan.calendar_days} calendar "
                f"days; {len(self.plan.runnable())} of {len(self.plan.tasks)} tasks to run")

    def __repr__(self) -> str:
        return f"<PlanPreview {self.title}: {self.headline()}>"

    def _repr_html_(self) -> str:
        return f"<h4>{esc(self.title)}</h4><p>{esc(self.headline())}</p>" + \
            html_table(self.summary)


@dataclass(repr=False)
class PhaseResult:
    """What one phase of a run did: per processor counts, the digest, quarantine, commands."""

    phase: int
    status: str
    run_id: str | None = None
    outcomes: pd.DataFrame = field(default_factory=pd.DataFrame)
    summary: pd.DataFrame = field(default_factory=pd.DataFrame)
    alerts: list[str] = field(default_factory=list)
    seconds: float = 0.0
    commands: dict = field(default_factory=dict)
    note: str = ""

    @classmethod
    def of(cls, phase: int, result, commands: dict | None = None, note: str = "") -> PhaseResult:
        """The view of an executor RunResult for one phase."""
        return cls(phase, result.status, result.run_id, result.outcomes,
                   result.summary().rename_axis(columns=None), result.alerts, result.seconds,
                   dict(commands or {}), note)

    @property
    def ok(self) -> bool:
        return self.status in ("success", "nothing to do", "dry run", "not selected")

    @property
    def quarantined(self) -> pd.DataFrame:
        """Dates not run because their upstream inputs were incomplete."""
        return self._rows(self.outcomes["status"] == "skipped") if len(self.outcomes) else \
            pd.DataFrame(columns=["processor", "date", "reason"])

    @property
    def failed(self) -> pd.DataFrame:
        """Dates that failed or were written short (partial)."""
        return self._rows(self.outcomes["status"].isin(["failed", "partial"])) \
            if len(self.outcomes) else pd.DataFrame(columns=["processor", "date", "reason"])

    def _rows(self, mask) -> pd.DataFrame:
        return self.outcomes[mask][["processor", "date", "status", "reason"]] \
            .sort_values(["processor", "date"]).reset_index(drop=True)

    def __repr__(self) -> str:
        return f"<PhaseResult phase {self.phase}: {self.status}, run {self.run_id}>"

    def _repr_html_(self) -> str:
        title = f"Phase {self.phase}" if self.phase else "Recovery"
        parts = [f"<h4>{title}: {esc(self.status)}"
                 + (f" &mdash; ledger run <code>{esc(self.run_id)}</code>" if self.run_id else "")
                 + f" ({self.seconds:.1f} s)</h4>"]
        if self.note:
            parts.append(f"<p>{esc(self.note)}</p>")
        if len(self.summary):
            parts.append(html_table(self.summary))
        if self.alerts:
            parts.append("<p><b>Digest</b></p><ul>" + "".join(
                f"<li>{esc(a)}</li>" for a in self.alerts) + "</ul>")
        if len(self.failed):
            parts.append("<p><b>Failed or partial dates</b></p>" + html_table(self.failed))
        if len(self.quarantined):
            parts.append("<p><b>Quarantined dates</b> (upstream incomplete; only their "
                         "downstream waits)</p>" + html_table(self.quarantined))
        parts += [f"<p>{esc(k)}: <code>{esc(v)}</code></p>" for k, v in self.commands.items()]
        return "".join(parts)


@dataclass(repr=False)
class GateResult:
    """A quality gate's checks and verdict; ``raise_if_failed`` stops a batch run."""

    gate: int
    scope: str
    checks: pd.DataFrame
    commands: dict = field(default_factory=dict)
    overridden: bool = False
    dry_run: bool = False

    @property
    def verdict(self) -> str:
        return gates.verdict(self.checks)

    @property
    def passed(self) -> bool:
        return self.verdict != gates.FAIL or self.overridden

    def failing(self) -> pd.DataFrame:
        return self.checks[self.checks["verdict"] == gates.FAIL].reset_index(drop=True)

    def reason(self) -> str:
        bad = self.failing()
        items = [f"{r.check} = {r.value} (want {r.threshold}; {r.detail})"
                 for r in bad.head(8).itertuples()]
        more = f"; and {len(bad) - 8} more" if len(bad) > 8 else ""
        return f"{len(bad)} failing check(s): " + "; ".join(items) + more

    def raise_if_failed(self) -> None:
        """Raise GateFailed with the reason and the commands that continue."""
        if self.passed or self.dry_run:
            return
        fix = "; ".join(f"{k}: {v}" for k, v in self.commands.items())
        raise GateFailed(f"Gate {self.gate} FAILED for {self.scope}: {self.reason()}",
                         fix or "fix the failing checks and rerun", f"gate{self.gate}",
                         self.commands)

    def __repr__(self) -> str:
        return f"<GateResult gate {self.gate} for {self.scope}: {self.verdict}>"

    def _repr_html_(self) -> str:
        note = " (overridden: proceeding, logged)" if self.overridden and \
            self.verdict == gates.FAIL else " (dry run: informational)" if self.dry_run else ""
        parts = [f"<h4>Gate {self.gate} for {esc(self.scope)}: "
                 f"{verdict_badge(self.verdict)}{esc(note)}</h4>"]
        if self.verdict == gates.FAIL:
            parts.append("<p><b>Failing checks</b></p>" + html_table(self.failing()))
            parts += [f"<p>{esc(k)}: <code>{esc(v)}</code></p>"
                      for k, v in self.commands.items()]
        parts.append("<details><summary>All checks</summary>" + html_table(self.checks, 200)
                     + "</details>")
        return "".join(parts)
