-- player_registry: one universal_player_id per player_lookup, in registry (a lookup may carry
-- several registry rows, one per team-season; the smallest id wins).
registry AS (
  SELECT player_lookup, MIN(universal_player_id) AS universal_player_id
  FROM `nba_reference.nba_players_registry`
  GROUP BY player_lookup
)
