-- injury_reports: each player's latest confident injury report for a requested game date, in
-- injuries (game_date, team, player_lookup, injury_status lower-cased, reason); reports are read
-- from up to 7 days before the first requested date.
injuries AS (
  SELECT game_date, team, player_lookup, LOWER(injury_status) AS injury_status, reason
  FROM `nba_raw.nbac_injury_report`
  WHERE report_date BETWEEN DATE_SUB((SELECT MIN(d) FROM UNNEST(@dates) AS d), INTERVAL 7 DAY)
                        AND (SELECT MAX(d) FROM UNNEST(@dates) AS d)
    AND game_date IN UNNEST(@dates) AND report_date <= game_date
    AND player_lookup IS NOT NULL AND confidence_score >= 0.8
  QUALIFY ROW_NUMBER() OVER (PARTITION BY game_date, player_lookup
                             ORDER BY report_date DESC, report_hour DESC, processed_at DESC,
                                      injury_status) = 1
)
