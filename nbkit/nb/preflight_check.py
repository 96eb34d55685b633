"""Gate 0, the preflight: can a backfill start on this warehouse?

Checks (operations.md 1.1 and Gate 0): the warehouse answers, the schema is the
production schema, Phase 2 is complete against the schedule per table with the
known holes explained, the ten processors are registered, a dry-run plan for a
sample date builds, no writer lease is held, and each season's bootstrap
window. Fails closed: a check that cannot run is a FAIL.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field

import pandas as pd

from nbkit import gates
from nbkit.errors import NbkitError
from nbkit.nb.common import GateFailed, esc, html_table, open_for, record, run_command, \
    verdict_badge
from nbkit.parameters import date_range
from nbkit.parameters.models import PreflightParams
from nbkit.status import DEFAULT_START
from nbkit.calendar import END_OF_TIME

# Why a Phase 2 table may legitimately hold fewer dates than the schedule.
KNOWN_HOLES = {
    "nba_raw.nbac_schedule": "the reference: expected dates are its final games (game_status = 3)",
    "nba_raw.nbac_gamebook_player_stats": "primary box-score source of player_game_summary; "
                                          "must be complete",
    "nba_raw.nbac_team_boxscore": "team rows of every game; must be complete",
    "nba_raw.bdl_player_boxscores": "known hole: BDL box scores are missing on a few dates; "
                                    "player_game_summary falls back to the gamebook there",
    "nba_raw.odds_api_player_points_props": "known hole: Odds API props exist on ~40% of dates; "
                                            "BettingPros covers the rest (~99.7%)",
    "nba_raw.bettingpros_player_points_props": "fallback props source (~99.7% of dates)",
    "nba_raw.nbac_play_by_play": "sparse by nature (~0.1% of games): shot-zone columns stay NULL",
    "nba_raw.bigdataball_play_by_play": "sparse by nature: shot zones where present",
    "nba_raw.odds_api_game_lines": "game lines; informational",
    "nba_raw.nbac_injury_report": "partitioned by report date; informational",
    "nba_raw.espn_scoreboard": "cross-check source; informational",
}


@dataclass(repr=False)
class PreflightReport:
    """Everything Gate 0 looked at; ``verdict`` is FAIL if any check failed."""

    warehouse: str
    start: dt.date | None
    end: dt.date | None
    checks: pd.DataFrame
    phase2: pd.DataFrame = field(default_factory=pd.DataFrame)
    processors: pd.DataFrame = field(default_factory=pd.DataFrame)
    sample_plan: pd.DataFrame = field(default_factory=pd.DataFrame)
    leases: pd.DataFrame = field(default_factory=pd.DataFrame)
    seasons: pd.DataFrame = field(default_factory=pd.DataFrame)
    phase34: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def verdict(self) -> str:
        return gates.verdict(self.checks)

    def failed(self) -> pd.DataFrame:
        return self.checks[self.checks["verdict"] == gates.FAIL]

    def raise_if_failed(self, enabled: bool = True) -> None:
        """Raise GateFailed naming the failing checks (so a batch run exits non-zero)."""
        if not enabled or self.verdict != gates.FAIL:
            return
        names = "; ".join(f"{r.check} ({r.detail})" for r in self.failed().itertuples())
        rerun = run_command("00_preflight", {"warehouse": self.warehouse})
        record(commands={"rerun preflight": rerun})
        raise GateFailed(f"Gate 0 (preflight) FAILED: {names}",
                         f"fix the failing checks, then rerun: {rerun}", "gate0",
                         {"continue": rerun})

    def __repr__(self) -> str:
        return f"<PreflightReport {self.warehouse}: {self.verdict}, {len(self.failed())} failing>"

    def _repr_html_(self) -> str:
        return (f"<h4>Gate 0 verdict: {verdict_badge(self.verdict)}</h4>"
                f"<p>{len(self.failed())} failing check(s) of {len(self.checks)} on "
                f"<code>{esc(self.warehouse)}</code></p>" + html_table(self.checks))


def preflight(params=None, /, **values) -> PreflightReport:
    """Run Gate 0 read-only; never raises for a failing check (see raise_if_failed).

    ``params``: a PreflightParams, or the warehouse and the parameters as keywords.
    """
    p = PreflightParams.of(params, **values)
    start, end = date_range(p.start_date, p.end_date)
    url = p.warehouse
    began = time.monotonic()
    try:
        with open_for(p, params) as wh:
            wh.query("SELECT 1 AS ok")
            report = _measure(wh, p, start, end)
    except NbkitError as err:
        report = PreflightReport(url, start, end, _one("warehouse reachable", "no", gates.FAIL,
                                                       str(err)))
        record(gates={"gate0": report.verdict})
        return report
    reach = _one("warehouse reachable", "yes", gates.PASS,
                 f"{url or 'default'} opened and answered in {time.monotonic() - began:.1f} s")
    report.checks = pd.concat([reach, report.checks], ignore_index=True)
    record(gates={"gate0": report.verdict})
    from nbkit.nb.card import note

    note(failing_checks=len(report.failed()), checks=len(report.checks))
    return report


def _measure(wh, p: PreflightParams, start, end) -> PreflightReport:
    from nbkit.status import coverage, load_calendar

    url, bootstrap_days = p.warehouse, p.bootstrap_days
    first = start or DEFAULT_START
    last = end or END_OF_TIME
    checks = gates.gate0(wh, first, last)
    calendar = load_calendar(wh, first, last, bootstrap_days)
    cov = coverage(wh, first, end, bootstrap_days)
    plan_check, plan = _sample_plan(wh, p.sample_date, bootstrap_days)
    checks = pd.concat([checks, plan_check], ignore_index=True)
    return PreflightReport(url, start, end, checks, phase2_table(cov), processors_table(),
                           plan, _leases(wh), seasons_table(calendar),
                           cov[cov["phase"] >= 3].reset_index(drop=True) if len(cov) else cov)


def phase2_table(cov: pd.DataFrame) -> pd.DataFrame:
    """Phase 2 tables against the schedule, each with why it may have holes."""
    if cov.empty:
        return cov
    frame = cov[cov["phase"] == 2][["table", "dates", "expected_dates", "date_pct", "games",
                                   "expected_games", "rows"]].copy()
    frame["missing_dates"] = frame["expected_dates"] - frame["dates"]
    frame["explanation"] = [KNOWN_HOLES.get(t, "") for t in frame["table"]]
    return frame.reset_index(drop=True)


def processors_table() -> pd.DataFrame:
    from nbkit.processors import registry

    return pd.DataFrame([{
        "processor": p.NAME, "phase": p.PHASE, "target_table": p.TARGET_TABLE,
        "upstream": ", ".join(p.UPSTREAM_PROCESSORS) or "(Phase 2)",
        "lookback_days": p.LOOKBACK_DAYS, "skips_bootstrap": p.SKIPS_BOOTSTRAP,
        "code_version": p.code_version()} for p in registry.all()])


def seasons_table(calendar) -> pd.DataFrame:
    """Per season: game dates, opening night and the bootstrap window (no Phase 4 output)."""
    rows = []
    for season in calendar.seasons:
        dates = calendar.game_dates(season)
        boot = calendar.bootstrap_dates(season)
        rows.append({"season": calendar.label(season), "first_game": dates[0],
                     "last_game": dates[-1], "game_dates": len(dates),
                     "opening_night": calendar.opening_night(season),
                     "bootstrap_first": boot[0] if boot else None,
                     "bootstrap_last": boot[-1] if boot else None,
                     "bootstrap_dates": len(boot)})
    return pd.DataFrame(rows)


def _sample_plan(wh, sample_date: str, bootstrap_days: int):
    from nbkit.backfill import prepare
    from nbkit.plan import make_request

    name = f"dry-run plan for {sample_date}"
    try:
        plan = prepare(wh, make_request(dates=sample_date), bootstrap_days).plan
    except NbkitError as err:
        return _one(name, "error", gates.FAIL, str(err), "gate0"), pd.DataFrame()
    frame = plan.to_frame()
    detail = f"{len(plan.runnable())} of {len(frame)} tasks would run (nothing written)"
    return _one(name, f"{len(frame)} tasks", gates.PASS if len(frame) else gates.FAIL,
                detail, "gate0"), frame


def _leases(wh) -> pd.DataFrame:
    from nbkit.leases import Leases

    frame = Leases(wh).active()
    cols = [c for c in ("owner", "host", "pid", "run_id", "acquired_at", "expires_at",
                        "tables") if c in frame.columns]
    from nbkit.nb.tables import empty_as

    return empty_as(frame[cols], "No writer lease held: no run is in progress.")


def _one(check, value, verdict, detail, gate="gate0") -> pd.DataFrame:
    return pd.DataFrame([{"gate": gate, "check": check, "value": str(value),
                          "threshold": "", "verdict": verdict, "detail": detail}],
                        columns=gates.COLUMNS)
