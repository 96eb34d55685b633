"""Tiny hand-built raw inputs for the Phase 3 processor tests.

Each builder returns one row (a dict) with every column a Phase 3 SQL reads; stats default
to 0 so a test states only the numbers it checks. ``write`` stages rows into the warehouse.
"""

from __future__ import annotations

import pandas as pd

from nbkit import schema
from tests.processors.builders import (LOADED, SCHEDULE, assert_fields, d,  # noqa: F401 - b.*
                                       output, row, system_id, write)

BOX = "nba_raw.nbac_team_boxscore"
GAMEBOOK = "nba_raw.nbac_gamebook_player_stats"
BDL = "nba_raw.bdl_player_boxscores"
PBP = "nba_raw.nbac_play_by_play"


def season_of(game_date: str) -> int:
    day = d(game_date)
    return day.year if day.month >= 10 else day.year - 1


def schedule(game_date: str, away: str, home: str, nba_id: str, away_score: int | None = None,
             home_score: int | None = None, status: int = 3, **extra) -> dict:
    winner = None
    if away_score is not None and home_score is not None:
        winner = home if home_score > away_score else away
    return {"game_id": nba_id, "game_date": d(game_date), "season_year": season_of(game_date),
            "game_status": status, "home_team_tricode": home, "away_team_tricode": away,
            "home_team_score": home_score, "away_team_score": away_score,
            "winning_team_tricode": winner, "is_regular_season": True, "is_playoffs": False,
            "is_all_star": False, "is_primetime": False, "data_source": "nbac",
            "processed_at": LOADED, "data_hash": f"s-{nba_id}", **extra}


def _stats(points=0, fgm=0, fga=0, tpm=0, tpa=0, ftm=0, fta=0, oreb=0, dreb=0, ast=0, stl=0,
           blk=0, tov=0, pf=0) -> dict:
    return {"points": points, "field_goals_made": fgm, "field_goals_attempted": fga,
            "three_pointers_made": tpm, "three_pointers_attempted": tpa,
            "free_throws_made": ftm, "free_throws_attempted": fta,
            "offensive_rebounds": oreb, "defensive_rebounds": dreb, "assists": ast,
            "steals": stl, "blocks": blk, "turnovers": tov, "personal_fouls": pf}


def gamebook(game_date: str, away: str, home: str, team: str, player: str,
             minutes: str | None = "30:00", status: str = "active", plus_minus: int | None = 0,
             **stats) -> dict:
    row = {"game_id": system_id(game_date, away, home), "game_date": d(game_date),
           "season_year": season_of(game_date), "home_team_abbr": home, "away_team_abbr": away,
           "player_name": player.title(), "player_lookup": player, "team_abbr": team,
           "player_status": status, "minutes": minutes, "plus_minus": plus_minus,
           "processed_at": LOADED, "data_hash": f"g-{game_date}-{player}"}
    row.update(_stats(**stats))
    row["total_rebounds"] = row["offensive_rebounds"] + row["defensive_rebounds"]
    return row


def bdl(game_date: str, away: str, home: str, team: str, player: str,
        minutes: str | None = "30:00", **stats) -> dict:
    row = {"game_id": system_id(game_date, away, home), "game_date": d(game_date),
           "season_year": season_of(game_date), "home_team_abbr": home, "away_team_abbr": away,
           "team_abbr": team, "player_full_name": player.title(), "player_lookup": player,
           "minutes": minutes, "processed_at": LOADED, "data_hash": f"b-{game_date}-{player}"}
    row.update(_stats(**stats))
    row["rebounds"] = row["offensive_rebounds"] + row["defensive_rebounds"]
    return row


def team_box(game_date: str, away: str, home: str, team: str, nba_id: str,
             minutes: str | None = "240:00", points=0, fgm=0, fga=0, tpm=0, tpa=0, ftm=0, fta=0,
             oreb=0, dreb=0, ast=0, stl=0, blk=0, tov=0, pf=0, plus_minus=0) -> dict:
    return {"game_id": system_id(game_date, away, home), "nba_game_id": nba_id,
            "game_date": d(game_date), "season_year": season_of(game_date), "team_abbr": team,
            "team_name": team, "is_home": team == home, "minutes": minutes, "fg_made": fgm,
            "fg_attempted": fga, "three_pt_made": tpm, "three_pt_attempted": tpa,
            "ft_made": ftm, "ft_attempted": fta, "offensive_rebounds": oreb,
            "defensive_rebounds": dreb, "total_rebounds": oreb + dreb, "assists": ast,
            "steals": stl, "blocks": blk, "turnovers": tov, "personal_fouls": pf,
            "points": points, "plus_minus": plus_minus, "processed_at": LOADED,
            "data_hash": f"t-{game_date}-{team}"}


