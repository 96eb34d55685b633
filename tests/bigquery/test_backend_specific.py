"""What only the BigQuery backend has: job labels, one job per statement, the optional
client dependency, project-id checks, load-job staging of arrays/JSON/timestamps.

Tests using ``bigquery_warehouse`` run on the session's bqemulator (tests/bigquery/plugin.py)
and are marked ``bigquery``; the others need no emulator. The emulator does not store job
labels (jobs.get returns ``{}``), so labels are checked on the job configs nbkit sends.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import textwrap
from decimal import Decimal
from types import SimpleNamespace

import pandas as pd
import pytest

from nbkit import schema
from nbkit.errors import ConfigError, SqlError, WarehouseError
from nbkit.warehouse.bigquery import BigQueryWarehouse

PROJECT = "nba-props-platform"
SCHED = "nba_raw.nbac_schedule"
LEASES = "nba_reference.nbkit_writer_leases"
RUNS = "nba_reference.nbkit_runs"
FEATURES = "nba_predictions.ml_feature_store_v2"
UTC = dt.timezone.utc


@pytest.fixture
def jobs(bigquery_warehouse, monkeypatch):
    """Every query job the warehouse sends: (sql, QueryJobConfig), in order."""
    sent: list[tuple[str, object]] = []
    real_query = bigquery_warehouse.client.query

    def spy(sql, job_config=None, **kwargs):
        sent.append((sql, job_config))
        return real_query(sql, job_config=job_config, **kwargs)

    monkeypatch.setattr(bigquery_warehouse.client, "query", spy)
    return sent


def schedule(day: dt.date, n: int, tag: str = "a") -> pd.DataFrame:
    return pd.DataFrame({
        "game_id": [f"{tag}{day:%m%d}{i:03d}" for i in range(n)],
        "game_date": [day] * n, "season_year": [2023] * n, "game_status": [3] * n,
        "home_team_tricode": ["LAL"] * n, "away_team_tricode": ["BOS"] * n,
    })


# ---------------------------------------------------------------- no emulator needed

def test_missing_client_raises_missing_dependency_naming_the_extra(tmp_path):
    """google.cloud.bigquery made unimportable in a fresh interpreter."""
    code = textwrap.dedent("""
        import sys
        sys.modules["google.cloud.bigquery"] = None   # import now raises ImportError
        from nbkit.errors import MissingDependencyError
        from nbkit.warehouse import open_warehouse
        from nbkit.warehouse.bigquery import BigQueryWarehouse
        for make in (lambda: BigQueryWarehouse("nba-props-platform"),
                     lambda: open_warehouse("bigquery://nba-props-platform")):
            try:
                make()
            except MissingDependencyError as err:
                print("MISSING:", err)
            else:
                print("NO ERROR")
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert len(lines) == 2 and all(line.startswith("MISSING:") for line in lines), out.stdout
    assert all("nbkit[bigquery]" in line for line in lines)


class _Untouchable:
    """A client stand-in that fails the test if anything at all is asked of it."""

    def __getattr__(self, name):
        raise AssertionError(f"the client was used ({name}) before the project id was checked")


@pytest.mark.parametrize("bad", ["Nba-Props", "ab", "nba_props_platform", "1project", "x" * 31,
                                 "proj-", "", "nba-props-platform; DROP"])
def test_bad_project_id_is_refused_before_any_call(bad, monkeypatch):
    monkeypatch.setenv("NBKIT_BIGQUERY_ENDPOINT", "http://127.0.0.1:9")  # nothing listens
    with pytest.raises(ConfigError, match="project id"):
        BigQueryWarehouse(bad, client=_Untouchable())
    with pytest.raises(ConfigError, match="project id"):
        BigQueryWarehouse(bad)


def test_bad_project_id_in_url_is_refused():
    from nbkit.warehouse import open_warehouse

    with pytest.raises(ConfigError, match="project id"):
        open_warehouse("bigquery://Not_A_Project")


class _FakeJob:
    _ids = iter(range(1, 1_000_000))

    def __init__(self, sql, dml_stats=None, affected=None):
        self.sql, self.dml_stats, self.num_dml_affected_rows = sql, dml_stats, affected
        self.job_id = f"fake-{next(self._ids)}"

    def result(self, **_):  # nbkit passes job_retry=None: its own policy retries
        return self

    def to_dataframe(self, create_bqstorage_client=True):
        assert create_bqstorage_client is False  # the Storage API is not assumed
        return pd.DataFrame({c.name: pd.Series(dtype=object)
                             for c in schema.get_table(SCHED).columns[:6]})


