"""Quality gates 0-3 (operations.md 1.3): lists of checks that fail closed.

Each check has a value, a threshold and a verdict (PASS, WARN, FAIL). Every
number is derived from the schedule and the warehouse; a check that cannot be
computed is a FAIL, never a silent pass.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

import pandas as pd

from nbkit import gaps, schema
from nbkit.calendar import SeasonCalendar
from nbkit.leases import Leases
from nbkit.ledger import PHASE_NAMES, Ledger
from nbkit.processors import registry as default_registry
from nbkit.status import load_calendar

if TYPE_CHECKING:
    from nbkit.warehouse import Warehouse

PASS, WARN, FAIL = "PASS", "WARN", "FAIL"
COLUMNS = ["gate", "check", "value", "threshold", "verdict", "detail"]
MIN_SUCCESS_RATE = 99.0


@dataclass(frozen=True)
class Scope:
    """The dates a gate looks at, with the calendar and measured task states."""

    start: dt.date
    end: dt.date
    calendar: SeasonCalendar
    states: pd.DataFrame
    status: pd.DataFrame


def scope(warehouse: Warehouse, start: dt.date, end: dt.date,
          bootstrap_days: int | None = None) -> Scope:
    calendar = load_calendar(warehouse, start, end, bootstrap_days)
    states = gaps.task_states(warehouse, calendar.game_dates(),
                              bootstrap_days=calendar.bootstrap_days)
    return Scope(start, end, calendar, states, gaps.table_status(states, calendar))


def verdict(checks: pd.DataFrame) -> str:
    """FAIL if any check failed, else WARN if any warned, else PASS."""
    if checks.empty or (checks["verdict"] == FAIL).any():
        return FAIL
    return WARN if (checks["verdict"] == WARN).any() else PASS


def gate0(warehouse: Warehouse, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Preflight: schema, Phase 2 completeness against the schedule, processors, leases."""
    out = _Checks("gate0")
    present = set(warehouse.list_tables()["table_id"])
    missing = [t for t in schema.tables() if t not in present]
    out.add("schema: every production table exists", len(schema.tables()) - len(missing),
            f"= {len(schema.tables())}", FAIL if missing else PASS,
            f"missing: {', '.join(missing[:5])}" if missing else "all tables present")
    cal = load_calendar(warehouse, start, end)
    out.run("phase 2 sources against the schedule", lambda: _phase2_checks(out, warehouse, cal))
    out.run("catalogue health", lambda: catalogue_health(out, present))
    leases = Leases(warehouse).active()
    now = pd.Timestamp.now(tz="UTC")
    live = leases[pd.to_datetime(leases["expires_at"], utc=True) >= now] if len(leases) else leases
    out.add("no writer lease held", len(live), "= 0", FAIL if len(live) else PASS,
            "; ".join(f"{r.owner}@{r.host} pid {r.pid} run {r.run_id}"
                      for r in live.itertuples()) or "no active lease")
    return out.frame()


def gate1(warehouse: Warehouse, sc: Scope) -> pd.DataFrame:
    """Phase 3 complete: coverage, success rates, failures, duplicates, NULLs, sanity."""
    out = _stage_checks(warehouse, sc, 3, "gate1")
    out.run("player_game_summary sanity", lambda: _pgs_sanity(out, warehouse, sc))
    for table in ("nba_analytics.player_game_summary", "nba_analytics.upcoming_player_game_context"):
        out.run(f"teams per game {table}",
                lambda t=table: _team_game_check(out, warehouse, f"teams per game {t}", t,
                                                 sc.start, sc.end, "teams with players"))
    return out.frame()


def gate2(warehouse: Warehouse, sc: Scope) -> pd.DataFrame:
    """Phase 4 complete: coverage outside bootstrap, success rates, duplicates, ranges."""
    out = _stage_checks(warehouse, sc, 4, "gate2")
    out.run("composite adjustment range", lambda: _pcf_sanity(out, warehouse, sc))
    return out.frame()


