"""The project's own stages in the season notebook: every stage after Phase 4, each after
the gate of the stage before it, each followed by its own gate."""

from __future__ import annotations

from dataclasses import dataclass, field

from nbkit.nb.views import GateResult, PhaseResult
from nbkit.processors import registry as default_registry


def later_stages() -> list[int]:
    """The catalogue's stages after the built-in Phase 4 (none without a project)."""
    return [s for s in default_registry.graph().stages if s > 4]


def gate_number(stage: int) -> int:
    """Gate 1 follows stage 3, Gate 2 stage 4, Gate 3 stage 5, ..."""
    return stage - 2


@dataclass(repr=False)
class LaterStages:
    """What the later stages did: each stage's run, then its gate."""

    steps: list = field(default_factory=list)

    @property
    def gates(self) -> list[GateResult]:
        return [s for s in self.steps if isinstance(s, GateResult)]

    def raise_if_failed(self) -> None:
        for gate in self.gates:
            gate.raise_if_failed()

    def __repr__(self) -> str:
        return f"<LaterStages {[getattr(s, 'phase', None) or s.gate for s in self.steps]}>"

    def _repr_html_(self) -> str:
        if not self.steps:
            return ("<p>No stage after Phase 4 in this catalogue (a project adds them: "
                    "see README, Your own pipeline).</p>")
        return "".join(s._repr_html_() for s in self.steps)


def run_later(season_run) -> LaterStages:
    """Run each later stage of a SeasonRun, stopping at the first failed gate."""
    out = LaterStages()
    for stage in later_stages():
        result: PhaseResult = season_run.run_phase(stage)
        out.steps.append(result)
        gate = season_run.gate(gate_number(stage))
        out.steps.append(gate)
        if not gate.passed and not season_run.params.dry_run:
            break
    return out