def shot(game_date: str, away: str, home: str, team: str, event: int, shot_type: str,
         distance: float, made: bool, nba_id: str = "0000000000") -> dict:
    return {"game_id": system_id(game_date, away, home), "nba_game_id": nba_id,
            "game_date": d(game_date), "season_year": season_of(game_date),
            "home_team_abbr": home, "away_team_abbr": away, "event_id": str(event),
            "event_sequence": event, "period": 1, "event_type": "fieldgoal",
            "shot_type": shot_type, "shot_distance": distance, "shot_made": made,
            "player_1_team_abbr": team, "processed_at": LOADED, "data_hash": f"p-{event}"}


def odds_prop(game_date: str, away: str, home: str, player: str, bookmaker: str, line: float,
              snapshot: str) -> dict:
    return {"game_id": system_id(game_date, away, home), "game_date": d(game_date),
            "home_team_abbr": home, "away_team_abbr": away,
            "snapshot_timestamp": pd.Timestamp(snapshot, tz="UTC"), "bookmaker": bookmaker,
            "player_name": player.title(), "player_lookup": player, "points_line": line,
            "processed_at": LOADED, "data_hash": f"o-{player}-{bookmaker}-{snapshot}"}


def bp_prop(game_date: str, player: str, team: str, bookmaker: str, line: float,
            opening: float | None = None, side: str = "over", best: bool = False,
            active: bool = True, updated: str = "2024-01-15 12:00") -> dict:
    return {"game_date": d(game_date), "bet_side": side, "player_lookup": player,
            "player_name": player.title(), "player_team": team, "validated_team": team,
            "bookmaker": bookmaker, "points_line": line, "opening_line": opening,
            "is_active": active, "is_best_line": best,
            "bookmaker_last_update": pd.Timestamp(updated, tz="UTC"),
            "processed_at": LOADED, "data_hash": f"bp-{player}-{bookmaker}-{side}"}


def game_line(game_date: str, away: str, home: str, bookmaker: str, market: str, outcome: str,
              point: float, snapshot: str, away_name: str | None = None,
              home_name: str | None = None) -> dict:
    return {"game_id": f"ev{away}{home}", "game_date": d(game_date),
            "home_team": home_name or f"{home} Full", "away_team": away_name or f"{away} Full",
            "home_team_abbr": home, "away_team_abbr": away, "bookmaker_key": bookmaker,
            "market_key": market, "outcome_name": outcome, "outcome_point": point,
            "outcome_price": 1.91, "snapshot_timestamp": pd.Timestamp(snapshot, tz="UTC"),
            "processed_at": LOADED, "data_hash": f"l-{bookmaker}-{market}-{outcome}-{snapshot}"}


def injury(game_date: str, away: str, home: str, team: str, player: str, status: str,
           report_date: str | None = None, report_hour: int = 17,
           confidence: float = 1.0) -> dict:
    return {"report_date": d(report_date or game_date), "report_hour": report_hour,
            "game_date": d(game_date), "game_id": system_id(game_date, away, home),
            "away_team": away, "home_team": home, "team": team, "player_lookup": player,
            "player_full_name": player.title(), "injury_status": status,
            "reason": "Injury/Illness", "reason_category": "injury",
            "confidence_score": confidence, "processed_at": LOADED,
            "data_hash": f"i-{player}-{report_date}-{report_hour}"}


def registry_row(player: str, team: str, season: str = "2023-24") -> dict:
    return {"universal_player_id": f"{player}_001", "player_name": player.title(),
            "player_lookup": player, "team_abbr": team, "season": season}


def team_players(game_date: str, away: str, home: str, team: str, n: int = 5,
                 source=gamebook, prefix: str | None = None, **stats) -> list[dict]:
    """n identical filler players for a team (for team totals and reconstruction)."""
    prefix = prefix or team.lower()
    return [source(game_date, away, home, team, f"{prefix}{i}", **stats) for i in range(n)]


# --------------------------------------------------------------------------- one team game

# LAL@BOS on the team box score (the team offense and defense tests read the same game).
LAL_BOX = dict(points=100, fgm=40, fga=90, tpm=10, tpa=30, ftm=10, fta=14, oreb=10, dreb=30,
               ast=25, stl=7, blk=4, tov=12, pf=20, plus_minus=-10)
