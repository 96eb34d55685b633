-- nba_reference.nba_players_registry: domain-spec §1.11 (schemas/bigquery/nba_reference/nba_players_registry_table.sql).
-- Unpartitioned; grain one row per player x team x season. Kept apart from nba_reference.sql because it is Phase 2
-- reference data built from the gamebook, not a processor output.

CREATE TABLE IF NOT EXISTS `nba_reference.nba_players_registry` (
  universal_player_id STRING NOT NULL,
  player_name STRING NOT NULL,
  player_lookup STRING NOT NULL,
  team_abbr STRING NOT NULL,
  season STRING NOT NULL,
  first_game_date DATE,
  last_game_date DATE,
  games_played INT64,
  total_appearances INT64,
  inactive_appearances INT64,
  dnp_appearances INT64,
  jersey_number INT64,
  position STRING,
  last_roster_update DATE,
  source_priority STRING,
  confidence_score FLOAT64,
  last_processor STRING,
  last_gamebook_activity_date DATE,
  last_roster_activity_date DATE,
  gamebook_update_count INT64,
  roster_update_count INT64,
  created_by STRING,
  created_at TIMESTAMP,
  processed_at TIMESTAMP
)
CLUSTER BY player_lookup, season, team_abbr
OPTIONS(
  description="Authoritative registry of NBA players built from gamebook data, one row per player_lookup x team_abbr x season ('2023-24'). universal_player_id ('lebronjames_001') is stable across teams and seasons; player_game_summary maps player_lookup to it and drops players missing here."
);
