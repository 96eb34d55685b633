-- Static reference tables (nba_static): domain-spec §1.11. Unpartitioned, written once by the sample builder.

CREATE TABLE IF NOT EXISTS `nba_static.travel_distances` (
  from_team STRING NOT NULL,
  to_team STRING NOT NULL,
  from_city STRING,
  to_city STRING,
  -- Great-circle (haversine) distance between the two home arenas.
  distance_miles INT64 NOT NULL,
  time_zones_crossed INT64,
  travel_direction STRING,
  jet_lag_factor FLOAT64,
  created_at TIMESTAMP,
  updated_at TIMESTAMP
)
CLUSTER BY from_team, to_team
OPTIONS(
  description="Travel distances between the home arenas of all NBA teams, one row per ordered pair (30 x 29 = 870 rows). travel_direction is 'east', 'west' or 'neutral'; jet_lag_factor weights eastward travel 1.5x. Read by upcoming_team_game_context for travel_miles."
);