class _FakeClient:
    """Records jobs; MERGE jobs report dmlStats, as BigQuery does."""

    def __init__(self):
        self.sent = []

    def query(self, sql, job_config=None, **_):
        self.sent.append((sql, job_config))
        stats = SimpleNamespace(inserted_row_count=3, deleted_row_count=5, updated_row_count=0)
        return _FakeJob(sql, stats if sql.startswith("MERGE") else None, 8)


def test_replace_is_one_merge_job_and_uses_dml_stats_when_present():
    client = _FakeClient()
    wh = BigQueryWarehouse(PROJECT, client=client, labels={"team": "nba"})
    select = f"SELECT * FROM `{PROJECT}.{SCHED}` WHERE game_date = @d"
    result = wh.replace_dates(SCHED, [dt.date(2023, 11, 1)], select, {"d": dt.date(2023, 11, 1)})
    assert (result.deleted, result.inserted) == (5, 3)  # from dmlStats: no extra count query
    merges = [(sql, cfg) for sql, cfg in client.sent if sql.startswith("MERGE")]
    assert len(merges) == 1 and len(client.sent) == 2  # column probe + the MERGE, nothing else
    params = {p.name: p for p in merges[0][1].query_parameters}
    assert set(params) == {"nbkit_dates", "d"}
    assert params["nbkit_dates"].array_type == "DATE"
    assert params["nbkit_dates"].values == [dt.date(2023, 11, 1)]
    assert all(cfg.labels == {"team": "nba"} for _, cfg in client.sent)


def test_statements_are_sent_as_written_one_job_each_with_only_their_parameters():
    client = _FakeClient()
    wh = BigQueryWarehouse(PROJECT, client=client)
    sql = ("DELETE FROM `p-roject.ds.t` WHERE d IN UNNEST(@days);\n"
           "-- second: a ';' inside a string must not split\n"
           "INSERT INTO `p-roject.ds.t` (s) VALUES (';'), (@s);")
    wh.execute(sql, {"days": [dt.date(2024, 1, 1)], "s": "x", "unused": 1})
    assert [text for text, _ in client.sent] == [
        "DELETE FROM `p-roject.ds.t` WHERE d IN UNNEST(@days)",
        "-- second: a ';' inside a string must not split\n"
        "INSERT INTO `p-roject.ds.t` (s) VALUES (';'), (@s)"]
    assert [[p.name for p in cfg.query_parameters] for _, cfg in client.sent] == [["days"], ["s"]]
    assert all(not cfg.labels for _, cfg in client.sent)  # no labels given: none sent


def test_missing_parameter_is_refused_before_any_job():
    client = _FakeClient()
    wh = BigQueryWarehouse(PROJECT, client=client)
    with pytest.raises(SqlError, match="@b"):
        wh.execute("SELECT @a; SELECT @b", {"a": 1})
    assert client.sent == []


# ---------------------------------------------------------------- on the emulator

def test_labels_are_set_on_every_job(bigquery_warehouse, jobs):
    labels = {"nbkit_run": "r-2024-01-02", "team": "nba"}
    wh = bigquery_warehouse
    wh.labels = dict(labels)
    wh.init_schema()
    wh.write_frame(SCHED, schedule(dt.date(2023, 11, 1), 2))
    assert wh.query(f"SELECT COUNT(*) AS n FROM `{PROJECT}.{SCHED}`")["n"].iloc[0] == 2
    assert jobs, "no query job was sent"
    assert any(sql.startswith("MERGE") for sql, _ in jobs)
    assert all(cfg is not None and cfg.labels == labels for _, cfg in jobs)
    # ...and they are in the request body the client sends (jobs.insert configuration)
    assert all(cfg.to_api_repr()["labels"] == labels for _, cfg in jobs)


def test_init_schema_on_empty_project_creates_every_table_then_sends_no_ddl(bigquery_warehouse,
                                                                               jobs):
    client = bigquery_warehouse.client
    for dataset in schema.DATASETS:
        client.delete_dataset(f"{PROJECT}.{dataset}", delete_contents=True, not_found_ok=True)
    created = bigquery_warehouse.init_schema()
    assert sorted(created) == sorted(schema.tables())
    table = client.get_table(f"{PROJECT}.{SCHED}")
    assert table.time_partitioning.field == "game_date"
    assert [f.name for f in table.schema] == list(schema.get_table(SCHED).column_names)
    jobs.clear()
    assert bigquery_warehouse.init_schema() == []
    assert jobs == []  # existing tables are read from metadata, no DDL job re-sent


