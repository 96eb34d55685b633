-- Phase 4 completeness tracking (domain-spec §6): how many of the expected upstream games a row
-- saw, whether it is production ready, and the reprocessing / circuit-breaker state behind that.
-- Same 14 columns, same order, in every Phase 3 context and Phase 4 table that tracks completeness.
expected_games_count INT64,
actual_games_count INT64,
completeness_percentage FLOAT64,
missing_games_count INT64,
is_production_ready BOOLEAN,
data_quality_issues ARRAY<STRING>,
last_reprocess_attempt_at TIMESTAMP,
reprocess_attempt_count INT64,
circuit_breaker_active BOOLEAN,
circuit_breaker_until TIMESTAMP,
manual_override_required BOOLEAN,
season_boundary_detected BOOLEAN,
backfill_bootstrap_mode BOOLEAN,
processing_decision_reason STRING
