"""Player box score per game: gamebook first, BDL per missing game, points prop and result."""

from __future__ import annotations

from nbkit.processors.base import Processor


class PlayerGameSummary(Processor):
    """Phase 3 player game summary: one row per (game_id, player_lookup) who played."""

    NAME = "player_game_summary"
    PHASE = 3
    TARGET_TABLE = "nba_analytics.player_game_summary"
    KEY_COLUMNS = ("game_date", "game_id", "player_lookup")
    # The player-games the sources hold (the SQL's driver): gamebook 'active' rows, BDL rows that
    # show playing time for games the gamebook lacks, players known to the registry. Rows the SQL
    # cannot place (team on neither side of the game_id) are counted, so the date reads partial.
    EXPECTED_ROWS_SQL = """
WITH latest AS (
  SELECT game_date, game_id, player_lookup, player_status
  FROM `nba_raw.nbac_gamebook_player_stats`
  WHERE game_date IN UNNEST(@dates)
  QUALIFY ROW_NUMBER() OVER (PARTITION BY game_id, team_abbr, COALESCE(player_lookup, player_name)
                             ORDER BY processed_at DESC, data_hash DESC) = 1
),
gamebook AS (
  SELECT DISTINCT game_date, game_id, player_lookup
  FROM latest
  WHERE player_lookup IS NOT NULL AND LOWER(player_status) = 'active'
),
bdl AS (
  SELECT game_date, game_id, player_lookup,
         CASE
           WHEN REGEXP_CONTAINS(TRIM(minutes), r'^[0-9]{1,3}:[0-5][0-9]$')
             THEN 60 * SAFE_CAST(SPLIT(TRIM(minutes), ':')[OFFSET(0)] AS INT64)
                  + SAFE_CAST(SPLIT(TRIM(minutes), ':')[OFFSET(1)] AS INT64)
           WHEN REGEXP_CONTAINS(TRIM(minutes), r'^[0-9]{1,3}$') THEN 60 * SAFE_CAST(TRIM(minutes) AS INT64)
         END AS seconds_played,
         COALESCE(points, 0) + COALESCE(field_goals_attempted, 0) + COALESCE(free_throws_attempted, 0)
           + COALESCE(rebounds, 0) + COALESCE(assists, 0) + COALESCE(steals, 0) + COALESCE(blocks, 0)
           + COALESCE(turnovers, 0) + COALESCE(personal_fouls, 0) AS stat_sum
  FROM `nba_raw.bdl_player_boxscores`
  WHERE game_date IN UNNEST(@dates) AND player_lookup IS NOT NULL
    AND game_id NOT IN (SELECT game_id FROM gamebook)
),
played AS (
  SELECT game_date, game_id, player_lookup FROM gamebook
  UNION DISTINCT
  SELECT game_date, game_id, player_lookup FROM bdl
  WHERE seconds_played > 0 OR (seconds_played IS NULL AND stat_sum > 0)
)
SELECT game_date AS data_date, COUNT(*) AS expected_rows
FROM played
WHERE player_lookup IN (SELECT player_lookup FROM `nba_reference.nba_players_registry`)
GROUP BY game_date
"""
    SQL_FILE = "player_game_summary.sql"


PROCESSOR = PlayerGameSummary