def stage_gate(warehouse: Warehouse, sc: Scope, stage: int) -> pd.DataFrame:
    """The gate after a stage (it guards the next): Gate 1 after stage 3, Gate 2 after
    stage 4; after a later stage, its coverage, success rates and the project's checks."""
    if stage == 3:
        return gate1(warehouse, sc)
    if stage == 4:
        return gate2(warehouse, sc)
    return _stage_checks(warehouse, sc, stage, f"stage{stage}").frame()


def _stage_checks(warehouse: Warehouse, sc: Scope, stage: int, gate: str) -> _Checks:
    """Every stage's gate core: coverage, success rates and the project's checks of the stage."""
    out = _Checks(gate)
    _coverage_checks(out, sc, phase=stage)
    out.run(f"phase {stage} success rates",
            lambda: _success_checks(out, warehouse, sc, phase=stage))
    out.run(f"stage {stage} checks", lambda: _user_checks(out, warehouse, sc, stage=stage))
    return out


def later_stages() -> list[int]:
    """The catalogue's stages after Phase 4 (each has its own gate)."""
    return [s for s in default_registry.graph().stages if s > 4]


def catalogue_health(out: _Checks, present: set) -> None:
    """Gate 0's catalogue rows: it loads (no duplicate name, no cycle, every declaration
    valid), every SQL parses, every target table exists."""
    import sqlglot

    from nbkit.errors import NbkitError

    default_registry.reload()
    try:
        procs = default_registry.all()
    except NbkitError as err:
        out.add("catalogue loads: no duplicate name, no cycle, declarations valid", "error",
                "loads", FAIL, str(err))
        return
    out.add("catalogue loads: no duplicate name, no cycle, declarations valid", len(procs),
            "> 0", PASS if procs else FAIL, ", ".join(p.NAME for p in procs))
    unparsed = []
    for proc in procs:
        if proc.SQL_FILE or hasattr(proc, "SQL_PATH"):
            try:
                sqlglot.parse(proc.sql_text(), read="bigquery")
            except sqlglot.errors.ParseError:
                unparsed.append(proc.NAME)
    out.add("catalogue: every processor's SQL parses", len(procs) - len(unparsed),
            f"= {len(procs)}", FAIL if unparsed else PASS,
            f"do not parse: {', '.join(unparsed)}" if unparsed else "sqlglot, BigQuery dialect")
    absent = sorted({p.TARGET_TABLE for p in procs if p.TARGET_TABLE} - present)
    out.add("catalogue: every target table exists", len(absent), "= 0 missing",
            FAIL if absent else PASS,
            f"missing: {', '.join(absent[:5])} (run nbkit init)" if absent else
            f"{default_registry.graph().stages} stages; "
            f"{sum(len(default_registry.checks_of(p.NAME)) for p in procs)} user check(s)")


def gate3(warehouse: Warehouse, sc: Scope) -> pd.DataFrame:
    """End to end: the latest season is current in both phases; overall coverage."""
    out = _Checks("gate3")
    season = max(sc.calendar.seasons)
    latest = sc.status[sc.status["data_date"].isin(set(sc.calendar.game_dates(season)))]
    stages = default_registry.graph().stages
    for phase in stages:
        part = latest[(latest["phase"] == phase) & (latest["status"] != "expected-empty")]
        per_table = part.groupby("table")["status"].apply(lambda s: (s == "complete").sum())
        expected = part.groupby("table").size()
        worst = int((expected - per_table).max()) if len(expected) else 0
        out.add(f"phase {phase}: season {sc.calendar.label(season)} current",
                f"{int(per_table.min()) if len(per_table) else 0}/"
                f"{int(expected.max()) if len(expected) else 0}",
                "<= 2 dates behind", PASS if worst <= 2 and len(expected) else FAIL,
                f"worst table is {worst} date(s) behind")
    for phase in stages:
        cov = gaps.coverage_by_table(sc.status[sc.status["phase"] == phase])
        ok = len(cov) and (cov["complete"] == cov["expected_dates"]).all()
        out.add(f"phase {phase}: overall coverage",
                f"{int(cov['complete'].min()) if len(cov) else 0}/"
                f"{int(cov['expected_dates'].max()) if len(cov) else 0}",
                "100%", PASS if ok else FAIL, "minimum over the phase's tables")
    return out.frame()


