"""What the notebooks call: each function returns values and figures; notebooks display them.

    from nbkit import nb
    params = nb.SeasonParams.from_namespace(globals())  # the parameters cell, typed
    report = nb.preflight(warehouse)            # 00_preflight
    run = nb.SeasonRun(params)                  # 10_season: plan, run_phase, gate
    gaps = nb.gap_analysis(warehouse)           # 20_gap_analysis
    signoff = nb.validation(warehouse)          # 30_validation
    rec = nb.Recovery(warehouse, mode="retry_failed")  # 40_recovery: preview, apply
    nb.Stepper(warehouse)                       # 50_interactive

Each step takes its notebook's parameter model (``nbkit.parameters.models``), or a
warehouse and the parameters as keyword arguments, checked by the same model.

Importing this package connects to nothing. It widens pandas' display.max_colwidth so the
explanations and commands in the notebooks' tables show in full, and (inside an IPython
kernel only) renders every DataFrame in the report style of ``nbkit.nb.tables``.
"""

from __future__ import annotations

import pandas as _pd

from nbkit.nb import tables as _tables
from nbkit.nb.common import GateFailed, record, run_command

__all__ = ["GapAnalysisParams", "GateFailed", "InteractiveParams", "PreflightParams",
           "Recovery", "RecoveryParams", "SeasonParams", "SeasonRun", "Stepper",
           "ValidationParams", "gap_analysis", "preflight", "record", "run_command", "show",
           "validation"]

_pd.set_option("display.max_colwidth", 400)
_tables.install()  # in a kernel only: every DataFrame in the report style

_LAZY = {"preflight": "nbkit.nb.preflight_check", "SeasonRun": "nbkit.nb.season",
         "gap_analysis": "nbkit.nb.gapview", "validation": "nbkit.nb.signoff",
         "Recovery": "nbkit.nb.recovery", "Stepper": "nbkit.nb.stepper", "show": "nbkit.viz",
         **{model: "nbkit.parameters.models" for model in (
             "PreflightParams", "SeasonParams", "GapAnalysisParams", "ValidationParams",
             "RecoveryParams", "InteractiveParams")}}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'nbkit.nb' has no attribute {name!r}")
