-- phase4_processing_state: production's reprocessing and circuit-breaker columns as a set-based
-- Phase 4 processor writes them: never reprocessed, no breaker, no manual override, never in
-- bootstrap mode (bootstrap dates produce no rows); a season boundary by month (October,
-- November, April); a thin sample is processed and flagged. SELECT columns, included with the
-- row's date column as its one name, e.g. phase4_processing_state(analysis_date); reads
-- early_season of the including SELECT.
0 AS reprocess_attempt_count,
FALSE AS circuit_breaker_active,
FALSE AS manual_override_required,
EXTRACT(MONTH FROM {name}) IN (10, 11, 4) AS season_boundary_detected,
FALSE AS backfill_bootstrap_mode,
IF(early_season, 'processed_thin_sample_flagged', 'processed_successfully') AS processing_decision_reason
