"""Validation (notebooks/30_validation.ipynb): Gates 0-3 over a range and a sign-off table.

Read-only. The sign-off records what the operators' checklist asked for: Phase 3
x/N dates complete on all five tables, Phase 4 y/M outside bootstrap windows,
success rates, duplicates, NULL rates and sanity ranges, each with its verdict.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from nbkit import gates
from nbkit.nb import card
from nbkit.nb.common import GateFailed, esc, html_table, read_only_scope, record, run_command, \
    verdict_badge
from nbkit.parameters.models import ValidationParams
from nbkit.status import DEFAULT_START
from nbkit.calendar import END_OF_TIME

DAILY_SQL = """
SELECT game_date AS day, COUNT(*) AS pgs_rows,
       100 * COUNTIF(minutes_played IS NULL) / COUNT(*) AS minutes_null_pct,
       AVG(points) AS avg_points
FROM `nba_analytics.player_game_summary`
WHERE game_date BETWEEN @start AND @end GROUP BY 1 ORDER BY 1"""

SPOT_SQL = """
SELECT game_date, player_full_name, player_lookup, team_abbr, points, minutes_played
FROM `nba_analytics.player_game_summary`
WHERE game_date IN UNNEST(@dates)
QUALIFY ROW_NUMBER() OVER (PARTITION BY game_date ORDER BY points DESC, player_lookup) <= 5
ORDER BY game_date, points DESC, player_lookup"""


@dataclass(repr=False)
class SignOff:
    """Gates 0-3 over [start, end], the sign-off table and quality per date."""

    start: dt.date
    end: dt.date
    checks: pd.DataFrame
    status: pd.DataFrame
    daily: pd.DataFrame
    spot: pd.DataFrame
    warehouse: str = ""

    @property
    def verdicts(self) -> dict[str, str]:
        return {g: gates.verdict(c) for g, c in self.checks.groupby("gate", sort=True)}

    @property
    def verdict(self) -> str:
        return gates.verdict(self.checks)

    def gate(self, name: str) -> pd.DataFrame:
        return self.checks[self.checks["gate"] == name].reset_index(drop=True)

    def table(self) -> pd.DataFrame:
        """The sign-off: item, value, target, verdict."""
        return signoff_table(self.checks, self.status)

    def figure(self):
        from nbkit.viz import quality_over_time

        return quality_over_time(self.daily, f"Quality per date, {self.start}..{self.end}")

    def raise_if_failed(self, enabled: bool = True) -> None:
        """Raise GateFailed naming the failing checks (so a batch run exits non-zero)."""
        if not enabled or self.verdict != gates.FAIL:
            return
        bad = self.checks[self.checks["verdict"] == gates.FAIL]
        names = "; ".join(f"{r.gate} {r.check} = {r.value}" for r in bad.head(8).itertuples())
        scope = {"warehouse": self.warehouse, "start_date": str(self.start),
                 "end_date": str(self.end)}
        commands = {"see the gaps": run_command("20_gap_analysis", scope),
                    "preview recovery": run_command("40_recovery", scope)}
        record(commands=commands)
        raise GateFailed(f"Validation FAILED {self.start}..{self.end}: {len(bad)} failing "
                         f"check(s): {names}",
                         "; ".join(f"{k}: {v}" for k, v in commands.items()), "validation",
                         commands)

    def __repr__(self) -> str:
        return f"<SignOff {self.start}..{self.end}: {self.verdict} {self.verdicts}>"

    def _repr_html_(self) -> str:
        badges = " ".join(f"{esc(g)} {verdict_badge(v)}" for g, v in self.verdicts.items())
        return (f"<h4>Sign-off {self.start}..{self.end}: {verdict_badge(self.verdict)}</h4>"
                f"<p>{badges}</p>" + html_table(self.table()))


def validation(params=None, /, **values) -> SignOff:
    """Run Gates 0-3 read-only over the range (default: the whole schedule).

    ``params``: a ValidationParams, or the warehouse and the parameters as keywords.
    """
    p = ValidationParams.of(params, **values)
    with read_only_scope(p, params) as (wh, start, end):
        first, last = start or DEFAULT_START, end or END_OF_TIME
        sc = gates.scope(wh, first, last, p.bootstrap_days)
        dates = sc.calendar.game_dates()
        if dates:
            first, last = dates[0], dates[-1]
        later = [gates.stage_gate(wh, sc, s) for s in gates.later_stages()]
        checks = pd.concat([gates.gate0(wh, first, last), gates.gate1(wh, sc),
                            gates.gate2(wh, sc), *later, gates.gate3(wh, sc)], ignore_index=True)
        pgs = wh.query(DAILY_SQL, {"start": first, "end": last})
        with_rows = sorted(pd.to_datetime(pgs["day"]).dt.date) if len(pgs) else []
        spot = wh.query(SPOT_SQL, {"dates": _spot_dates(with_rows)}) if with_rows \
            else pd.DataFrame()
    result = SignOff(first, last, checks, sc.status, daily_quality(sc.status, pgs), spot,
                     p.warehouse)
    record(gates=result.verdicts)
    card.note_coverage(sc.status)
    card.note(failing_checks=int((checks["verdict"] == gates.FAIL).sum()),
              checks=len(checks))
    return result


def signoff_table(checks: pd.DataFrame, status: pd.DataFrame) -> pd.DataFrame:
    rows = [_phase_dates(status, 3), _phase_dates(status, 4)]
    for row in checks.itertuples():
        if row.check.startswith(("success rate", "phase 3: no unresolved",
                                 "phase 4: no unresolved", "no duplicate keys", "minutes_played",
                                 "points NULL", "avg points", "unique players", "composite")):
            rows.append({"item": f"{row.check}", "value": row.value, "target": row.threshold,
                         "verdict": row.verdict})
    for gate, group in checks.groupby("gate", sort=True):
        rows.append({"item": f"{gate} verdict", "value": gates.verdict(group), "target": "PASS",
                     "verdict": gates.verdict(group)})
    return pd.DataFrame(rows, columns=["item", "value", "target", "verdict"])


def daily_quality(status: pd.DataFrame, pgs: pd.DataFrame) -> pd.DataFrame:
    """Per date: % of complete tables in each phase, and PGS field quality."""
    cols = ["day", "phase3_pct", "phase4_pct", "minutes_null_pct", "avg_points"]
    if status.empty:
        return pd.DataFrame(columns=cols)
    frame = status.assign(ok=status["status"] == "complete",
                          counted=status["status"] != "expected-empty")
    per = frame[frame["counted"]].groupby(["data_date", "phase"])["ok"].mean().unstack()
    out = pd.DataFrame({"day": per.index})
    for phase in (3, 4):
        out[f"phase{phase}_pct"] = (100 * per[phase]).round(1).values if phase in per else None
    if len(pgs):
        pgs = pgs.assign(day=pd.to_datetime(pgs["day"]).dt.date)
        out = out.merge(pgs[["day", "minutes_null_pct", "avg_points"]], on="day", how="left")
    else:
        out["minutes_null_pct"], out["avg_points"] = None, None
    return out[cols]


def _phase_dates(status: pd.DataFrame, phase: int) -> dict:
    """Dates complete on every table of the phase, out of all game dates in scope."""
    mine = status[status["phase"] == phase]
    all_dates = mine["data_date"].nunique()
    part = mine[mine["status"] != "expected-empty"]
    per_date = part.groupby("data_date")["status"].apply(lambda s: bool((s == "complete").all()))
    done, total = int(per_date.sum()), len(per_date)
    target = f"{total}/{all_dates}"
    if total != all_dates:
        target += f" ({all_dates - total} bootstrap dates have no Phase {phase} output)"
    return {"item": f"Phase {phase}: dates complete on all {part['table'].nunique()} tables",
            "value": f"{done}/{all_dates}", "target": target,
            "verdict": gates.PASS if total and done == total else gates.FAIL}


def _spot_dates(dates: list[dt.date]) -> list[dt.date]:
    """Three fixed spot-check dates: first, middle and last date holding Phase 3 rows."""
    if not dates:
        return []
    return sorted({dates[0], dates[len(dates) // 2], dates[-1]})
