-- player_game_summary: one row per (game_id, player_lookup) who played, for every date in @dates.
-- Box score: NBA.com gamebook ('active' rows) per game; BDL with its real values for games the
-- gamebook lacks (fix of D19). Points prop: Odds API, else BettingPros. Shot zones stay NULL.
WITH
gamebook AS (
  SELECT *
  FROM `nba_raw.nbac_gamebook_player_stats`
  WHERE game_date IN UNNEST(@dates)
  -- a re-scraped game must not double a player: the latest load wins. Unresolved names
  -- (NULL lookup) still count in team totals, so they are kept apart by their printed name.
  QUALIFY ROW_NUMBER() OVER (PARTITION BY game_id, team_abbr, COALESCE(player_lookup, player_name)
                             ORDER BY processed_at DESC, data_hash DESC) = 1
),
gamebook_games AS (
  SELECT DISTINCT game_id FROM gamebook WHERE LOWER(player_status) = 'active'
),
bdl AS (
  SELECT *
  FROM `nba_raw.bdl_player_boxscores`
  WHERE game_date IN UNNEST(@dates)
    AND game_id NOT IN (SELECT game_id FROM gamebook_games)
  QUALIFY ROW_NUMBER() OVER (PARTITION BY game_id, player_lookup
                             ORDER BY processed_at DESC, data_hash DESC) = 1
),
box AS (
  SELECT game_id, game_date, season_year, player_lookup, player_name AS player_full_name,
         team_abbr, player_status, TRIM(minutes) AS minutes, points, assists,
         offensive_rebounds, defensive_rebounds, total_rebounds, steals, blocks, turnovers,
         personal_fouls, field_goals_made, field_goals_attempted, three_pointers_made,
         three_pointers_attempted, free_throws_made, free_throws_attempted, plus_minus,
         'nbac_gamebook' AS primary_source
  FROM gamebook
  WHERE LOWER(player_status) = 'active'
  UNION ALL
  SELECT game_id, game_date, season_year, player_lookup, player_full_name,
         team_abbr, CAST(NULL AS STRING), TRIM(minutes), points, assists,
         offensive_rebounds, defensive_rebounds, rebounds, steals, blocks, turnovers,
         personal_fouls, field_goals_made, field_goals_attempted, three_pointers_made,
         three_pointers_attempted, free_throws_made, free_throws_attempted,
         CAST(NULL AS INT64),  -- the BDL table carries no plus_minus column
         'bdl_boxscores'
  FROM bdl
),
parsed AS (
  SELECT *,
    -- "MM:SS" or "MM"; anything else (NULL, '', '-', '12:75') is unknown, not zero
    CASE
      WHEN REGEXP_CONTAINS(minutes, r'^[0-9]{1,3}:[0-5][0-9]$')
        THEN 60 * SAFE_CAST(SPLIT(minutes, ':')[OFFSET(0)] AS INT64)
             + SAFE_CAST(SPLIT(minutes, ':')[OFFSET(1)] AS INT64)
      WHEN REGEXP_CONTAINS(minutes, r'^[0-9]{1,3}$') THEN 60 * SAFE_CAST(minutes AS INT64)
    END AS seconds_played,
    SPLIT(game_id, '_')[SAFE_OFFSET(1)] AS away_abbr,
    SPLIT(game_id, '_')[SAFE_OFFSET(2)] AS home_abbr
  FROM box
),
played AS (
  -- gamebook 'active' means played; BDL also lists DNPs, recognisable by zero minutes and no stats
  SELECT *,
         CASE team_abbr WHEN home_abbr THEN away_abbr WHEN away_abbr THEN home_abbr END AS opponent_team_abbr
  FROM parsed
  WHERE primary_source = 'nbac_gamebook'
     OR seconds_played > 0
     OR (seconds_played IS NULL
         AND COALESCE(points, 0) + COALESCE(field_goals_attempted, 0) + COALESCE(free_throws_attempted, 0)
             + COALESCE(total_rebounds, 0) + COALESCE(assists, 0) + COALESCE(steals, 0)
             + COALESCE(blocks, 0) + COALESCE(turnovers, 0) + COALESCE(personal_fouls, 0) > 0)
),
played_once AS (
  -- a team that is neither side of its game_id cannot be placed; the date then counts as partial.
  -- The key holds one row even if two namesakes share a lookup in one game
  SELECT *
  FROM played
  WHERE opponent_team_abbr IS NOT NULL
  QUALIFY ROW_NUMBER() OVER (PARTITION BY game_id, player_lookup ORDER BY seconds_played DESC, team_abbr) = 1
),
team_totals AS (
  -- every player who played counts, registered or not
  SELECT game_id, team_abbr,
         SUM(points) AS team_points,
         SUM(field_goals_attempted) AS team_fga,
         SUM(free_throws_attempted) AS team_fta,
         SUM(turnovers) AS team_tov,
         SUM(seconds_played) AS team_seconds
  FROM played
  GROUP BY game_id, team_abbr
),
/* include fragment: player_registry */,
/* include fragment: points_prop_lines */,
/* include fragment: schedule_games */,
lineage_rows AS (
  SELECT 'nbac_gamebook_player_stats' AS source, game_date, game_id AS game_key, processed_at, data_hash
  FROM `nba_raw.nbac_gamebook_player_stats` WHERE game_date IN UNNEST(@dates)
  UNION ALL
  SELECT 'bdl_player_boxscores', game_date, game_id, processed_at, data_hash
  FROM `nba_raw.bdl_player_boxscores` WHERE game_date IN UNNEST(@dates)
  UNION ALL
  SELECT 'nbac_play_by_play', game_date, game_id, processed_at, data_hash
  FROM `nba_raw.nbac_play_by_play` WHERE game_date IN UNNEST(@dates)
  UNION ALL
  SELECT 'bigdataball_play_by_play', game_date, game_id, processed_at, data_hash
  FROM `nba_raw.bigdataball_play_by_play` WHERE game_date IN UNNEST(@dates)
  UNION ALL
  SELECT 'odds_api_player_points_props', game_date, game_id, processed_at, data_hash
  FROM `nba_raw.odds_api_player_points_props` WHERE game_date IN UNNEST(@dates)
  UNION ALL
  SELECT 'bettingpros_player_points_props', game_date, CAST(NULL AS STRING), processed_at, data_hash
  FROM `nba_raw.bettingpros_player_points_props` WHERE game_date IN UNNEST(@dates)
),
/* include fragment: source_lineage */,
source_columns AS (
  -- the sources' columns are the same for every player of a date: built per date, joined once
  SELECT d AS game_date,
         sn.last_updated AS source_nbac_last_updated,
         sn.rows_found AS source_nbac_rows_found,
         CAST(ROUND(LEAST(100, 100 * sn.games / NULLIF(sg.final_games, 0)), 2) AS NUMERIC) AS source_nbac_completeness_pct,
         sn.hash AS source_nbac_hash,
         sb.last_updated AS source_bdl_last_updated,
         sb.rows_found AS source_bdl_rows_found,
         CAST(ROUND(LEAST(100, 100 * sb.games / NULLIF(sg.final_games, 0)), 2) AS NUMERIC) AS source_bdl_completeness_pct,
         sb.hash AS source_bdl_hash,
         sbb.last_updated AS source_bbd_last_updated,
         sbb.rows_found AS source_bbd_rows_found,
         CAST(ROUND(LEAST(100, 100 * sbb.games / NULLIF(sg.final_games, 0)), 2) AS NUMERIC) AS source_bbd_completeness_pct,
         sbb.hash AS source_bbd_hash,
         sp.last_updated AS source_nbac_pbp_last_updated,
         sp.rows_found AS source_nbac_pbp_rows_found,
         CAST(ROUND(LEAST(100, 100 * sp.games / NULLIF(sg.final_games, 0)), 2) AS NUMERIC) AS source_nbac_pbp_completeness_pct,
         sp.hash AS source_nbac_pbp_hash,
         so.last_updated AS source_odds_last_updated,
         so.rows_found AS source_odds_rows_found,
         CAST(IF(so.rows_found > 0, 100, NULL) AS NUMERIC) AS source_odds_completeness_pct,
         so.hash AS source_odds_hash,
         sbp.last_updated AS source_bp_last_updated,
         sbp.rows_found AS source_bp_rows_found,
         CAST(IF(sbp.rows_found > 0, 100, NULL) AS NUMERIC) AS source_bp_completeness_pct,
         sbp.hash AS source_bp_hash
  FROM (SELECT DISTINCT d FROM UNNEST(@dates) AS d)
  LEFT JOIN schedule_games AS sg ON sg.game_date = d
  LEFT JOIN source_lineage AS sn ON sn.source = 'nbac_gamebook_player_stats' AND sn.game_date = d
  LEFT JOIN source_lineage AS sb ON sb.source = 'bdl_player_boxscores' AND sb.game_date = d
  LEFT JOIN source_lineage AS sbb ON sbb.source = 'bigdataball_play_by_play' AND sbb.game_date = d
  LEFT JOIN source_lineage AS sp ON sp.source = 'nbac_play_by_play' AND sp.game_date = d
  LEFT JOIN source_lineage AS so ON so.source = 'odds_api_player_points_props' AND so.game_date = d
  LEFT JOIN source_lineage AS sbp ON sbp.source = 'bettingpros_player_points_props' AND sbp.game_date = d
),
rows_computed AS (
  SELECT
    p.*,
    r.universal_player_id,
    p.team_abbr = p.home_abbr AS home_game,
    t.team_points, o.team_points AS opponent_points,
    t.team_fga, t.team_fta, t.team_tov, t.team_seconds,
    pl.current_line AS points_line, pl.opening_line, pl.line_source AS points_line_source
  FROM played_once AS p
  JOIN registry AS r USING (player_lookup)
  JOIN team_totals AS t USING (game_id, team_abbr)
  LEFT JOIN team_totals AS o ON o.game_id = p.game_id AND o.team_abbr = p.opponent_team_abbr
  LEFT JOIN prop_line AS pl USING (game_date, player_lookup)
),
final AS (
  SELECT
    c.*,
    c.primary_source = 'bdl_boxscores' AS used_fallback,
    -- exact seconds, not the rounded minutes_played
    100 * ((c.field_goals_attempted + 0.44 * c.free_throws_attempted + c.turnovers) * (c.team_seconds / 60 / 5))
      / NULLIF((c.seconds_played / 60) * (c.team_fga + 0.44 * c.team_fta + c.team_tov), 0) AS usage_raw,
    ARRAY_CONCAT(
      IF(c.primary_source = 'bdl_boxscores', ['backup_source_used'], ARRAY<STRING>[]),
      IF(c.opponent_points IS NULL, ['opponent_box_score_missing'], ARRAY<STRING>[])
    ) AS issues
  FROM rows_computed AS c
)
SELECT
  f.player_lookup,
  f.universal_player_id,
  f.player_full_name,
  f.game_id,
  f.game_date,
  f.team_abbr,
  f.opponent_team_abbr,
  COALESCE(f.season_year,
           IF(EXTRACT(MONTH FROM f.game_date) >= 10, EXTRACT(YEAR FROM f.game_date),
              EXTRACT(YEAR FROM f.game_date) - 1)) AS season_year,
  f.home_game,

  f.points,
  CAST(FLOOR((f.seconds_played + 3) / 6) / 10 AS NUMERIC) AS minutes_played,
  f.assists,
  f.offensive_rebounds,
  f.defensive_rebounds,
  f.steals,
  f.blocks,
  f.turnovers,
  f.field_goals_attempted AS fg_attempts,
  f.field_goals_made AS fg_makes,
  f.three_pointers_attempted AS three_pt_attempts,
  f.three_pointers_made AS three_pt_makes,
  f.free_throws_attempted AS ft_attempts,
  f.free_throws_made AS ft_makes,
  f.plus_minus,
  f.personal_fouls,

  -- beyond NUMERIC(6,2) a usage rate is noise from a seconds-long stint, not data
  CAST(IF(ABS(f.usage_raw) < 10000, ROUND(f.usage_raw, 2), NULL) AS NUMERIC) AS usage_rate,
  CAST(ROUND(f.points / NULLIF(2 * (f.field_goals_attempted + 0.44 * f.free_throws_attempted), 0), 3)
       AS NUMERIC) AS ts_pct,
  CAST(ROUND((f.field_goals_made + 0.5 * f.three_pointers_made) / NULLIF(f.field_goals_attempted, 0), 3)
       AS NUMERIC) AS efg_pct,
  COALESCE(f.seconds_played > 20 * 60, FALSE) AS starter_flag,
  COALESCE(f.team_points > f.opponent_points, FALSE) AS win_flag,

  CAST(ROUND(f.points_line, 1) AS NUMERIC) AS points_line,
  -- a points total equal to the line is a push, neither over nor under
  CASE WHEN f.points IS NULL OR f.points_line IS NULL THEN NULL
       WHEN f.points > f.points_line THEN 'OVER'
       WHEN f.points < f.points_line THEN 'UNDER'
       ELSE 'PUSH' END AS over_under_result,
  CAST(ROUND(f.points - f.points_line, 2) AS NUMERIC) AS margin,
  CAST(ROUND(f.opening_line, 1) AS NUMERIC) AS opening_line,
  CAST(ROUND(f.points_line - f.opening_line, 1) AS NUMERIC) AS line_movement,
  f.points_line_source,
  IF(f.opening_line IS NOT NULL, f.points_line_source, NULL) AS opening_line_source,

  TRUE AS is_active,
  f.player_status,

  sc.source_nbac_last_updated, sc.source_nbac_rows_found, sc.source_nbac_completeness_pct,
  sc.source_nbac_hash,
  sc.source_bdl_last_updated, sc.source_bdl_rows_found, sc.source_bdl_completeness_pct,
  sc.source_bdl_hash,
  sc.source_bbd_last_updated, sc.source_bbd_rows_found, sc.source_bbd_completeness_pct,
  sc.source_bbd_hash,
  sc.source_nbac_pbp_last_updated, sc.source_nbac_pbp_rows_found, sc.source_nbac_pbp_completeness_pct,
  sc.source_nbac_pbp_hash,
  sc.source_odds_last_updated, sc.source_odds_rows_found, sc.source_odds_completeness_pct,
  sc.source_odds_hash,
  sc.source_bp_last_updated, sc.source_bp_rows_found, sc.source_bp_completeness_pct,
  sc.source_bp_hash,

  IF(f.used_fallback, 'silver', 'gold') AS data_quality_tier,
  f.primary_source AS primary_source_used,
  ARRAY_LENGTH(f.issues) > 0 AS processed_with_issues,

  IF(f.used_fallback, 'silver', 'gold') AS quality_tier,
  IF(f.used_fallback, 85.0, 100.0) AS quality_score,
  f.issues AS quality_issues,
  [f.primary_source] AS data_sources,
  f.used_fallback AS quality_used_fallback,
  FALSE AS quality_reconstructed,
  CURRENT_TIMESTAMP() AS quality_calculated_at,
  TO_JSON(STRUCT([f.primary_source] AS sources_used, FALSE AS early_season)) AS quality_metadata,
  TRUE AS is_production_ready,
  f.issues AS data_quality_issues,

  SUBSTR(TO_HEX(SHA256(ARRAY_TO_STRING([
    f.game_id, f.player_lookup, f.team_abbr, f.primary_source,
    CAST(f.seconds_played AS STRING), CAST(f.points AS STRING), CAST(f.assists AS STRING),
    CAST(f.offensive_rebounds AS STRING), CAST(f.defensive_rebounds AS STRING),
    CAST(f.steals AS STRING), CAST(f.blocks AS STRING), CAST(f.turnovers AS STRING),
    CAST(f.personal_fouls AS STRING), CAST(f.field_goals_made AS STRING),
    CAST(f.field_goals_attempted AS STRING), CAST(f.three_pointers_made AS STRING),
    CAST(f.three_pointers_attempted AS STRING), CAST(f.free_throws_made AS STRING),
    CAST(f.free_throws_attempted AS STRING), CAST(f.plus_minus AS STRING),
    f.points_line_source, CAST(CAST(ROUND(f.points_line * 10) AS INT64) AS STRING)
  ], '|', 'NULL'))), 1, 16) AS data_hash,
  CURRENT_TIMESTAMP() AS processed_at
FROM final AS f
LEFT JOIN source_columns AS sc USING (game_date)