BOS_BOX = dict(points=110, fgm=42, fga=85, tpm=12, tpa=33, ftm=14, fta=18, oreb=8, dreb=35,
               ast=28, stl=9, blk=5, tov=14, pf=18, plus_minus=10)


def box_game(day: str, away: str = "LAL", home: str = "BOS", nba_id: str = "0022300500",
             minutes: str = "240:00") -> list[dict]:
    """Both team box-score rows of one game, with the LAL_BOX and BOS_BOX stats."""
    return [team_box(day, away, home, away, nba_id, minutes=minutes, **LAL_BOX),
            team_box(day, away, home, home, nba_id, minutes=minutes, **BOS_BOX)]


def box_and_rebuilt_games(warehouse, day: str) -> None:
    """Two final games on ``day``: LAL@BOS with its team box score (LAL_BOX, BOS_BOX), NYK@MIA
    without one (the test writes the player rows it is rebuilt from)."""
    write(warehouse, SCHEDULE, [schedule(day, "LAL", "BOS", "0022300500", 100, 110),
                                schedule(day, "NYK", "MIA", "0022300501", 99, 96)])
    write(warehouse, BOX, box_game(day))


def two_team_game_dates(warehouse, day1: str, day2: str) -> None:
    """LAL@BOS from the box score on day1 (one shot logged); NYK@MIA rebuilt from players, day2."""
    write(warehouse, SCHEDULE, [schedule(day1, "LAL", "BOS", "0022300500", 100, 110),
                                schedule(day2, "NYK", "MIA", "0022300510", 100, 90)])
    write(warehouse, BOX, box_game(day1))
    write(warehouse, GAMEBOOK, team_players(day2, "NYK", "MIA", "NYK", points=20, fga=15, fgm=8)
          + team_players(day2, "NYK", "MIA", "MIA", points=18, fga=15, fgm=7))
    write(warehouse, PBP, [shot(day1, "LAL", "BOS", "LAL", 1, "2PT", 3.0, True)])


# --------------------------------------------------------------------------- checks

def comparable(frame: pd.DataFrame) -> pd.DataFrame:
    """Stringified copy, so list/JSON/NA cells compare by value."""
    return frame.astype(str).reset_index(drop=True)


def assert_set_based(warehouse, processor, dates: list[str]) -> pd.DataFrame:
    """Batched == per-date, re-running adds no duplicate key, expected rows == actual rows."""
    from nbkit.processors.compute import compute

    days = [d(x) for x in dates]
    compute(warehouse, processor, days)
    batched = output(warehouse, processor, dates)
    assert len(batched) > 0
    for day in days:
        compute(warehouse, processor, [day])
    per_date = output(warehouse, processor, dates)
    pd.testing.assert_frame_equal(comparable(batched), comparable(per_date))

    compute(warehouse, processor, days)
    again = output(warehouse, processor, dates)
    assert len(again) == len(batched)
    assert not again.duplicated(list(processor.KEY_COLUMNS)).any()

    expected = warehouse.query(processor.EXPECTED_ROWS_SQL, {"dates": days})
    expected = {pd.Timestamp(r.data_date).date(): int(r.expected_rows)
                for r in expected.itertuples()}
    actual = again.groupby(pd.to_datetime(again[processor.DATE_COLUMN]).dt.date).size().to_dict()
    assert {k: v for k, v in expected.items() if v} == actual
    return batched


def assert_declaration(processor) -> None:
    """One BigQuery SELECT using only @dates, reading exactly the declared upstream tables."""
    from sqlglot import exp

    from nbkit.warehouse.sql import parameter_names, parse_bigquery

    assert processor.PHASE == 3 and processor.DATE_COLUMN == "game_date"
    assert processor.describe() and processor.RUN_HISTORY_NAME.endswith("Processor")
    for sql in (processor.sql_text(), processor.EXPECTED_ROWS_SQL):
        trees = parse_bigquery(sql)
        assert len(trees) == 1 and isinstance(trees[0], exp.Query)
        assert parameter_names(trees[0]) == ("dates",)
        assert "FARM_FINGERPRINT" not in sql.upper()
    read = {f"{t.args['db'].name}.{t.name}" for t in parse_bigquery(processor.sql_text())[0]
            .find_all(exp.Table) if t.args.get("db") is not None}
    assert read == set(processor.UPSTREAM_TABLES)
    assert set(processor.KEY_COLUMNS) <= set(schema.get_table(processor.TARGET_TABLE).column_names)
