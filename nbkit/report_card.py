"""The header card of a report: what ran, the verdict, the few numbers that matter.

Built by the runner from what it knows (parameters, status, duration, error) and
what the notebook recorded (gate verdicts, ledger runs, ``numbers`` from
``nbkit.nb.card``). Parameters appear only where they were set.
"""

from __future__ import annotations

import datetime as dt

from nbkit.progress import format_seconds

WHAT = {"00_preflight": "Preflight (Gate 0)", "10_season": "Season backfill",
        "20_gap_analysis": "Gap analysis", "30_validation": "Validation and sign-off",
        "40_recovery": "Recovery", "50_interactive": "Interactive stepper"}


def build_card(notebook: str, status: str, parameters: dict, started: dt.datetime,
               seconds: float, sidecar: dict, error: dict | None) -> dict:
    """Everything the card shows, as strings (the template escapes them)."""
    gates = sorted((str(k), str(v)) for k, v in (sidecar.get("gate_verdicts") or {}).items())
    numbers = [("started (UTC)", started.strftime("%Y-%m-%d %H:%M")),
               ("duration", format_seconds(seconds))]
    numbers += [(str(k), str(v)) for k, v in (sidecar.get("numbers") or {}).items()]
    notes = [("ledger run", str(r)) for r in sidecar.get("ledger_run_ids", [])]
    if error:
        notes.append(("error", f"{error.get('ename', '')}: {error.get('evalue', '')}"[:600]))
    return {"verdict": verdict_line(notebook, status, gates, error),
            "numbers": numbers, "gates": gates, "params": set_parameters(parameters),
            "notes": notes}


def verdict_line(notebook: str, status: str, gates: list[tuple[str, str]],
                 error: dict | None) -> str:
    """``Season backfill: SUCCESS, gates gate1 PASS, gate2 PASS`` (or where it failed)."""
    what = WHAT.get(notebook, notebook)
    line = f"{what}: {status.upper()}"
    if gates:
        line += " - " + ", ".join(f"{g} {v}" for g, v in gates)
    if error:
        line += f" - stopped by {error.get('ename', 'an error')}"
    return line


def set_parameters(parameters: dict) -> list[tuple[str, str]]:
    """(name, value) of every parameter given a value; empty ones are left out."""
    return [(str(k), str(v)) for k, v in parameters.items()
            if v not in ("", None) and v != [] and v != {}]
