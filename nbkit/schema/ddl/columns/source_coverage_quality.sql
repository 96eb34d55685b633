-- The 9 quality columns of the repo's source_coverage_quality_columns.sql (domain-spec §6), as
-- every Phase 3 table carries them: tier, score, issues, sources, sample size, fallback and
-- reconstruction flags, when calculated, and free-form metadata.
quality_tier STRING,
quality_score FLOAT64,
quality_issues ARRAY<STRING>,
data_sources ARRAY<STRING>,
quality_sample_size INT64,
quality_used_fallback BOOL,
quality_reconstructed BOOL,
quality_calculated_at TIMESTAMP,
quality_metadata JSON
