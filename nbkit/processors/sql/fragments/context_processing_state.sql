-- context_processing_state: production's reprocessing and circuit-breaker columns as the Phase 3
-- context processors write them: never reprocessed, no breaker, no manual override, always
-- processed; season boundary and bootstrap mode as the completeness checker defines them.
-- SELECT columns; reads season_boundary and bootstrap of the including SELECT's row f.
CAST(NULL AS TIMESTAMP) AS last_reprocess_attempt_at,
0 AS reprocess_attempt_count,
FALSE AS circuit_breaker_active,
CAST(NULL AS TIMESTAMP) AS circuit_breaker_until,
FALSE AS manual_override_required,
f.season_boundary AS season_boundary_detected,
f.bootstrap AS backfill_bootstrap_mode,
'processed_successfully' AS processing_decision_reason
