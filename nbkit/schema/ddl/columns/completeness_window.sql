-- Completeness of one lookback window (domain-spec §6), e.g. l5 (last 5 games), l7d (last 7 days).
-- Parameterised: completeness_window(l5, l10, l7d) repeats the pair per window, in that order;
-- the table writes all_windows_complete after them.
{name}_completeness_pct FLOAT64,
{name}_is_complete BOOLEAN
