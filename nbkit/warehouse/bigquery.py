"""The BigQuery backend: production, and the way past one machine.

SQL runs unchanged (it is already BigQuery SQL). One statement per job, so
named parameters work everywhere (multi-statement scripts cannot carry them
on every engine). Every replace is a single MERGE job: atomic by itself.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import uuid
from typing import TYPE_CHECKING

from nbkit import schema
from nbkit.errors import MissingDependencyError
from nbkit.warehouse.base import Warehouse
from nbkit.warehouse.sql import bind_names, parse_bigquery, parameter_names

if TYPE_CHECKING:
    import pandas as pd

ENDPOINT_ENV = "NBKIT_BIGQUERY_ENDPOINT"
STAGING_DATASET = "nbkit_staging"


def _client_module():
    try:
        from google.cloud import bigquery
    except ImportError as err:
        raise MissingDependencyError(
            "The BigQuery backend needs the google-cloud-bigquery client, which is not installed",
            "install the extra: pip install 'nbkit[bigquery]'") from err
    return bigquery


class BigQueryWarehouse(Warehouse):
    """Google BigQuery, or any endpoint speaking its REST API ($NBKIT_BIGQUERY_ENDPOINT)."""

    backend = "bigquery"

    def __init__(self, project: str, client=None, location: str | None = None,
                 labels: dict[str, str] | None = None) -> None:
        super().__init__(project, f"bigquery://{project}")
        self._bq = _client_module()
        self.location = location
        self.labels = dict(labels or {})
        self.client = client or self._make_client()

    def _make_client(self):
        endpoint = os.environ.get(ENDPOINT_ENV)
        if not endpoint:
            return self._bq.Client(project=self.project, location=self.location)
        from google.api_core.client_options import ClientOptions
        from google.auth.credentials import AnonymousCredentials

        return self._bq.Client(project=self.project, credentials=AnonymousCredentials(),
                               client_options=ClientOptions(api_endpoint=endpoint))

    # ------------------------------------------------------------------ hooks
    def _job_config(self, params: dict, names: tuple[str, ...], **kwargs):
        cfg = self._bq.QueryJobConfig(labels=self.labels or None, **kwargs)
        cfg.query_parameters = [_parameter(self._bq, n, params[n]) for n in names]
        return cfg

    def _run(self, sql: str, params: dict):
        job = None
        for tree in parse_bigquery(sql):
            text = tree.sql("bigquery")
            names = parameter_names(tree)
            bind_names(names, params)
            job = self.client.query(text, job_config=self._job_config(params, names))
            job.result()
        return job

    def _query(self, sql: str, params: dict) -> pd.DataFrame:
        job = self._run(sql, params)
        return job.to_dataframe(create_bqstorage_client=False)

    def _execute(self, sql: str, params: dict) -> int:
        job = self._run(sql, params)
        return int(job.num_dml_affected_rows or 0)

    def _select_columns(self, select_sql: str, params: dict, table: schema.Table) -> list[str]:
        from nbkit.warehouse.duckdb import _checked_columns

        df = self._query(f"SELECT * FROM ({select_sql}) LIMIT 0", params)
        return _checked_columns(list(df.columns), table)

    def _replace(self, table: schema.Table, merge_sql: str, params: dict) -> tuple[int, int]:
        job = self._run(merge_sql, params)
        stats = getattr(job, "dml_stats", None)
        if stats is not None and stats.inserted_row_count is not None:
            return int(stats.deleted_row_count or 0), int(stats.inserted_row_count or 0)
        return 0, int(job.num_dml_affected_rows or 0)

    @contextlib.contextmanager
    def _staged(self, table: schema.Table, frame: pd.DataFrame):
        staging = f"{self.project}.{STAGING_DATASET}.{table.name}_{uuid.uuid4().hex[:10]}"
        self.client.create_dataset(f"{self.project}.{STAGING_DATASET}", exists_ok=True)
        columns = [c for c in table.columns if c.name in frame.columns]
        job_cfg = self._bq.LoadJobConfig(
            schema=[self._bq.SchemaField(c.name, _field_type(c.type),
                                         mode="REPEATED" if c.type.startswith("ARRAY") else "NULLABLE")
                    for c in columns],
            write_disposition="WRITE_TRUNCATE")
        rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
        self.client.load_table_from_json([_jsonable(r) for r in rows], staging,
                                         job_config=job_cfg).result()
        try:
            yield f"`{staging}`"
        finally:
            self.client.delete_table(staging, not_found_ok=True)

    def _table_exists(self, table: schema.Table) -> bool:
        from google.api_core.exceptions import NotFound

        try:
            self.client.get_table(f"{self.project}.{table.id}")
            return True
        except NotFound:
            return False

    def _has_any_dataset(self) -> bool:
        return any(d.dataset_id.startswith("nba_") for d in self.client.list_datasets())

    def _list_tables(self) -> pd.DataFrame:
        import pandas as pd

        known = schema.tables()
        rows = []
        for dataset in {t.dataset for t in known.values()}:
            try:
                listed = list(self.client.list_tables(f"{self.project}.{dataset}"))
            except Exception:  # noqa: BLE001 - a missing dataset lists nothing
                continue
            for item in listed:
                key = f"{dataset}.{item.table_id}"
                if key in known:
                    n = self._query(f"SELECT COUNT(*) AS n FROM `{self.project}.{key}`", {})
                    rows.append((key, dataset, item.table_id, known[key].partition_column,
                                 int(n["n"].iloc[0])))
        return pd.DataFrame(sorted(rows), columns=["table_id", "dataset", "table",
                                                   "partition_column", "row_count"])

    def _translate_error(self, err: Exception) -> tuple[str, str] | None:
        try:
            from google.api_core import exceptions as gexc
        except ImportError:
            return None
        if not isinstance(err, gexc.GoogleAPIError):
            return None
        message = getattr(err, "message", None) or str(err)
        first = str(message).splitlines()[0]
        if isinstance(err, gexc.NotFound):
            return first, "run `nbkit init --warehouse bigquery://PROJECT` to create the schema"
        if isinstance(err, gexc.Forbidden):
            return first, "check the credentials' BigQuery roles and the project's quotas"
        if isinstance(err, gexc.BadRequest):
            return first, "check the statement against BigQuery Standard SQL and the schema"
        return first, "retry; if it persists check the BigQuery console for the job"


def _parameter(bq, name: str, value):
    if isinstance(value, (list, tuple)):
        sample = next((v for v in value if v is not None), None)
        return bq.ArrayQueryParameter(name, _scalar_type(sample), list(value))
    return bq.ScalarQueryParameter(name, _scalar_type(value), value)


def _scalar_type(value) -> str:
    if isinstance(value, bool):
        return "BOOL"
    if isinstance(value, int):
        return "INT64"
    if isinstance(value, float):
        return "FLOAT64"
    if isinstance(value, dt.datetime):
        return "TIMESTAMP"
    if isinstance(value, dt.date):
        return "DATE"
    return "STRING"


def _field_type(bq_type: str) -> str:
    base = bq_type.upper()
    if base.startswith("ARRAY<"):
        base = base[6:-1]
    base = base.split("(")[0]
    return {"INT64": "INTEGER", "FLOAT64": "FLOAT", "BOOL": "BOOLEAN", "BIGNUMERIC": "BIGNUMERIC",
            "TEXT": "STRING", "VARCHAR": "STRING"}.get(base, base)


def _jsonable(row: dict) -> dict:
    out = {}
    for key, value in row.items():
        if isinstance(value, (dt.datetime, dt.date)):
            value = value.isoformat()
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        elif hasattr(value, "tolist"):
            value = value.tolist()
        out[key] = value
    return out
