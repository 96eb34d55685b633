"""DDL of the processor output tables and run history (nbkit/schema/ddl).

Self-contained but for rendering the column-group includes (nbkit.schema.columns): the .sql
files are parsed here with sqlglot, not through the registry, and checked
against domain-spec §3 (tables, partitions, columns read and written), §5 (run history),
§6 (source-tracking, completeness and quality columns), §8 D13 (no partition expiry) and
§9 (deterministic keys). Every file must also run in DuckDB after translation.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
import sqlglot
from sqlglot import exp

from nbkit.schema.columns import render

DDL_DIR = Path(__file__).resolve().parents[2] / "nbkit" / "schema" / "ddl"
PROJECT = ""  # the DDL names no project: the warehouse qualifies every table
FILES = ("nba_analytics.sql", "nba_precompute.sql", "nba_predictions.sql", "nba_reference.sql")

PGS = "nba_analytics.player_game_summary"
TOGS = "nba_analytics.team_offense_game_summary"
TDGS = "nba_analytics.team_defense_game_summary"
UPGC = "nba_analytics.upcoming_player_game_context"
UTGC = "nba_analytics.upcoming_team_game_context"
TDZA = "nba_precompute.team_defense_zone_analysis"
PSZA = "nba_precompute.player_shot_zone_analysis"
PCF = "nba_precompute.player_composite_factors"
PDC = "nba_precompute.player_daily_cache"
MLFS = "nba_predictions.ml_feature_store_v2"
PRH = "nba_reference.processor_run_history"
UNRESOLVED = "nba_reference.unresolved_player_names"
COVERAGE_LOG = "nba_reference.source_coverage_log"

PHASE3 = (PGS, TOGS, TDGS, UPGC, UTGC)
PHASE4 = (TDZA, PSZA, PCF, PDC, MLFS)

PARTITIONS = {
    PGS: "game_date", TOGS: "game_date", TDGS: "game_date", UPGC: "game_date", UTGC: "game_date",
    TDZA: "analysis_date", PSZA: "analysis_date", PCF: "game_date", PDC: "cache_date",
    MLFS: "game_date", PRH: "data_date", UNRESOLVED: "first_seen_date",
}

# §9: keys of the set-based (partition-overwrite) writes.
KEYS = {
    PGS: ("game_date", "game_id", "player_lookup"),
    TOGS: ("game_date", "game_id", "team_abbr"),
    TDGS: ("game_date", "game_id", "defending_team_abbr"),
    UPGC: ("game_date", "player_lookup", "game_id"),
    UTGC: ("game_date", "game_id", "team_abbr"),
    TDZA: ("analysis_date", "team_abbr"),
    PSZA: ("analysis_date", "player_lookup"),
    PCF: ("game_date", "player_lookup", "game_id"),
    PDC: ("cache_date", "player_lookup"),
    MLFS: ("game_date", "player_lookup", "feature_version"),
}

# §5, in DDL order.
RUN_HISTORY_COLUMNS = [
    ("processor_name", "STRING"), ("run_id", "STRING"), ("season_year", "INT64"), ("status", "STRING"),
    ("duration_seconds", "FLOAT64"), ("records_processed", "INT64"), ("records_created", "INT64"),
    ("records_updated", "INT64"), ("records_skipped", "INT64"), ("data_source_primary", "STRING"),
    ("data_source_enhancement", "STRING"), ("data_records_queried", "INT64"), ("validation_mode", "STRING"),
    ("validation_skipped_reason", "STRING"), ("source_data_freshness_days", "INT64"),
    ("espn_roster_date", "DATE"), ("nbacom_source_date", "DATE"), ("br_scrape_date", "DATE"),
    ("gamebook_pdf_date", "DATE"), ("espn_matched_requested_date", "BOOLEAN"),
    ("nbacom_matched_requested_date", "BOOLEAN"), ("br_matched_requested_date", "BOOLEAN"),
    ("gamebook_matched_requested_date", "BOOLEAN"), ("used_source_fallback", "BOOLEAN"),
    ("season_filter", "STRING"), ("team_filter", "STRING"), ("date_range_filter_start", "DATE"),
    ("date_range_filter_end", "DATE"), ("backfill_mode", "BOOLEAN"), ("force_reprocess", "BOOLEAN"),
    ("test_mode", "BOOLEAN"), ("execution_host", "STRING"), ("triggered_by", "STRING"), ("errors", "JSON"),
    ("warnings", "JSON"), ("summary", "JSON"), ("data_date", "DATE"), ("started_at", "TIMESTAMP"),
    ("processed_at", "TIMESTAMP"), ("phase", "STRING"), ("output_table", "STRING"),
    ("output_dataset", "STRING"), ("trigger_source", "STRING"), ("trigger_message_id", "STRING"),
    ("trigger_message_data", "JSON"), ("parent_processor", "STRING"), ("upstream_dependencies", "JSON"),
    ("dependency_check_passed", "BOOLEAN"), ("missing_dependencies", "JSON"), ("stale_dependencies", "JSON"),
    ("alert_sent", "BOOLEAN"), ("alert_type", "STRING"), ("cloud_run_service", "STRING"),
    ("cloud_run_revision", "STRING"), ("retry_attempt", "INT64"), ("skipped", "BOOLEAN"),
    ("skip_reason", "STRING"),
]

QUALITY_COLUMNS = {
    "quality_tier": "STRING", "quality_score": "FLOAT64", "quality_issues": "ARRAY<STRING>",
    "data_sources": "ARRAY<STRING>", "quality_sample_size": "INT64", "quality_used_fallback": "BOOLEAN",
    "quality_reconstructed": "BOOLEAN", "quality_calculated_at": "TIMESTAMP", "quality_metadata": "JSON",
}

COMPLETENESS_COLUMNS = {
    "expected_games_count": "INT64", "actual_games_count": "INT64", "completeness_percentage": "FLOAT64",
    "missing_games_count": "INT64", "is_production_ready": "BOOLEAN", "data_quality_issues": "ARRAY<STRING>",
    "last_reprocess_attempt_at": "TIMESTAMP", "reprocess_attempt_count": "INT64",
    "circuit_breaker_active": "BOOLEAN", "circuit_breaker_until": "TIMESTAMP",
    "manual_override_required": "BOOLEAN", "season_boundary_detected": "BOOLEAN",
    "backfill_bootstrap_mode": "BOOLEAN", "processing_decision_reason": "STRING",
}

WINDOWS = {UPGC: ("l5", "l10", "l7d", "l14d", "l30d"), PDC: ("l5", "l10", "l7d", "l14d"), UTGC: ("l7d", "l14d")}

# Dependency field_prefix values of each processor (§3).
SOURCE_PREFIXES = {
    PGS: ("source_nbac", "source_bdl", "source_bbd", "source_nbac_pbp", "source_odds", "source_bp"),
    TOGS: ("source_nbac_boxscore", "source_play_by_play"),
    TDGS: ("source_team_boxscore", "source_gamebook_players", "source_bdl_players"),
    UPGC: ("source_props", "source_boxscore", "source_schedule", "source_game_lines"),
    UTGC: ("source_nbac_schedule", "source_odds_lines", "source_injury_report"),
    TDZA: ("source_team_defense",),
    PSZA: ("source_player_game",),
    PCF: ("source_player_context", "source_team_context", "source_player_shot", "source_team_defense"),
    PDC: ("source_player_game", "source_team_offense", "source_upcoming_context", "source_shot_zone"),
    MLFS: ("source_daily_cache", "source_composite", "source_shot_zones", "source_team_defense"),
}
SOURCE_SUFFIXES = {"_last_updated": "TIMESTAMP", "_rows_found": "INT64",
                   "_completeness_pct": "NUMERIC(5,2)", "_hash": "STRING"}

# Columns that processors of §3 (and the completeness checker, §2.4) read from each output table.
READ_BY_DOWNSTREAM = {
    PGS: ("player_lookup", "universal_player_id", "team_abbr", "season_year", "is_active", "minutes_played",
          "points", "fg_makes", "fg_attempts", "three_pt_attempts", "three_pt_makes", "ft_makes",
          "paint_attempts", "paint_makes", "mid_range_attempts", "mid_range_makes", "assisted_fg_makes",
          "unassisted_fg_makes", "usage_rate", "ts_pct"),
    TOGS: ("team_abbr", "season_year", "win_flag", "pace", "offensive_rating"),
    TDGS: ("defending_team_abbr", "opp_paint_attempts", "opp_paint_makes", "opp_mid_range_attempts",
           "opp_mid_range_makes", "opp_three_pt_attempts", "opp_three_pt_makes", "points_in_paint_allowed",
           "blocks_paint", "blocks_mid_range", "blocks_three_pt", "points_allowed", "defensive_rating",
           "opponent_pace"),
    UPGC: ("player_lookup", "universal_player_id", "game_id", "team_abbr", "opponent_team_abbr", "home_game",
           "days_rest", "back_to_back", "season_phase", "player_status", "opponent_days_rest", "has_prop_line",
           "current_points_line", "games_in_last_7_days", "games_in_last_14_days", "minutes_in_last_7_days",
           "minutes_in_last_14_days", "avg_minutes_per_game_last_7", "back_to_backs_last_14_days",
           "fourth_quarter_minutes_last_7", "player_age", "projected_usage_rate", "avg_usage_rate_last_7_games",
           "star_teammates_out", "pace_differential", "opponent_pace_last_10", "is_production_ready"),
    UTGC: ("team_abbr", "game_id", "game_total", "game_spread", "is_production_ready"),
    TDZA: ("team_abbr", "paint_defense_vs_league_avg", "mid_range_defense_vs_league_avg",
           "three_pt_defense_vs_league_avg", "weakest_zone", "defensive_rating_last_15", "opponent_pace",
           "is_production_ready"),
    PSZA: ("player_lookup", "primary_scoring_zone", "paint_rate_last_10", "mid_range_rate_last_10",
           "three_pt_rate_last_10", "early_season_flag", "is_production_ready"),
    PCF: ("player_lookup", "opponent_team_abbr", "fatigue_score", "shot_zone_mismatch_score", "pace_score",
          "usage_spike_score", "is_production_ready"),
    PDC: ("player_lookup", "points_avg_last_5", "points_avg_last_10", "points_avg_season", "points_std_last_10",
          "games_in_last_7_days", "minutes_avg_last_10", "paint_rate_last_10", "three_pt_rate_last_10",
          "assisted_rate_last_10", "team_pace_last_10", "team_off_rating_last_10", "player_age",
          "is_production_ready"),
}

# §6: keys the processors emit that the repo DDL lacked.
EMITTED_BEYOND_REPO_DDL = {
    PGS: ("is_production_ready", "data_quality_issues"),
    TOGS: ("is_production_ready", "data_quality_issues"),
    TDGS: ("is_production_ready", "data_quality_issues"),
    PDC: ("quality_tier", "quality_score"),
    MLFS: ("quality_tier",),
}


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    not_null: bool


@dataclass(frozen=True)
class Table:
    file: str
    project: str
    dataset: str
    name: str
    columns: tuple[Column, ...]
    partition: str
    cluster: tuple[str, ...]
    options: dict
    tree: exp.Create

    @property
    def fqn(self) -> str:
        return f"{self.dataset}.{self.name}"

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


def _type(text: str) -> str:
    """Canonical BigQuery spelling of a type, e.g. BOOL for BOOLEAN, NUMERIC(5, 2) for NUMERIC(5,2)."""
    return exp.DataType.build(text, dialect="bigquery").sql("bigquery")


def _parse(file: str) -> list[exp.Expression]:
    logging.getLogger("sqlglot").setLevel(logging.ERROR)
    ddl = render((DDL_DIR / file).read_text(), file)
    return [t for t in sqlglot.parse(ddl, read="bigquery") if t is not None]


def _table(file: str, tree: exp.Create) -> Table:
    target = tree.this.this
    props = tree.args["properties"].expressions
    partition = next(p for p in props if isinstance(p, exp.PartitionedByProperty))
    cluster = next((p for p in props if isinstance(p, exp.ClusterProperty)), None)
    options = {p.name: p.args["value"] for p in props if type(p) is exp.Property}
    columns = tuple(
        Column(d.name, d.args["kind"].sql("bigquery"),
               any(isinstance(c.kind, exp.NotNullColumnConstraint) for c in d.constraints))
        for d in tree.this.expressions if isinstance(d, exp.ColumnDef))
    return Table(file, target.catalog, target.db, target.name, columns, partition.this.sql("bigquery"),
                 tuple(c.name for c in cluster.expressions) if cluster else (), options, tree)


def _load() -> dict[str, Table]:
    tables: dict[str, Table] = {}
    for file in FILES:
        for tree in _parse(file):
            assert isinstance(tree, exp.Create) and tree.kind == "TABLE", f"{file}: {tree.sql()[:80]}"
            table = _table(file, tree)
            assert table.fqn not in tables, f"{table.fqn} defined twice"
            tables[table.fqn] = table
    return tables


@pytest.fixture(scope="module")
def tables() -> dict[str, Table]:
    return _load()


def _assert_columns(table: Table, expected: dict[str, str]) -> None:
    problems = []
    for name, type_ in expected.items():
        col = table.column(name)
        if col is None:
            problems.append(f"missing {name}")
        elif col.type != _type(type_):
            problems.append(f"{name} is {col.type}, expected {_type(type_)}")
    assert not problems, f"{table.fqn}: {problems}"


# --------------------------------------------------------------------------- structure

@pytest.mark.parametrize("file", FILES)
def test_file_is_create_table_statements_with_partition_cluster_and_description(file):
    trees = _parse(file)
    assert trees, f"{file} has no statement"
    for tree in trees:
        assert isinstance(tree, exp.Create) and tree.kind == "TABLE"
        assert tree.args.get("exists"), "expected CREATE TABLE IF NOT EXISTS"
        table = _table(file, tree)
        assert table.project == PROJECT
        assert table.dataset == Path(file).stem
        assert table.cluster, f"{table.fqn} has no CLUSTER BY"
        assert all(table.column(c) for c in table.cluster), f"{table.fqn}: unknown cluster column"
        assert table.options.get("description") and table.options["description"].name.strip()
        names = [c.name for c in table.columns]
        assert len(names) == len(set(names)), f"{table.fqn}: duplicate column"


@pytest.mark.parametrize("fqn,column", sorted(PARTITIONS.items()))
def test_table_exists_partitioned_by_its_date_column(tables, fqn, column):
    assert fqn in tables, f"{fqn} not defined in {FILES}"
    table = tables[fqn]
    assert table.partition == column
    col = table.column(column)
    assert col is not None and col.type == "DATE" and col.not_null


def test_source_coverage_log_is_partitioned_on_the_event_date(tables):
    table = tables[COVERAGE_LOG]
    assert table.partition == "DATE(event_timestamp)"
    assert table.column("event_timestamp").type == "TIMESTAMP"
    assert table.options["require_partition_filter"].this is True


def test_team_offense_requires_a_partition_filter_as_in_production(tables):
    assert tables[TOGS].options["require_partition_filter"].this is True


def test_players_registry_is_left_to_its_own_file(tables):
    assert "nba_reference.nba_players_registry" not in tables


@pytest.mark.parametrize("fqn", sorted(KEYS))
def test_deterministic_keys_exist_and_are_not_null(tables, fqn):
    table = tables[fqn]
    for key in KEYS[fqn]:
        col = table.column(key)
        assert col is not None, f"{fqn}: key column {key} missing"
        assert col.not_null, f"{fqn}: key column {key} is nullable"


def test_no_partition_expiration_in_any_ddl_file():
    files = sorted(DDL_DIR.glob("*.sql"))
    assert {f.name for f in files} >= set(FILES)
    for path in files:
        code = re.sub(r"--[^\n]*", "", render(path.read_text(), path.name))
        assert "partition_expiration_days" not in code.lower(), f"{path.name} sets a partition expiry (D13)"


# --------------------------------------------------------------------------- run history

def test_processor_run_history_has_the_57_production_columns_in_order(tables):
    table = tables[PRH]
    assert [(c.name, c.type) for c in table.columns] == [(n, _type(t)) for n, t in RUN_HISTORY_COLUMNS]
    assert len(table.columns) == 57
    assert {c.name for c in table.columns if c.not_null} == {
        "processor_name", "run_id", "status", "data_date", "started_at"}
    assert table.cluster == ("processor_name", "status", "season_year")


def test_processor_run_history_accepts_the_running_and_final_rows_of_one_run(tables):
    # Same (processor_name, data_date, run_id, started_at) twice; the writer drops None-valued fields.
    con = _duckdb_with("nba_reference.sql")
    head = ("INSERT INTO nba_reference.processor_run_history (processor_name, run_id, status, data_date, "
            "started_at{}) VALUES ('PlayerGameSummaryProcessor', "
            "'PlayerGameSummaryProcessor_20251201_010203_abcd1234', ?, DATE '2024-11-01', "
            "TIMESTAMP '2025-12-01 01:02:03'{})")
    con.execute(head.format("", ""), ["running"])
    con.execute(head.format(", processed_at, records_processed, errors", ", ?, ?, ?"),
                ["failed", "2025-12-01 01:02:09", 0, '[{"error_type": "ValueError", "error_message": "boom"}]'])
    rows = con.execute("SELECT status, records_processed, backfill_mode, errors->0->>'error_message' "
                       "FROM nba_reference.processor_run_history ORDER BY processed_at NULLS FIRST").fetchall()
    assert rows == [("running", 0, False, None), ("failed", 0, False, "boom")]


# --------------------------------------------------------------------------- §6 column families

@pytest.mark.parametrize("fqn", PHASE3)
def test_phase3_tables_have_the_nine_quality_columns(tables, fqn):
    _assert_columns(tables[fqn], QUALITY_COLUMNS)


@pytest.mark.parametrize("fqn", PHASE4)
def test_phase4_tables_have_the_early_season_columns(tables, fqn):
    _assert_columns(tables[fqn], {"early_season_flag": "BOOLEAN", "insufficient_data_reason": "STRING"})


@pytest.mark.parametrize("fqn", (UPGC, UTGC) + PHASE4)
def test_completeness_block(tables, fqn):
    _assert_columns(tables[fqn], COMPLETENESS_COLUMNS)


@pytest.mark.parametrize("fqn", sorted(WINDOWS))
def test_multi_window_completeness(tables, fqn):
    expected = {"all_windows_complete": "BOOLEAN"}
    for window in WINDOWS[fqn]:
        expected |= {f"{window}_completeness_pct": "FLOAT64", f"{window}_is_complete": "BOOLEAN"}
    _assert_columns(tables[fqn], expected)


@pytest.mark.parametrize("fqn,prefix", [(t, p) for t, ps in sorted(SOURCE_PREFIXES.items()) for p in ps])
def test_source_tracking_columns_per_dependency(tables, fqn, prefix):
    _assert_columns(tables[fqn], {prefix + suffix: type_ for suffix, type_ in SOURCE_SUFFIXES.items()})


@pytest.mark.parametrize("fqn", PHASE3 + PHASE4)
def test_output_tables_carry_processing_metadata(tables, fqn):
    table = tables[fqn]
    _assert_columns(table, {"data_hash": "STRING", "processed_at": "TIMESTAMP", "is_production_ready": "BOOLEAN"})
    assert table.columns[-1].name == "processed_at"


@pytest.mark.parametrize("fqn", sorted(EMITTED_BEYOND_REPO_DDL))
def test_keys_emitted_by_processors_but_missing_from_repo_ddl_are_present(tables, fqn):
    missing = [c for c in EMITTED_BEYOND_REPO_DDL[fqn] if tables[fqn].column(c) is None]
    assert not missing, f"{fqn}: {missing}"


@pytest.mark.parametrize("fqn", sorted(READ_BY_DOWNSTREAM))
def test_columns_read_by_downstream_processors_exist(tables, fqn):
    missing = [c for c in READ_BY_DOWNSTREAM[fqn] if tables[fqn].column(c) is None]
    assert not missing, f"{fqn}: {missing}"


# --------------------------------------------------------------------------- specific columns

def test_player_game_summary_numeric_choices(tables):
    _assert_columns(tables[PGS], {"minutes_played": "NUMERIC(5,1)", "usage_rate": "NUMERIC(6,2)",
                                  "ts_pct": "NUMERIC(5,3)", "efg_pct": "NUMERIC(5,3)",
                                  "points_line": "NUMERIC(4,1)", "margin": "NUMERIC(6,2)"})
    for name in ("starter_flag", "win_flag", "is_active"):
        assert tables[PGS].column(name).not_null


def test_ml_feature_store_feature_columns(tables):
    _assert_columns(tables[MLFS], {"features": "ARRAY<FLOAT64>", "feature_names": "ARRAY<STRING>",
                                   "feature_version": "STRING", "feature_count": "INT64",
                                   "feature_quality_score": "NUMERIC(5,2)", "data_source": "STRING",
                                   "feature_generation_time_ms": "INT64", "is_home": "BOOLEAN"})


def test_composite_factors_scores_and_dates(tables):
    table = tables[PCF]
    scores = ("shot_zone_mismatch_score", "pace_score", "usage_spike_score", "referee_favorability_score",
              "look_ahead_pressure_score", "travel_impact_score", "opponent_strength_score")
    _assert_columns(table, {"fatigue_score": "INT64", "total_composite_adjustment": "NUMERIC(5,2)",
                            "calculation_version": "STRING", "data_completeness_pct": "NUMERIC(5,2)",
                            "missing_data_fields": "STRING", "has_warnings": "BOOLEAN",
                            "warning_details": "STRING", "game_date": "DATE", "analysis_date": "DATE"})
    assert all(table.column(s) for s in scores)
    assert all(table.column(f"{k}_context_json") for k in ("fatigue", "shot_zone", "pace", "usage"))


def test_daily_cache_has_no_analysis_date(tables):
    assert tables[PDC].column("analysis_date") is None


def test_sample_size_columns(tables):
    _assert_columns(tables[TDZA], {"games_in_sample": "INT64", "data_quality_tier": "STRING"})
    _assert_columns(tables[PSZA], {"games_in_sample_10": "INT64", "games_in_sample_20": "INT64",
                                   "sample_quality_10": "STRING", "sample_quality_20": "STRING",
                                   "data_quality_tier": "STRING"})


# --------------------------------------------------------------------------- DuckDB

def _duckdb_with(*files: str) -> duckdb.DuckDBPyConnection:
    """A fresh in-memory DuckDB holding the given files, the project part of each name dropped."""
    con = duckdb.connect()
    for file in files:
        con.execute(f'CREATE SCHEMA IF NOT EXISTS "{Path(file).stem}"')
        for tree in _parse(file):
            for table in tree.find_all(exp.Table):
                table.set("catalog", None)
            con.execute(tree.sql("duckdb"))
    return con


@pytest.mark.parametrize("file", FILES)
def test_file_executes_in_duckdb_after_translation(tables, file):
    con = _duckdb_with(file)
    for table in (t for t in tables.values() if t.file == file):
        described = con.execute(f'DESCRIBE "{table.dataset}"."{table.name}"').fetchall()
        assert [row[0] for row in described] == [c.name for c in table.columns]


def test_duckdb_round_trip_of_array_json_and_numeric_columns():
    con = _duckdb_with(*FILES)
    con.execute("""
        INSERT INTO nba_predictions.ml_feature_store_v2
          (player_lookup, game_date, game_id, features, feature_names, feature_count, feature_version,
           data_source, data_quality_issues)
        VALUES ('lebronjames', DATE '2024-11-01', '20241101_LAL_TOR', ?, ?, 25, 'v1_baseline_25', 'mixed', [])
    """, [[float(i) for i in range(25)], [f"f{i}" for i in range(25)]])
    features, created_at = con.execute(
        "SELECT features, created_at FROM nba_predictions.ml_feature_store_v2").fetchone()
    assert features == [float(i) for i in range(25)] and created_at is not None

    con.execute("""
        INSERT INTO nba_analytics.player_game_summary
          (player_lookup, game_id, game_date, team_abbr, opponent_team_abbr, season_year, minutes_played,
           usage_rate, starter_flag, win_flag, is_active, quality_issues, quality_metadata)
        VALUES ('a', '20240215_LAL_GSW', DATE '2024-02-15', 'LAL', 'GSW', 2023, 31.5, 1329.8, TRUE, FALSE,
                TRUE, ['backup_source_used'], '{"sources_used": ["bdl_boxscores"], "early_season": false}')
    """)
    usage, minutes, source = con.execute(
        "SELECT usage_rate, minutes_played, quality_metadata->'sources_used'->>0 "
        "FROM nba_analytics.player_game_summary").fetchone()
    assert (usage, minutes, source) == (Decimal("1329.80"), Decimal("31.5"), "bdl_boxscores")

    with pytest.raises(duckdb.Error):  # NOT NULL key, as on BigQuery
        con.execute("INSERT INTO nba_precompute.player_daily_cache (player_lookup) VALUES ('a')")
