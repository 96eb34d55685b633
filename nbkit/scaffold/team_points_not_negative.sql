/* nbkit check
name: team_points_not_negative
processor: team_points
severity: blocking
description: no team scores fewer than 0 points
*/
SELECT game_date, game_id, team_abbr, points
FROM my_analytics.team_points
WHERE game_date IN UNNEST(@dates) AND (points IS NULL OR points < 0)