def test_multi_statement_sql_runs_one_job_per_statement(bigquery_warehouse, jobs):
    bigquery_warehouse.init_schema()
    bigquery_warehouse.write_frame(SCHED, schedule(dt.date(2023, 11, 1), 3))
    jobs.clear()
    affected = bigquery_warehouse.execute(
        f"DELETE FROM `{PROJECT}.{SCHED}` WHERE game_id = @gone;\n"
        f"UPDATE `{PROJECT}.{SCHED}` SET game_status = @status WHERE game_date = @d",
        {"gone": "a1101000", "status": 2, "d": dt.date(2023, 11, 1)})
    assert affected == 2  # rows of the last statement
    assert [[p.name for p in cfg.query_parameters] for _, cfg in jobs] == [["gone"],
                                                                          ["d", "status"]]
    frame = bigquery_warehouse.query(
        f"SELECT game_status, COUNT(*) AS n FROM `{PROJECT}.{SCHED}` GROUP BY 1")
    assert frame.to_dict("records") == [{"game_status": 2, "n": 2}]


def test_write_frame_round_trips_arrays_json_timestamps(bigquery_warehouse):
    wh = bigquery_warehouse
    wh.init_schema()
    day = dt.date(2024, 1, 2)
    t0 = dt.datetime(2024, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
    est = dt.timezone(dt.timedelta(hours=-5))
    lease = {"lease_id": "L1", "lease_date": day, "owner": "me", "pid": 4242,
             "tables": ["nba_raw.a", "nba_analytics.b"],
             "dates": [dt.date(2024, 1, 1), day],
             "acquired_at": t0, "heartbeat_at": t0.astimezone(est),  # same instant, other zone
             "expires_at": pd.Timestamp(t0 + dt.timedelta(hours=1)),
             "released_at": None, "status": "active"}
    assert wh.write_frame(LEASES, pd.DataFrame([lease])).inserted == 1
    got = wh.query(f"SELECT * FROM `{PROJECT}.{LEASES}` WHERE lease_date = @d", {"d": day})
    row = got.iloc[0]
    assert list(row["tables"]) == lease["tables"]
    assert [pd.Timestamp(d).date() for d in row["dates"]] == lease["dates"]
    assert pd.Timestamp(row["acquired_at"]) == pd.Timestamp(t0)  # microseconds kept
    assert pd.Timestamp(row["heartbeat_at"]) == pd.Timestamp(t0)  # converted to UTC
    assert pd.Timestamp(row["expires_at"]) == pd.Timestamp(t0) + pd.Timedelta(hours=1)
    assert pd.isna(row["released_at"]) and row["pid"] == 4242

    # What query() returns goes straight back in (the ledger does this): an upsert by key.
    again = got.copy()
    again["status"] = "released"
    result = wh.write_frame(LEASES, again, keep=("lease_id",))
    assert (result.deleted, result.inserted) == (1, 1)
    back = wh.query(f"SELECT status, dates, acquired_at FROM `{PROJECT}.{LEASES}` "
                    f"WHERE lease_date = @d", {"d": day})
    assert back["status"].tolist() == ["released"]
    assert [pd.Timestamp(d).date() for d in back.iloc[0]["dates"]] == lease["dates"]
    assert pd.Timestamp(back.iloc[0]["acquired_at"]) == pd.Timestamp(t0)

    params = {"season": 2024, "dates": ["2024-01-01"], "quote": 'a "b" ;', "nested": {"x": None}}
    run = {"run_id": "R1", "run_date": day, "started_at": t0, "status": "running",
           "parameters": json.dumps(params), "alerts": json.dumps([]), "code_versions": None}
    wh.write_frame(RUNS, pd.DataFrame([run]))
    got = wh.query(f"SELECT TO_JSON_STRING(parameters) AS p, JSON_VALUE(parameters, '$.quote') "
                   f"AS q, JSON_TYPE(parameters) AS kind, TO_JSON_STRING(alerts) AS a, "
                   f"code_versions IS NULL AS cv_null FROM `{PROJECT}.{RUNS}` "
                   f"WHERE run_date = @d", {"d": day}).iloc[0]
    assert json.loads(got["p"]) == params  # stored as a JSON object, not a JSON string
    assert got["q"] == 'a "b" ;' and got["kind"] == "object"
    assert json.loads(got["a"]) == [] and bool(got["cv_null"])


def test_write_frame_round_trips_float_arrays_and_numeric(bigquery_warehouse):
    wh = bigquery_warehouse
    wh.init_schema()
    table = schema.get_table(FEATURES)
    day = dt.date(2024, 1, 3)
    row = {c.name: None for c in table.columns}
    key_values = {"STRING": "k", "INT64": 7, "DATE": day, "BOOL": True, "FLOAT64": 0.5,
                  "TIMESTAMP": dt.datetime(2024, 1, 3, tzinfo=UTC)}
    for col in table.columns:  # fill the REQUIRED columns with something of their type
        if col.required:
            row[col.name] = key_values.get(col.type.split("(")[0], Decimal("1.5"))
    row.update({table.partition_column: day, "features": [1.5, -2.25, 0.0],
                "feature_names": ["a", "b", "c"], "feature_quality_score": Decimal("87.25")})
    frame = pd.DataFrame([{k: v for k, v in row.items() if v is not None}])
    assert wh.write_frame(FEATURES, frame).inserted == 1
    got = wh.query(f"SELECT features, feature_names, feature_quality_score FROM "
                   f"`{PROJECT}.{FEATURES}` WHERE {table.partition_column} = @d",
                   {"d": day}).iloc[0]
    assert list(got["features"]) == [1.5, -2.25, 0.0]
    assert list(got["feature_names"]) == ["a", "b", "c"]
    assert Decimal(str(got["feature_quality_score"])) == Decimal("87.25")


def test_invalid_json_text_is_refused_naming_the_column(bigquery_warehouse):
    bigquery_warehouse.init_schema()
    run = {"run_id": "R2", "run_date": dt.date(2024, 1, 2),
           "started_at": dt.datetime(2024, 1, 2, tzinfo=UTC), "status": "running",
           "parameters": "{not json"}
    with pytest.raises(WarehouseError, match="parameters") as info:
        bigquery_warehouse.write_frame(RUNS, pd.DataFrame([run]))
    assert "json.dumps" in str(info.value)


def test_empty_frame_with_dates_clears_them(bigquery_warehouse):
    wh = bigquery_warehouse
    wh.init_schema()
    day = dt.date(2023, 11, 1)
    wh.write_frame(SCHED, schedule(day, 3))
    result = wh.write_frame(SCHED, schedule(day, 0), dates=[day])
    assert (result.deleted, result.inserted) == (3, 0)


def test_staging_tables_are_removed_and_expire(bigquery_warehouse):
    wh = bigquery_warehouse
    wh.init_schema()
    wh.write_frame(SCHED, schedule(dt.date(2023, 11, 1), 1))
    from nbkit.warehouse.bigquery import STAGING_DATASET, STAGING_EXPIRATION_MS

    staging = wh.client.get_dataset(f"{PROJECT}.{STAGING_DATASET}")
    assert staging.default_table_expiration_ms == STAGING_EXPIRATION_MS
    assert list(wh.client.list_tables(staging.reference)) == []


def test_missing_table_error_names_table_and_fix(bigquery_warehouse):
    with pytest.raises(WarehouseError) as info:  # no init_schema: nothing exists yet
        bigquery_warehouse.query(f"SELECT * FROM `{PROJECT}.nba_raw.no_such_table` WHERE "
                                 f"game_date = @d", {"d": dt.date(2024, 1, 1)})
    assert info.value.table == "nba_raw.no_such_table"
    assert "Fix:" in str(info.value)


def test_sql_refused_in_dry_run_stops_the_plan_naming_the_processor(bigquery_warehouse):
    """A statement BigQuery refuses (here an unknown column) is reported by the estimate,
    before the run writes anything, not by the first failing job mid-run."""
    from nbkit import cost
    from nbkit.plan import Plan, Task
    from tests.engine.toys import ToyTeamRows, toy_registry

    class BadSql(ToyTeamRows):
        NAME, RUN_HISTORY_NAME, SQL_FILE = "bad_sql", "BadSqlProcessor", "bad_sql.sql"

        @classmethod
        def sql_text(cls) -> str:
            return ("SELECT no_such_column FROM `nba-props-platform.nba_raw.nbac_schedule` "
                    "WHERE game_date IN UNNEST(@dates)")

    bigquery_warehouse.init_schema()
    plan = Plan((Task("bad_sql", 3, dt.date(2023, 11, 1), "run", "missing"),))
    with pytest.raises(cost.DryRunRefusedError) as refused:
        cost.estimate(bigquery_warehouse, plan, toy_registry(BadSql))
    message = str(refused.value)
    assert "bad_sql" in message and "nothing was run" in message
    assert "nbkit sql --show bad_sql" in message


def test_access_token_becomes_the_clients_credentials(monkeypatch):
    """A notebook's gcp_access_token reaches BigQuery through open_warehouse, not a private
    client helper: the client is built with those OAuth credentials (no call is made)."""
    from nbkit.warehouse import open_warehouse

    monkeypatch.delenv("NBKIT_BIGQUERY_ENDPOINT", raising=False)
    wh = open_warehouse("bigquery://nbkit-dev", access_token="ya29.test-token")
    assert wh.client._credentials.token == "ya29.test-token"
    assert wh.client.project == "nbkit-dev"
