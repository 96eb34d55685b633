-- team_shot_zones: NBA.com play-by-play field goals of the requested dates, per shooting team
-- and game in `zones`; `pbp_games` lists the games that have play-by-play at all.
pbp_shots AS (
  SELECT game_id, player_1_team_abbr AS team_abbr, shot_type, shot_distance, shot_made
  FROM `nba_raw.nbac_play_by_play`
  WHERE game_date IN UNNEST(@dates) AND event_type = 'fieldgoal' AND shot_made IS NOT NULL
  QUALIFY ROW_NUMBER() OVER (PARTITION BY game_id, event_id ORDER BY processed_at DESC, data_hash DESC) = 1
),
zones AS (
  -- paint = 2PT within 8 ft, mid-range = longer 2PT (production's cut; no-coordinate shots read 0.0 ft)
  SELECT game_id, team_abbr,
         COUNTIF(shot_type = '2PT' AND shot_distance <= 8.0) AS paint_attempts,
         COUNTIF(shot_type = '2PT' AND shot_distance <= 8.0 AND shot_made) AS paint_makes,
         COUNTIF(shot_type = '2PT' AND shot_distance > 8.0) AS mid_range_attempts,
         COUNTIF(shot_type = '2PT' AND shot_distance > 8.0 AND shot_made) AS mid_range_makes
  FROM pbp_shots
  GROUP BY game_id, team_abbr
),
pbp_games AS (
  SELECT DISTINCT game_id FROM pbp_shots
)