def all_gates(warehouse: Warehouse, start: dt.date, end: dt.date) -> pd.DataFrame:
    sc = scope(warehouse, start, end)
    later = [stage_gate(warehouse, sc, s) for s in later_stages()]
    return pd.concat([gate0(warehouse, start, end), gate1(warehouse, sc), gate2(warehouse, sc),
                      *later, gate3(warehouse, sc)], ignore_index=True)


# --------------------------------------------------------------------------- checks

class _Checks:
    def __init__(self, gate: str) -> None:
        self.gate, self.rows = gate, []

    def add(self, check, value, threshold, verdict_, detail="") -> None:
        self.rows.append({"gate": self.gate, "check": check, "value": str(value),
                          "threshold": str(threshold), "verdict": verdict_,
                          "detail": str(detail)})

    def run(self, check: str, fn: Callable[[], None]) -> None:
        """Add the rows of ``fn``; if it raises, one FAIL row named ``check``."""
        try:
            fn()
        except Exception as err:  # noqa: BLE001 - a check that cannot run fails closed
            self.add(check, "error", "computable", FAIL,
                     f"{type(err).__name__}: {str(err).splitlines()[0][:200]}")

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows, columns=COLUMNS)


def _coverage_checks(out: _Checks, sc: Scope, phase: int) -> None:
    status = sc.status[sc.status["phase"] == phase]
    cov = gaps.coverage_by_table(status)
    if cov.empty:
        out.add(f"phase {phase} coverage", 0, "> 0 dates", FAIL, "no dates in scope")
        return
    for row in cov.itertuples():
        ok = row.complete == row.expected_dates
        out.add(f"coverage {row.table}", f"{row.complete}/{row.expected_dates}", "100%",
                PASS if ok else FAIL, f"{row.partial} partial, {row.missing} missing")
        out.add(f"no duplicate keys {row.table}", row.duplicate_rows, "= 0",
                PASS if row.duplicate_rows == 0 else FAIL, "rows sharing the table's key")


def _success_checks(out: _Checks, warehouse: Warehouse, sc: Scope, phase: int) -> None:
    history = Ledger(warehouse).history(sc.start, sc.end)
    history = history[history["phase"] == PHASE_NAMES.get(phase, f"phase_{phase}")]
    for proc in default_registry.all():
        if proc.PHASE != phase:
            continue
        mine = history[(history["processor_name"] == proc.RUN_HISTORY_NAME)
                       & (history["status"].isin(["success", "failed", "partial"]))]
        if mine.empty:
            out.add(f"success rate {proc.NAME}", "no runs", f">= {MIN_SUCCESS_RATE}%", WARN,
                    "no run history in scope (data may predate nbkit)")
            continue
        # The latest outcome per date counts: a failure later recovered is resolved,
        # not a permanent mark (the attempt-level count is shown in the detail).
        latest = mine.sort_values(["processed_at", "run_id"]).groupby("data_date").tail(1)
        rate = 100.0 * (latest["status"] == "success").mean()
        attempts = 100.0 * (mine["status"] == "success").mean()
        out.add(f"success rate {proc.NAME}", f"{rate:.2f}%", f">= {MIN_SUCCESS_RATE}%",
                PASS if rate >= MIN_SUCCESS_RATE else FAIL,
                f"{len(latest)} dates; {attempts:.1f}% of {len(mine)} attempts succeeded")
    unresolved = gaps.failures_needing_attention(warehouse, sc.start, sc.end)
    unresolved = unresolved[unresolved["processor_name"].isin(
        [p.RUN_HISTORY_NAME for p in default_registry.all() if p.PHASE == phase])]
    out.add(f"phase {phase}: no unresolved failures", len(unresolved), "= 0",
            PASS if unresolved.empty else FAIL,
            "; ".join(f"{r.processor_name} {r.data_date}" for r in unresolved.head(5).itertuples())
            or "none")


