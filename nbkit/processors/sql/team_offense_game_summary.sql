-- team_offense_game_summary: one row per (game_id, team_abbr) for every date in @dates.
-- Team box score when it holds both sides of a game; otherwise the teams are rebuilt from player
-- rows (gamebook 'active', BDL for games the gamebook lacks). Shot zones from NBA.com play-by-play.
WITH
/* include fragment: team_game_totals */,
paired AS (
  SELECT t.*, o.team_abbr AS opponent_team_abbr, o.points AS opponent_points,
         ROUND(t.fg_attempted + 0.44 * t.ft_attempted + t.turnovers - t.offensive_rebounds, 1)
           AS possessions_1dp
  FROM teams AS t
  JOIN teams AS o ON o.game_id = t.game_id AND o.team_abbr != t.team_abbr
  -- a game rebuilt with more than two team codes cannot be paired reliably
  WHERE t.game_id IN (SELECT game_id FROM teams GROUP BY game_id HAVING COUNT(*) = 2)
),
/* include fragment: team_shot_zones */,
/* include fragment: schedule_games */,
lineage_rows AS (
  SELECT 'nbac_team_boxscore' AS source, game_date, game_id AS game_key, processed_at, data_hash
  FROM `nba_raw.nbac_team_boxscore` WHERE game_date IN UNNEST(@dates)
  UNION ALL
  SELECT 'nbac_play_by_play', game_date, game_id, processed_at, data_hash
  FROM `nba_raw.nbac_play_by_play` WHERE game_date IN UNNEST(@dates)
),
/* include fragment: source_lineage */,
final AS (
  SELECT p.*,
         p.game_id IN (SELECT game_id FROM pbp_games) AS has_zones,
         z.paint_attempts, z.paint_makes, z.mid_range_attempts, z.mid_range_makes,
         i.players_inactive,
         ARRAY_CONCAT(
           IF(p.reconstructed, ['reconstructed'], ARRAY<STRING>[]),
           IF(p.source = 'bdl_player_boxscores', ['backup_source_used'], ARRAY<STRING>[]),
           IF(p.game_id IN (SELECT game_id FROM pbp_games), ARRAY<STRING>[], ['shot_zones_unavailable'])
         ) AS issues
  FROM paired AS p
  LEFT JOIN zones AS z USING (game_id, team_abbr)
  LEFT JOIN inactive AS i USING (game_id, team_abbr)
)
SELECT
  f.game_id,
  f.nba_game_id,
  f.game_date,
  f.team_abbr,
  f.opponent_team_abbr,
  f.season_year,

  f.points AS points_scored,
  f.fg_attempted AS fg_attempts,
  f.fg_made AS fg_makes,
  f.three_pt_attempted AS three_pt_attempts,
  f.three_pt_made AS three_pt_makes,
  f.ft_attempted AS ft_attempts,
  f.ft_made AS ft_makes,
  f.total_rebounds AS rebounds,
  f.assists,
  f.turnovers,
  f.personal_fouls,

  IF(f.has_zones, COALESCE(f.paint_attempts, 0), NULL) AS team_paint_attempts,
  IF(f.has_zones, COALESCE(f.paint_makes, 0), NULL) AS team_paint_makes,
  IF(f.has_zones, COALESCE(f.mid_range_attempts, 0), NULL) AS team_mid_range_attempts,
  IF(f.has_zones, COALESCE(f.mid_range_makes, 0), NULL) AS team_mid_range_makes,
  IF(f.has_zones, 2 * COALESCE(f.paint_makes, 0), NULL) AS points_in_paint_scored,
  CAST(NULL AS INT64) AS second_chance_points_scored,

  CAST(ROUND(f.points / NULLIF(f.possessions_1dp, 0) * 100, 2) AS NUMERIC) AS offensive_rating,
  CAST(ROUND(f.possessions_1dp * 48 / (f.team_minutes / 5), 1) AS NUMERIC) AS pace,
  CAST(ROUND(f.possessions_1dp) AS INT64) AS possessions,
  CAST(ROUND(f.points / NULLIF(2 * (f.fg_attempted + 0.44 * f.ft_attempted), 0), 3) AS NUMERIC) AS ts_pct,

  f.is_home AS home_game,
  COALESCE(f.points > f.opponent_points, FALSE) AS win_flag,
  f.points - f.opponent_points AS margin_of_victory,
  GREATEST(0, CAST(ROUND((f.team_minutes - 240) / 25) AS INT64)) AS overtime_periods,

  f.players_inactive,
  CAST(NULL AS INT64) AS starters_inactive,
  CAST(NULL AS STRING) AS referee_crew_id,

  sb.last_updated AS source_nbac_boxscore_last_updated,
  sb.rows_found AS source_nbac_boxscore_rows_found,
  CAST(ROUND(LEAST(100, 100 * sb.games / NULLIF(sg.final_games, 0)), 2) AS NUMERIC) AS source_nbac_boxscore_completeness_pct,
  sb.hash AS source_nbac_boxscore_hash,
  sp.last_updated AS source_play_by_play_last_updated,
  sp.rows_found AS source_play_by_play_rows_found,
  CAST(ROUND(LEAST(100, 100 * sp.games / NULLIF(sg.final_games, 0)), 2) AS NUMERIC) AS source_play_by_play_completeness_pct,
  sp.hash AS source_play_by_play_hash,

  IF(f.reconstructed, 'silver', 'gold') AS data_quality_tier,
  f.has_zones AS shot_zones_available,
  IF(f.has_zones, 'nbac_pbp', NULL) AS shot_zones_source,
  IF(f.reconstructed, 'reconstructed_team_from_players', 'nbac_team_boxscore') AS primary_source_used,
  ARRAY_LENGTH(f.issues) > 0 AS processed_with_issues,

  IF(f.reconstructed, 'silver', 'gold') AS quality_tier,
  IF(f.reconstructed, 85.0, 100.0) AS quality_score,
  f.issues AS quality_issues,
  ARRAY_CONCAT([f.source], IF(f.has_zones, ['nbac_play_by_play'], ARRAY<STRING>[])) AS data_sources,
  f.player_rows AS quality_sample_size,
  f.reconstructed AS quality_used_fallback,
  f.reconstructed AS quality_reconstructed,
  CURRENT_TIMESTAMP() AS quality_calculated_at,
  TO_JSON(STRUCT(f.source AS team_source, f.player_rows AS player_rows_summed)) AS quality_metadata,
  TRUE AS is_production_ready,
  f.issues AS data_quality_issues,

  SUBSTR(TO_HEX(SHA256(ARRAY_TO_STRING([
    f.game_id, f.team_abbr, f.opponent_team_abbr, f.source,
    CAST(CAST(ROUND(f.team_minutes * 60) AS INT64) AS STRING), CAST(f.points AS STRING),
    CAST(f.fg_made AS STRING), CAST(f.fg_attempted AS STRING),
    CAST(f.three_pt_made AS STRING), CAST(f.three_pt_attempted AS STRING),
    CAST(f.ft_made AS STRING), CAST(f.ft_attempted AS STRING),
    CAST(f.offensive_rebounds AS STRING), CAST(f.total_rebounds AS STRING),
    CAST(f.assists AS STRING), CAST(f.turnovers AS STRING), CAST(f.personal_fouls AS STRING),
    CAST(f.opponent_points AS STRING),
    CAST(IF(f.has_zones, COALESCE(f.paint_attempts, 0), NULL) AS STRING),
    CAST(IF(f.has_zones, COALESCE(f.paint_makes, 0), NULL) AS STRING),
    CAST(IF(f.has_zones, COALESCE(f.mid_range_attempts, 0), NULL) AS STRING),
    CAST(IF(f.has_zones, COALESCE(f.mid_range_makes, 0), NULL) AS STRING)
  ], '|', 'NULL'))), 1, 16) AS data_hash,
  CURRENT_TIMESTAMP() AS processed_at
FROM final AS f
LEFT JOIN schedule_games AS sg USING (game_date)
LEFT JOIN source_lineage AS sb ON sb.source = 'nbac_team_boxscore' AND sb.game_date = f.game_date
LEFT JOIN source_lineage AS sp ON sp.source = 'nbac_play_by_play' AND sp.game_date = f.game_date
