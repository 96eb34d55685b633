"""The interactive stepper (notebooks/50_interactive.ipynb): a season, phase by phase.

Choose a season and optional dates, preview the plan, run Phase 3, check Gate 1,
run Phase 4, check Gate 2, and watch progress, gates and the heatmap update. Each
button calls the same SeasonRun steps as the batch notebook, so a day fixed by
hand takes the same writer lease and lands in the same ledger, attributed to
the analyst ($NBKIT_OPERATOR or the login name).

Testable without a browser: set the widgets' values and call ``button.click()``.
"""

from __future__ import annotations

from typing import Callable

import ipywidgets as W
from IPython.display import clear_output, display

from nbkit.errors import NbkitError
from nbkit.nb.common import esc, open_for, run_command, warehouse_of
from nbkit.nb.season import SeasonRun
from nbkit.parameters.models import InteractiveParams, SeasonParams
from nbkit.viz import heatmap, show

STEPS = ("preview", "phase3", "gate1", "phase4", "gate2")
LABELS = {"preview": "1. Preview plan", "phase3": "2. Run Phase 3", "gate1": "3. Gate 1",
          "phase4": "4. Run Phase 4", "gate2": "5. Gate 2"}


class Stepper:
    """Widgets over SeasonRun. ``widget`` is the VBox; ``buttons[step]`` the steps."""

    def __init__(self, params=None, /, **values) -> None:
        """``params``: an InteractiveParams, or the warehouse and the parameters as keywords."""
        self.params = p = InteractiveParams.of(params, **values)
        self.warehouse = warehouse_of(params, p)
        labels = self._seasons()
        self.season = W.Dropdown(options=labels, value=p.season if p.season in labels else
                                 (labels[-1] if labels else None), description="Season")
        self.start_date = W.Text(value=p.start_date, description="From",
                                 placeholder="YYYY-MM-DD (optional)")
        self.end_date = W.Text(value=p.end_date, description="To",
                               placeholder="YYYY-MM-DD (optional)")
        self.override = W.Checkbox(value=False, description="Override a failed Gate 1 (logged)",
                                   indent=False)
        self.buttons = {s: W.Button(description=LABELS[s]) for s in STEPS}
        self.progress = W.IntProgress(value=0, min=0, max=1, description="Progress")
        self.status = W.HTML()
        self.plan_out, self.gates_out, self.heatmap_out = W.Output(), W.Output(), W.Output()
        self.run: SeasonRun | None = None
        self.figure = None
        self.busy = False
        self.done: dict[str, str] = {}
        for step in STEPS:
            self.buttons[step].on_click(self._handler(getattr(self, step)))
        for field in (self.season, self.start_date, self.end_date):
            field.observe(lambda change: self._reset(), names="value")
        self.override.observe(lambda change: self._refresh(), names="value")
        self.widget = W.VBox([
            W.HBox([self.season, self.start_date, self.end_date]),
            W.HBox([self.buttons[s] for s in STEPS]), self.override, self.progress,
            self.status, self.plan_out, self.gates_out, self.heatmap_out])
        self._refresh()

    def _repr_mimebundle_(self, **kwargs):
        bundle = dict(self.widget._repr_mimebundle_(**kwargs) or {})
        bundle["text/html"] = ("<p><em>(interactive stepper: open this notebook in JupyterLab "
                               "to use it; what ran is shown below)</em></p>")
        return bundle

    # ------------------------------------------------------------------ steps
    def preview(self):
        self.run = self._season_run()
        plan = self.run.plan()
        self._show(self.plan_out, plan)
        self._say(f"Plan ready: {plan.headline()}")
        self.done = {"preview": "ok"}
        return plan

    def phase3(self):
        return self._run_phase(3)

    def phase4(self):
        return self._run_phase(4)

    def gate1(self):
        return self._gate(1)

    def gate2(self):
        return self._gate(2)

    def run_all(self, enabled: bool = True) -> dict | None:
        """Click through every step in order (batch and tests); stop at a failed gate."""
        if not enabled:
            return None
        for step in STEPS:
            if self.buttons[step].disabled:
                break
            self.buttons[step].click()
        self._show_static()
        return dict(self.done)

    # ------------------------------------------------------------------ internals
    def _run_phase(self, phase: int):
        def planned(total: int) -> None:
            self.progress.max, self.progress.value = max(total, 1), 0

        result = self.run.run_phase(phase, on_outcome=self._advance, on_plan=planned)
        self.progress.value = self.progress.max
        self.done[f"phase{phase}"] = result.status
        self._say(f"Phase {phase}: {result.status}"
                  + (f" (ledger run {result.run_id})" if result.run_id else ""))
        self._show(self.plan_out, result)
        self._refresh_heatmap()
        return result

    def _gate(self, number: int):
        result = self.run.gate(number)
        self.done[f"gate{number}"] = result.verdict
        self._show(self.gates_out, result)
        self._say(f"Gate {number}: {result.verdict}"
                  + (" (overridden)" if result.overridden and not result.passed else ""))
        return result

    def _advance(self, outcome) -> None:
        self.progress.value = min(self.progress.value + 1, self.progress.max)
        self.status.value = esc(f"{outcome.processor} {outcome.data_date}: {outcome.status}")

    def _season_run(self) -> SeasonRun:
        given = {k: v for k, v in self.params.model_dump().items()
                 if k in SeasonParams.model_fields and k != "warehouse"}
        given.update(season=self.season.value or "", start_date=self.start_date.value,
                     end_date=self.end_date.value if self.start_date.value else "",
                     override_gates="1" if self.override.value else "")
        command = run_command("10_season", {"season": self.season.value,
                                            "start_date": self.start_date.value,
                                            "end_date": self.end_date.value})
        return SeasonRun(self.warehouse, progress=False, command=command, **given)

    def _refresh_heatmap(self) -> None:
        self.figure = heatmap(self.run.status_frame(), f"Season {self.run.label}")
        with self.heatmap_out:
            clear_output(wait=True)
            show(self.figure)

    def _handler(self, step: Callable) -> Callable:
        def on_click(_button) -> None:
            if self.busy:
                return
            self.busy = True
            self._refresh()
            try:
                step()
            except NbkitError as err:
                self._say(f"{type(err).__name__}: {err}", error=True)
                self.done[step.__name__] = "error"
            finally:
                self.busy = False
                self._refresh()
        return on_click

    def _refresh(self) -> None:
        """Enable each step only when it makes sense (Phase 4 after a passed Gate 1)."""
        ready = self.run is not None and not self.busy
        gate1 = self.done.get("gate1")
        allowed4 = gate1 in ("PASS", "WARN") or (gate1 == "FAIL" and self.override.value)
        state = {"preview": not self.busy, "phase3": ready, "gate1": ready,
                 "phase4": ready and allowed4, "gate2": ready and "phase4" in self.done}
        for step, enabled in state.items():
            self.buttons[step].disabled = not enabled

    def _reset(self) -> None:
        self.run, self.done = None, {}
        self.progress.value = 0
        self._say("Selection changed: preview the plan again.")
        self._refresh()

    def _say(self, text: str, error: bool = False) -> None:
        colour = "#cf222e" if error else "#24292f"
        self.status.value = f'<span style="color:{colour}">{esc(text)}</span>'

    def _show(self, out: W.Output, value) -> None:
        with out:
            clear_output(wait=True)
            display(value)

    def _show_static(self) -> None:
        """Outputs outside the widgets, so a saved report shows what happened."""
        if self.run is None:
            return
        for value in list(self.run.results.values()) + list(self.run.gates.values()):
            display(value)
        if self.figure is not None:
            show(self.figure)

    def _seasons(self) -> list[str]:
        from nbkit.status import load_calendar

        with open_for(self.params, self.warehouse) as wh:
            calendar = load_calendar(wh)
        return [calendar.label(s) for s in calendar.seasons]