def _user_checks(out: _Checks, warehouse: Warehouse, sc: Scope, stage: int) -> None:
    """The project's checks of the stage's processors over the scope's dates."""
    from nbkit import user_checks

    for proc in default_registry.all():
        if proc.PHASE != stage:
            continue
        dates = [d for d in sc.calendar.game_dates() if sc.start <= d <= sc.end]
        for check in default_registry.checks_of(proc.NAME):
            found = user_checks.failures(warehouse, check, dates, proc.DATE_COLUMN)
            bad = FAIL if check.blocking else WARN
            out.add(f"check {check.name} ({check.severity})", f"{len(found)} date(s)",
                    "= 0 failing dates", bad if found else PASS,
                    "; ".join(f"{d} {n} row(s)" for d, n in sorted(found.items())[:5])
                    or check.description or check.path.name)


def _pgs_sanity(out: _Checks, warehouse: Warehouse, sc: Scope) -> None:
    frame = warehouse.query("""
        SELECT season_year, AVG(points) AS avg_points,
               COUNT(DISTINCT player_lookup) AS players,
               COUNTIF(minutes_played IS NULL) / COUNT(*) AS minutes_null_rate,
               COUNTIF(points IS NULL) / COUNT(*) AS points_null_rate
        FROM `nba_analytics.player_game_summary`
        WHERE game_date BETWEEN @start AND @end GROUP BY season_year ORDER BY season_year""",
        {"start": sc.start, "end": sc.end})
    for row in frame.itertuples():
        label = sc.calendar.label(int(row.season_year))
        out.add(f"avg points per player {label}", f"{row.avg_points:.2f}", "8-12",
                PASS if 8 <= row.avg_points <= 12 else FAIL, "player_game_summary")
        out.add(f"unique players {label}", row.players, "> 300",
                PASS if row.players > 300 else WARN, "a partial season can have fewer")
        out.add(f"minutes_played NULL rate {label}", f"{100 * row.minutes_null_rate:.2f}%",
                "< 1%", PASS if row.minutes_null_rate < 0.01 else FAIL,
                "the Jan 2026 incident: 99.5% NULL behind 'complete' data")
        out.add(f"points NULL rate {label}", f"{100 * row.points_null_rate:.2f}%", "= 0%",
                PASS if row.points_null_rate == 0 else FAIL, "")


def _team_game_check(out: _Checks, warehouse: Warehouse, name: str, table: str,
                     start: dt.date, end: dt.date, what: str) -> None:
    """Every final game has both teams in the table (a date can be present but short)."""
    frame = warehouse.query(f"""
        WITH expected AS (
          SELECT game_date, 2 * COUNT(*) AS team_games
          FROM `nba_raw.nbac_schedule`
          WHERE game_date BETWEEN @s AND @e AND game_status = 3 GROUP BY 1),
        actual AS (
          SELECT game_date, COUNT(DISTINCT CONCAT(game_id, '|', team_abbr)) AS team_games
          FROM `{table}`
          WHERE game_date BETWEEN @s AND @e GROUP BY 1)
        SELECT e.game_date, e.team_games AS expected, COALESCE(a.team_games, 0) AS actual
        FROM expected e LEFT JOIN actual a USING (game_date)
        WHERE COALESCE(a.team_games, 0) < e.team_games AND COALESCE(a.team_games, 0) > 0
        ORDER BY 1""", {"s": start, "e": end})
    detail = "; ".join(f"{r.game_date:%Y-%m-%d} {r.actual}/{r.expected}"
                       for r in frame.head(5).itertuples()) or f"every present date has all {what}"
    out.add(name, len(frame), "= 0 short dates", PASS if frame.empty else FAIL, detail)


