-- team_defense_game_summary: one row per (game_id, defending_team_abbr) for every date in @dates.
-- The team box score seen from the defending side: the opponent's offense is what was allowed.
-- Teams are rebuilt from player rows when the box score lacks the game (as team offense does);
-- steals and defensive rebounds are summed from the defending team's players.
WITH
/* include fragment: team_game_totals */,
paired AS (
  -- d = defending team, o = the offense it faced
  SELECT d.game_id, d.nba_game_id, d.game_date, d.season_year, d.is_home, d.source,
         d.reconstructed, d.player_rows, d.team_minutes,
         d.team_abbr AS defending_team_abbr, d.points AS points_scored,
         d.personal_fouls AS defending_fouls, d.steals AS box_steals,
         d.defensive_rebounds AS box_defensive_rebounds,
         o.team_abbr AS opponent_team_abbr, o.team_minutes AS opponent_minutes,
         o.points AS points_allowed, o.fg_made AS opp_fg_makes, o.fg_attempted AS opp_fg_attempts,
         o.three_pt_made AS opp_three_pt_makes, o.three_pt_attempted AS opp_three_pt_attempts,
         o.ft_made AS opp_ft_makes, o.ft_attempted AS opp_ft_attempts,
         o.total_rebounds AS opp_rebounds, o.assists AS opp_assists, o.turnovers AS turnovers_forced,
         ROUND(o.fg_attempted + 0.44 * o.ft_attempted - o.offensive_rebounds + o.turnovers, 1)
           AS opp_possessions
  FROM teams AS d
  JOIN teams AS o ON o.game_id = d.game_id AND o.team_abbr != d.team_abbr
  -- a game rebuilt with more than two team codes cannot be paired reliably
  WHERE d.game_id IN (SELECT game_id FROM teams GROUP BY game_id HAVING COUNT(*) = 2)
),
actions AS (
  -- defensive actions from the players who played (gamebook, else BDL), as production
  SELECT game_id, team_abbr, MIN(source) AS source,
         SUM(COALESCE(steals, 0)) AS steals,
         SUM(COALESCE(defensive_rebounds, 0)) AS defensive_rebounds
  FROM player_rows
  GROUP BY game_id, team_abbr
  HAVING COUNT(*) >= 5
),
/* include fragment: team_shot_zones */,
/* include fragment: schedule_games */,
lineage_rows AS (
  SELECT 'nbac_team_boxscore' AS source, game_date, game_id AS game_key, processed_at, data_hash
  FROM `nba_raw.nbac_team_boxscore` WHERE game_date IN UNNEST(@dates)
  UNION ALL
  SELECT 'nbac_gamebook_player_stats', game_date, game_id, processed_at, data_hash
  FROM `nba_raw.nbac_gamebook_player_stats` WHERE game_date IN UNNEST(@dates)
  UNION ALL
  SELECT 'bdl_player_boxscores', game_date, game_id, processed_at, data_hash
  FROM `nba_raw.bdl_player_boxscores` WHERE game_date IN UNNEST(@dates)
),
/* include fragment: source_lineage */,
with_actions AS (
  SELECT p.*,
         p.game_id IN (SELECT game_id FROM pbp_games) AS has_zones,
         z.paint_attempts AS opp_paint_attempts, z.paint_makes AS opp_paint_makes,
         z.mid_range_attempts AS opp_mid_range_attempts, z.mid_range_makes AS opp_mid_range_makes,
         -- players first (production); a box score's own team totals when no player rows exist
         COALESCE(a.steals, IF(p.reconstructed, NULL, p.box_steals)) AS steals,
         COALESCE(a.defensive_rebounds, IF(p.reconstructed, NULL, p.box_defensive_rebounds))
           AS defensive_rebounds,
         COALESCE(a.source, IF(p.reconstructed, NULL, 'nbac_team_boxscore')) AS actions_source,
         i.players_inactive
  FROM paired AS p
  LEFT JOIN zones AS z ON z.game_id = p.game_id AND z.team_abbr = p.opponent_team_abbr
  LEFT JOIN actions AS a ON a.game_id = p.game_id AND a.team_abbr = p.defending_team_abbr
  LEFT JOIN inactive AS i ON i.game_id = p.game_id AND i.team_abbr = p.defending_team_abbr
),
final AS (
  SELECT w.*,
         ARRAY_CONCAT(
           IF(w.reconstructed, ['reconstructed'], ARRAY<STRING>[]),
           IF(w.actions_source = 'bdl_player_boxscores', ['backup_source_used'], ARRAY<STRING>[]),
           IF(w.actions_source IS NULL, ['missing_defensive_actions'], ARRAY<STRING>[]),
           IF(w.has_zones, ARRAY<STRING>[], ['shot_zones_unavailable'])
         ) AS issues
  FROM with_actions AS w
)
SELECT
  f.game_id,
  f.game_date,
  f.defending_team_abbr,
  f.opponent_team_abbr,
  f.season_year,

  f.points_allowed,
  f.opp_fg_attempts,
  f.opp_fg_makes,
  f.opp_three_pt_attempts,
  f.opp_three_pt_makes,
  f.opp_ft_attempts,
  f.opp_ft_makes,
  f.opp_rebounds,
  f.opp_assists,
  f.turnovers_forced,
  f.defending_fouls AS fouls_committed,

  IF(f.has_zones, COALESCE(f.opp_paint_attempts, 0), NULL) AS opp_paint_attempts,
  IF(f.has_zones, COALESCE(f.opp_paint_makes, 0), NULL) AS opp_paint_makes,
  IF(f.has_zones, COALESCE(f.opp_mid_range_attempts, 0), NULL) AS opp_mid_range_attempts,
  IF(f.has_zones, COALESCE(f.opp_mid_range_makes, 0), NULL) AS opp_mid_range_makes,
  IF(f.has_zones, 2 * COALESCE(f.opp_paint_makes, 0), NULL) AS points_in_paint_allowed,
  IF(f.has_zones, 2 * COALESCE(f.opp_mid_range_makes, 0), NULL) AS mid_range_points_allowed,
  3 * f.opp_three_pt_makes AS three_pt_points_allowed,
  CAST(NULL AS INT64) AS second_chance_points_allowed,
  CAST(NULL AS INT64) AS fast_break_points_allowed,

  CAST(NULL AS INT64) AS blocks_paint,
  CAST(NULL AS INT64) AS blocks_mid_range,
  CAST(NULL AS INT64) AS blocks_three_pt,
  f.steals,
  f.defensive_rebounds,

  CAST(ROUND(f.points_allowed / NULLIF(f.opp_possessions, 0) * 100, 2) AS NUMERIC) AS defensive_rating,
  -- possessions per 48 minutes: equals section 3.3's raw possessions in regulation, and stays
  -- comparable in overtime games
  CAST(ROUND(f.opp_possessions * 48 / (f.opponent_minutes / 5), 1) AS NUMERIC) AS opponent_pace,
  CAST(ROUND(f.points_allowed / NULLIF(2 * (f.opp_fg_attempts + 0.44 * f.opp_ft_attempts), 0), 3)
       AS NUMERIC) AS opponent_ts_pct,

  f.is_home AS home_game,
  f.points_scored > f.points_allowed AS win_flag,
  f.points_scored - f.points_allowed AS margin_of_victory,
  GREATEST(0, CAST(ROUND((f.team_minutes - 240) / 25) AS INT64)) AS overtime_periods,

  f.players_inactive,
  CAST(NULL AS INT64) AS starters_inactive,
  CAST(NULL AS STRING) AS referee_crew_id,

  IF(f.reconstructed, 'silver', 'gold') AS data_quality_tier,
  CONCAT(IF(f.reconstructed, 'reconstructed_team_from_players', 'nbac_team_boxscore'),
         IF(f.actions_source IS NULL OR f.actions_source = 'nbac_team_boxscore', '',
            CONCAT('+', f.actions_source))) AS primary_source_used,
  ARRAY_LENGTH(f.issues) > 0 AS processed_with_issues,

  sb.last_updated AS source_team_boxscore_last_updated,
  sb.rows_found AS source_team_boxscore_rows_found,
  CAST(ROUND(LEAST(100, 100 * sb.games / NULLIF(sg.final_games, 0)), 2) AS NUMERIC) AS source_team_boxscore_completeness_pct,
  sb.hash AS source_team_boxscore_hash,
  sgb.last_updated AS source_gamebook_players_last_updated,
  sgb.rows_found AS source_gamebook_players_rows_found,
  CAST(ROUND(LEAST(100, 100 * sgb.games / NULLIF(sg.final_games, 0)), 2) AS NUMERIC) AS source_gamebook_players_completeness_pct,
  sgb.hash AS source_gamebook_players_hash,
  sbd.last_updated AS source_bdl_players_last_updated,
  sbd.rows_found AS source_bdl_players_rows_found,
  CAST(ROUND(LEAST(100, 100 * sbd.games / NULLIF(sg.final_games, 0)), 2) AS NUMERIC) AS source_bdl_players_completeness_pct,
  sbd.hash AS source_bdl_players_hash,

  IF(f.reconstructed, 'silver', 'gold') AS quality_tier,
  IF(f.reconstructed, 85.0, 100.0) AS quality_score,
  f.issues AS quality_issues,
  ARRAY_CONCAT([f.source],
               IF(f.actions_source IS NOT NULL AND f.actions_source != f.source, [f.actions_source], ARRAY<STRING>[]),
               IF(f.has_zones, ['nbac_play_by_play'], ARRAY<STRING>[])) AS data_sources,
  f.player_rows AS quality_sample_size,
  f.reconstructed OR f.actions_source = 'bdl_player_boxscores' AS quality_used_fallback,
  f.reconstructed AS quality_reconstructed,
  CURRENT_TIMESTAMP() AS quality_calculated_at,
  TO_JSON(STRUCT(f.source AS team_source, f.actions_source AS defensive_actions_source,
                 f.player_rows AS player_rows_summed)) AS quality_metadata,
  TRUE AS is_production_ready,
  f.issues AS data_quality_issues,

  SUBSTR(TO_HEX(SHA256(ARRAY_TO_STRING([
    f.game_id, f.defending_team_abbr, f.opponent_team_abbr, f.source, f.actions_source,
    CAST(f.points_scored AS STRING), CAST(f.points_allowed AS STRING),
    CAST(f.opp_fg_makes AS STRING), CAST(f.opp_fg_attempts AS STRING),
    CAST(f.opp_three_pt_makes AS STRING), CAST(f.opp_three_pt_attempts AS STRING),
    CAST(f.opp_ft_makes AS STRING), CAST(f.opp_ft_attempts AS STRING),
    CAST(f.opp_rebounds AS STRING), CAST(f.opp_assists AS STRING),
    CAST(f.turnovers_forced AS STRING), CAST(f.defending_fouls AS STRING),
    CAST(f.steals AS STRING), CAST(f.defensive_rebounds AS STRING),
    CAST(CAST(ROUND(f.opponent_minutes * 60) AS INT64) AS STRING),
    CAST(IF(f.has_zones, COALESCE(f.opp_paint_attempts, 0), NULL) AS STRING),
    CAST(IF(f.has_zones, COALESCE(f.opp_paint_makes, 0), NULL) AS STRING),
    CAST(IF(f.has_zones, COALESCE(f.opp_mid_range_attempts, 0), NULL) AS STRING),
    CAST(IF(f.has_zones, COALESCE(f.opp_mid_range_makes, 0), NULL) AS STRING)
  ], '|', 'NULL'))), 1, 16) AS data_hash,
  CURRENT_TIMESTAMP() AS processed_at
FROM final AS f
LEFT JOIN schedule_games AS sg USING (game_date)
LEFT JOIN source_lineage AS sb ON sb.source = 'nbac_team_boxscore' AND sb.game_date = f.game_date
LEFT JOIN source_lineage AS sgb ON sgb.source = 'nbac_gamebook_player_stats' AND sgb.game_date = f.game_date
LEFT JOIN source_lineage AS sbd ON sbd.source = 'bdl_player_boxscores' AND sbd.game_date = f.game_date
