/* nbkit processor
name: team_points
stage: 5
target: my_analytics.team_points
date_column: game_date
keys: game_date, game_id, team_abbr
description: Points per team and game, from the player box scores
*/
SELECT game_date, game_id, team_abbr,
       SUM(points) AS points,
       COUNT(*) AS players
FROM nba_analytics.player_game_summary
WHERE game_date IN UNNEST(@dates)
GROUP BY game_date, game_id, team_abbr
