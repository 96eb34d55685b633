-- Lineage of one upstream source (domain-spec §6): when it was last updated, the rows found, how
-- complete it was and its hash. Parameterised: source_lineage(nbac, bdl) repeats the four columns
-- per source, in that order, as source_nbac_last_updated ... source_bdl_hash.
source_{name}_last_updated TIMESTAMP,
source_{name}_rows_found INT64,
source_{name}_completeness_pct NUMERIC(5,2),
source_{name}_hash STRING