def _pcf_sanity(out: _Checks, warehouse: Warehouse, sc: Scope) -> None:
    frame = warehouse.query("""
        SELECT MIN(total_composite_adjustment) AS lo, MAX(total_composite_adjustment) AS hi,
               AVG(total_composite_adjustment) AS mean, COUNT(*) AS n
        FROM `nba_precompute.player_composite_factors`
        WHERE game_date BETWEEN @start AND @end""", {"start": sc.start, "end": sc.end})
    row = frame.iloc[0]
    if not row["n"]:
        out.add("composite adjustment range", "no rows", "[-15, 15]", FAIL, "")
        return
    ok = -15 <= row["lo"] and row["hi"] <= 15 and -3 <= row["mean"] <= 3
    out.add("composite adjustment range", f"[{row['lo']:.2f}, {row['hi']:.2f}] mean "
            f"{row['mean']:.2f}", "[-15, 15], mean in [-3, 3]", PASS if ok else FAIL,
            f"{int(row['n'])} player_composite_factors rows")


def _phase2_checks(out: _Checks, warehouse: Warehouse, cal: SeasonCalendar) -> None:
    expected = set(cal.game_dates())
    if not expected:
        out.add("schedule has final games", 0, "> 0", FAIL, "run nbkit sample-data")
        return
    start, end = min(expected), max(expected)

    def dates_of(table: str, column: str = "game_date") -> set:
        frame = warehouse.query(
            f"SELECT DISTINCT {column} AS d FROM `{table}` "
            f"WHERE {column} BETWEEN @s AND @e", {"s": start, "e": end})
        return set(pd.to_datetime(frame["d"]).dt.date)

    n = len(expected)
    for table in ("nba_raw.nbac_gamebook_player_stats", "nba_raw.nbac_team_boxscore"):
        have = len(dates_of(table) & expected)
        out.add(f"phase 2 {table}", f"{have}/{n}", ">= 99%",
                PASS if have >= 0.99 * n else FAIL, "critical source")
    gamebook = dates_of("nba_raw.nbac_gamebook_player_stats")
    bdl = dates_of("nba_raw.bdl_player_boxscores") & expected
    holes = sorted(expected - bdl)
    uncovered = [d for d in holes if d not in gamebook]
    out.add("phase 2 nba_raw.bdl_player_boxscores", f"{len(bdl)}/{n}", ">= 99% or covered",
            PASS if not uncovered else FAIL,
            f"uncovered: {', '.join(d.isoformat() for d in uncovered[:5])}" if uncovered
            else f"{len(holes)} missing date(s) all covered by the gamebook (PGS primary source)"
            if holes else "complete")
    odds = dates_of("nba_raw.odds_api_player_points_props") & expected
    bp = dates_of("nba_raw.bettingpros_player_points_props") & expected
    either = odds | bp
    out.add("phase 2 player props (Odds API or BettingPros)", f"{len(either)}/{n}", ">= 99%",
            PASS if len(either) >= 0.99 * n else FAIL,
            f"Odds API {len(odds)} dates ({100 * len(odds) / n:.1f}%), gaps filled by "
            f"BettingPros {len(bp)} dates ({100 * len(bp) / n:.1f}%)")
    _team_game_check(out, warehouse, "phase 2 nba_raw.nbac_team_boxscore rows per game",
                     "nba_raw.nbac_team_boxscore", start, end, "team box scores")
    _team_game_check(out, warehouse, "phase 2 nba_raw.nbac_gamebook_player_stats teams per game",
                     "nba_raw.nbac_gamebook_player_stats", start, end, "gamebook teams")
    nulls = warehouse.query("""
        SELECT COALESCE(COUNTIF(player_lookup IS NULL OR team_abbr IS NULL), 0) AS n
        FROM `nba_raw.nbac_gamebook_player_stats`
        WHERE game_date BETWEEN @s AND @e""", {"s": start, "e": end})["n"].iloc[0]
    out.add("phase 2 gamebook rows with NULL player_lookup/team_abbr", int(nulls), "= 0",
            PASS if not nulls else FAIL, "such players vanish from every downstream table")
    pbp = dates_of("nba_raw.nbac_play_by_play")
    out.add("phase 2 play-by-play (optional)", f"{len(pbp & expected)}/{n}", "informational",
            PASS, "sparse by nature: shot-zone columns stay NULL where it is absent")
