"""The BigQuery backend: production, and the way past one machine.

SQL runs unchanged (it is already BigQuery SQL): each statement is sent as the
user wrote it. One statement per job, so named parameters work everywhere
(multi-statement scripts cannot carry them on every engine). Every replace is
a single MERGE job, atomic by itself; its deleted/inserted counts come from the
job's dmlStats. Frames are staged with a load job into ``nbkit_staging`` tables
that are dropped after the MERGE (and expire after a day regardless).

Tested against the bqemulator emulator (tests/bigquery/); what the emulator
needs and BigQuery does not is patched in the test setup, never here.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import re
import threading
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from nbkit import disk_cache, schema
from nbkit.config import validate_project_id
from nbkit.errors import MissingDependencyError, StatementRefusedError, WarehouseError
from nbkit.warehouse.base import DATES_PARAM, Warehouse, checked_columns
from nbkit.warehouse.qualify import Target, qualify_text
from nbkit.warehouse.sql import bind_names, parse_bigquery, parameter_names

if TYPE_CHECKING:
    import pandas as pd

ENDPOINT_ENV = "NBKIT_BIGQUERY_ENDPOINT"  # settings.bigquery_endpoint
STAGING_DATASET = "nbkit_staging"
STAGING_EXPIRATION_MS = 24 * 3600 * 1000
# A staging table's name ends in this marker and a fresh hex suffix: statements that name one
# are parsed once as a template (the suffix blanked), not once per staged frame.
_STAGE_MARK = "__nbkit_stage_"
_STAGE_SUFFIX = re.compile(re.escape(_STAGE_MARK) + r"([0-9a-f]{10})")
_STAGE_BLANK = _STAGE_MARK + "0" * 10
_STORE_AFTER_SECONDS = 0.005  # a statement slower to parse is kept on disk for the next process
# Reason codes BigQuery documents as retryable (cloud.google.com/bigquery/docs/error-messages).
TRANSIENT_REASONS = frozenset({"backendError", "internalError", "rateLimitExceeded",
                               "jobBackendError", "jobInternalError", "badGateway"})


def _client_module():
    try:
        from google.cloud import bigquery
    except ImportError as err:
        raise MissingDependencyError(
            "The BigQuery backend needs the google-cloud-bigquery client, which is not installed",
            "install the extra: pip install 'nbkit[bigquery]'") from err
    return bigquery


def _is_bad_request(err: BaseException | None) -> bool:
    """True for BigQuery's 400: the statement itself is refused (retrying cannot help)."""
    try:
        from google.api_core import exceptions as gexc
    except ImportError:  # pragma: no cover - comes with the bigquery extra
        return False
    return isinstance(err, gexc.BadRequest)


def _token_credentials(token: str):
    """Credentials from a short-lived OAuth access token (kept in memory only)."""
    try:
        from google.oauth2.credentials import Credentials
    except ImportError as err:  # pragma: no cover - comes with the bigquery extra
        raise MissingDependencyError("google-auth is not installed",
                                     "install the extra: pip install 'nbkit[bigquery]'") from err
    return Credentials(token)


class BigQueryWarehouse(Warehouse):
    """Google BigQuery, or any endpoint speaking its REST API ($NBKIT_BIGQUERY_ENDPOINT)."""

    backend = "bigquery"

    def __init__(self, project: str, client=None, location: str | None = None,
                 labels: dict[str, str] | None = None,
                 datasets: dict[str, str] | None = None, access_token: str | None = None) -> None:
        validate_project_id(project)  # refuse a bad id before importing or calling anything
        super().__init__(project, f"bigquery://{project}", datasets)
        self._bq = _client_module()
        self.location = location
        self.labels = dict(labels or {})
        self._owns_client = client is None
        self.client = client or self._make_client(access_token)
        self._running: dict[str, object] = {}  # job id -> job, for interrupt()
        self._running_lock = threading.Lock()

    def _make_client(self, access_token: str | None = None):
        from nbkit import settings
        from nbkit.warehouse.bigquery_access import check_endpoint, credentials_error

        endpoint = settings.current().bigquery_endpoint
        if access_token and not endpoint:
            return self._bq.Client(project=self.project, location=self.location,
                                   credentials=_token_credentials(access_token))
        if not endpoint:
            try:
                return self._bq.Client(project=self.project, location=self.location)
            except Exception as err:  # noqa: BLE001 - google-auth raises several kinds
                raise credentials_error(err) from err
        from google.api_core.client_options import ClientOptions
        from google.auth.credentials import AnonymousCredentials

        check_endpoint(endpoint)  # fail in seconds, not after the client's silent retries
        return self._bq.Client(project=self.project, location=self.location,
                               credentials=AnonymousCredentials(),
                               client_options=ClientOptions(api_endpoint=endpoint))

    # ------------------------------------------------------------------ schema
    def init_schema(self) -> list[str]:
        """Create the datasets and tables of the production schema that are missing; idempotent.

        Same contract as ``Warehouse.init_schema``, but what exists is read from metadata
        (datasets.list / tables.list) instead of ``list_tables()``, and DDL runs only for
        what is missing. On BigQuery every no-op ``CREATE ... IF NOT EXISTS`` is still a
        query job (about a second each, 34 of them), and ``list_tables()`` runs a row-count
        query per dataset that creating tables does not need.
        """
        return self._guard(self._init_schema)

    def _init_schema(self) -> list[str]:
        datasets: dict[str, set[str]] = {}  # project -> its datasets (warehouse names)
        tables: dict[tuple[str, str], set[str]] = {}  # (project, dataset) -> its tables

        def has_dataset(project: str, dataset: str) -> bool:
            if project not in datasets:
                datasets[project] = {d.dataset_id for d in self.client.list_datasets(project)}
            return dataset in datasets[project]

        def has_table(project: str, dataset: str, name: str) -> bool:
            if not has_dataset(project, dataset):
                return False
            if (project, dataset) not in tables:
                tables[(project, dataset)] = {
                    t.table_id for t in self.client.list_tables(f"{project}.{dataset}")}
            return name in tables[(project, dataset)]

        created = []
        for statement in schema.ddl_statements():
            kind, project, dataset, name = _ddl_target(self._statements(statement)[0][0])
            if kind == "SCHEMA" and has_dataset(project, dataset):
                continue
            if kind == "TABLE" and has_table(project, dataset, name):
                continue
            self.execute(statement)
            if kind == "SCHEMA":
                datasets[project].add(dataset)
                tables[(project, dataset)] = set()
            elif kind == "TABLE":
                tables.setdefault((project, dataset), set()).add(name)
                created.append(f"{dataset}.{name}")
        return created

    # ------------------------------------------------------------------ hooks
    def _statements(self, sql: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
        return _statements(sql, self.target)

    def _job_config(self, params: dict, names: tuple[str, ...], **kwargs):
        cfg = self._bq.QueryJobConfig(**kwargs)
        settings = self._job_settings() or {}
        labels = {**self.labels, **settings.get("labels", {})}
        if labels:
            cfg.labels = labels  # the client's setter refuses None
        if settings.get("max_bytes_billed"):
            cfg.maximum_bytes_billed = int(settings["max_bytes_billed"])
        cfg.query_parameters = [_parameter(self._bq, n, params[n]) for n in names]
        return cfg

    def _run(self, sql: str, params: dict):
        """One job per statement, each with only the parameters it names; the last job."""
        statements = self._statements(sql)
        for _, names in statements:
            bind_names(names, params)  # SqlError on a missing parameter, before any job
        job = None
        for text, names in statements:
            # job_retry=None: a failed job is retried by nbkit's own policy (nbkit.retry),
            # which classifies it, records every attempt and bounds the total wait.
            job = self.client.query(text, job_config=self._job_config(params, names),
                                    job_retry=None)
            with self._running_lock:
                self._running[job.job_id] = job
            try:
                job.result(job_retry=None)
            finally:
                with self._running_lock:
                    self._running.pop(job.job_id, None)
            settings = self._job_settings()
            if settings is not None:
                settings["jobs"] += 1
                settings["job_ids"].append(job.job_id)
                settings["bytes_billed"] += int(getattr(job, "total_bytes_billed", 0) or 0)
        return job

    def dry_run_bytes(self, sql: str, params: dict) -> int:
        """Bytes BigQuery would scan for a statement (0 on endpoints that cannot tell)."""
        total = 0
        for text, names in self._statements(sql):
            cfg = self._job_config(params, names, dry_run=True, use_query_cache=False)
            try:
                job = self._guard(lambda: self.client.query(text, job_config=cfg), text)
            except WarehouseError as err:
                if _is_bad_request(err.__cause__):
                    raise StatementRefusedError(err.problem, err.fix, err.table,
                                                err.statement) from err.__cause__
                raise
            total += int(job.total_bytes_processed or 0)
        return total

    def dry_run_statement_types(self, sql: str, params: dict | None = None) -> list[str | None]:
        """BigQuery's statement type (SELECT, INSERT, DROP_TABLE...) of each statement, from a
        dry run that runs nothing; None where the endpoint does not report one."""
        kinds = []
        for text, names in self._statements(sql):
            cfg = self._job_config(params or {}, names, dry_run=True, use_query_cache=False)
            job = self._guard(lambda: self.client.query(text, job_config=cfg), text)
            kinds.append(getattr(job, "statement_type", None))
        return kinds

    def _query(self, sql: str, params: dict) -> pd.DataFrame:
        job = self._run(sql, params)
        return job.to_dataframe(create_bqstorage_client=False)

    def _execute(self, sql: str, params: dict) -> int:
        job = self._run(sql, params)
        return int(job.num_dml_affected_rows or 0)

    def _select_columns(self, select_sql: str, params: dict, table: schema.Table) -> list[str]:

        df = self._query(f"SELECT * FROM ({select_sql}) LIMIT 0", params)
        return checked_columns(list(df.columns), table)

    def _replace(self, table: schema.Table, columns: list[str], select_sql: str, merge_sql: str,
                 params: dict) -> tuple[int, int]:
        # One MERGE job: atomic on its own, no session or script needed.
        job = self._run(merge_sql, params)
        stats = getattr(job, "dml_stats", None)
        if stats is not None and stats.inserted_row_count is not None:
            return int(stats.deleted_row_count or 0), int(stats.inserted_row_count or 0)
        # BigQuery always reports dmlStats for a MERGE; an endpoint that does not (bqemulator)
        # reports only deleted + inserted. The MERGE already committed, so split that total
        # by counting what the replaced dates hold now (exact unless another writer touched
        # the same dates in between, which nbkit's writer leases rule out).
        affected = int(job.num_dml_affected_rows or 0)
        count_sql = (f"SELECT COUNT(*) AS n FROM `{self.project}.{table.id}` "
                     f"WHERE `{table.partition_column}` IN UNNEST(@{DATES_PARAM})")
        inserted = int(self._query(count_sql, {DATES_PARAM: params[DATES_PARAM]})["n"].iloc[0])
        return max(affected - inserted, 0), inserted

    @contextlib.contextmanager
    def _staged(self, table: schema.Table, frame: pd.DataFrame):
        """Load the frame into a throw-away table of the staging dataset; yield its name.

        A load job (free on BigQuery, unlike streaming inserts, and no streaming buffer to
        block the MERGE). Staging tables expire after a day even if this process dies.
        """
        dataset = self._bq.Dataset(f"{self.project}.{self.target.dataset(STAGING_DATASET)}")
        if self.location:
            dataset.location = self.location
        dataset.default_table_expiration_ms = STAGING_EXPIRATION_MS
        self.client.create_dataset(dataset, exists_ok=True)
        staging = self.target.table_ref(
            f"{STAGING_DATASET}.{table.name}{_STAGE_MARK}{uuid.uuid4().hex[:10]}")
        columns = [c for c in table.columns if c.name in frame.columns]
        fields = [self._bq.SchemaField(c.name, _field_type(c.type),
                                       mode="REPEATED" if _is_array(c.type) else "NULLABLE")
                  for c in columns]
        if len(frame):
            rows = _json_rows(frame, columns, table)
            job_cfg = self._bq.LoadJobConfig(schema=fields, write_disposition="WRITE_TRUNCATE")
            self.client.load_table_from_json(rows, staging, job_config=job_cfg).result()
        else:  # nothing to load: an empty table with the right columns
            self.client.create_table(self._bq.Table(staging, schema=fields))
        try:
            yield f"`{staging}`"
        finally:
            self.client.delete_table(staging, not_found_ok=True)

    def _table_exists(self, table: schema.Table) -> bool:
        from google.api_core.exceptions import NotFound

        try:
            self.client.get_table(self.target.table_ref(table.id))
            return True
        except NotFound:
            return False

    def _has_any_dataset(self) -> bool:
        return any(self.target.sql_dataset(d.dataset_id).startswith("nba_")
                   for d in self.client.list_datasets(self.project))

    def _table_columns(self, tables: list[schema.Table]) -> dict[str, set[str]]:
        from google.api_core.exceptions import NotFound

        out = {}
        for table in tables:
            try:
                got = self.client.get_table(self.target.table_ref(table.id))
            except NotFound:
                continue
            out[table.id] = {f.name for f in got.schema}
        return out

    def _list_tables(self) -> pd.DataFrame:
        """Tables from tables.list; row counts from one INFORMATION_SCHEMA.PARTITIONS query per
        dataset, not COUNT(*) per table: BigQuery refuses a COUNT(*) without a partition filter
        on a ``require_partition_filter`` table, and 34 jobs would take half a minute.
        (Table metadata ``num_rows`` would need no job at all, but the emulator leaves it 0.)
        """
        import pandas as pd

        known = schema.tables()
        rows = []
        for dataset in sorted({t.dataset for t in known.values()}):
            try:
                listed = list(self.client.list_tables(
                    f"{self.project}.{self.target.dataset(dataset)}"))
            except Exception:  # noqa: BLE001 - a missing dataset lists nothing
                continue
            names = [i.table_id for i in listed if f"{dataset}.{i.table_id}" in known]
            if not names:
                continue
            counts = self._query(
                f"SELECT table_name, SUM(total_rows) AS n "
                f"FROM `{self.project}.{dataset}.INFORMATION_SCHEMA.PARTITIONS` "
                f"WHERE table_name IN UNNEST(@names) GROUP BY table_name", {"names": names})
            count_of = dict(zip(counts["table_name"], counts["n"]))
            for name in names:
                key = f"{dataset}.{name}"
                n = count_of.get(name)
                rows.append((key, dataset, name, known[key].partition_column,
                             0 if n is None or pd.isna(n) else int(n)))
        return pd.DataFrame(sorted(rows), columns=["table_id", "dataset", "table",
                                                   "partition_column", "row_count"])

    def _close(self) -> None:
        if self._owns_client:
            with contextlib.suppress(Exception):
                self.client.close()

    def _is_transient(self, err: BaseException) -> bool | None:
        """BigQuery's retryable failures: 5xx/429 by type, then the error's reason code."""
        try:
            from google.api_core import exceptions as gexc
        except ImportError:
            return None
        if isinstance(err, (gexc.ServiceUnavailable, gexc.InternalServerError, gexc.BadGateway,
                            gexc.GatewayTimeout, gexc.TooManyRequests, gexc.DeadlineExceeded)):
            return True
        if isinstance(err, gexc.GoogleAPICallError):
            reasons = {str(e.get("reason", "")) for e in (err.errors or [])
                       if isinstance(e, dict)}
            return bool(reasons & TRANSIENT_REASONS)
        try:
            import requests
        except ImportError:
            return None
        if isinstance(err, (requests.ConnectionError, requests.Timeout)):
            return True
        return None

    def _interrupt(self) -> None:
        with self._running_lock:
            jobs = list(self._running.values())
        for job in jobs:
            with contextlib.suppress(Exception):
                job.cancel()

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


def _statements(sql: str, target: Target) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(text, parameter names) of each statement of ``sql``, the text as the user wrote it
    (``_parsed_statements``); a statement naming staging tables is parsed as a template."""
    suffixes = _STAGE_SUFFIX.findall(sql)
    if not suffixes:
        return _parsed_statements(sql, target)
    template = _parsed_statements(_STAGE_SUFFIX.sub(_STAGE_BLANK, sql), target)
    if sum(text.count(_STAGE_BLANK) for text, _ in template) != len(suffixes):
        return _split_and_qualify(sql, target)  # not a plain substitution: parse as it is
    fill = iter(suffixes)
    return tuple((re.sub(re.escape(_STAGE_BLANK), lambda _: _STAGE_MARK + next(fill), text),
                  names) for text, names in template)


@functools.lru_cache(maxsize=1024)
def _parsed_statements(sql: str, target: Target) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``_statements`` of one text, kept in memory and on disk (``nbkit.disk_cache``)."""
    key = disk_cache.digest(sql, repr(target))
    stored = disk_cache.read("bigquery-sql", _splitter_fingerprint(), key)
    if stored is not None:
        try:
            return tuple((str(text), tuple(names)) for text, names in stored)
        except (TypeError, ValueError):
            pass
    began = time.perf_counter()
    out = _split_and_qualify(sql, target)
    if time.perf_counter() - began >= _STORE_AFTER_SECONDS:
        disk_cache.write("bigquery-sql", _splitter_fingerprint(), key, [list(p) for p in out])
    return out


@functools.lru_cache(maxsize=1)
def _splitter_fingerprint() -> str:
    """What splitting and qualifying depend on besides the text: sqlglot and this code."""
    import sqlglot

    here = Path(__file__).resolve().parent
    return disk_cache.digest(sqlglot.__version__, *(
        (here / name).read_text() for name in ("bigquery.py", "qualify.py", "sql.py")))[:16]


def _split_and_qualify(sql: str, target: Target) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(text, parameter names) of each statement of ``sql``, the text as the user wrote it.

    BigQuery gets the user's own SQL, not sqlglot's regeneration of it: a script is split
    at its top-level semicolons (sqlglot's tokenizer knows strings and comments), and
    each piece is parsed to learn which @parameters it uses and where its table names
    are, which are qualified with the target's project (nbkit/warehouse/qualify.py).
    """
    import sqlglot
    from sqlglot.tokens import TokenType

    trees = parse_bigquery(sql)  # SqlError on bad SQL, before any job is sent
    if len(trees) == 1:
        return ((qualify_text(sql, trees[0], target), parameter_names(trees[0])),)
    pieces, start, has_tokens = [], 0, False
    for token in sqlglot.tokenize(sql, read="bigquery"):
        if token.token_type == TokenType.SEMICOLON:
            if has_tokens:
                pieces.append(sql[start:token.start])
            start, has_tokens = token.end + 1, False
        else:
            has_tokens = True
    if has_tokens:
        pieces.append(sql[start:])
    out = []
    for piece in pieces:
        piece = piece.strip()
        trees = parse_bigquery(piece)
        names = sorted({n for tree in trees for n in parameter_names(tree)})
        out.append((qualify_text(piece, trees[0], target), tuple(names)))
    return tuple(out)


@functools.lru_cache(maxsize=256)
def _ddl_target(statement: str) -> tuple[str, str, str, str | None]:
    """(kind, project, dataset, table) that a qualified CREATE SCHEMA / TABLE statement creates."""
    from sqlglot import exp

    tree = parse_bigquery(statement)[0]
    kind = (tree.args.get("kind") or "").upper() if isinstance(tree, exp.Create) else ""
    target = tree.find(exp.Table)
    parts = [p for p in ".".join(part.name for part in target.parts).split(".") if p]
    if kind == "SCHEMA":
        return kind, parts[-2], parts[-1], None
    return kind or "OTHER", parts[-3], parts[-2], parts[-1]


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


def _is_array(bq_type: str) -> bool:
    return bq_type.upper().startswith("ARRAY<")


def _field_type(bq_type: str) -> str:
    """The load-job field type of a column type: ``ARRAY<DATE>`` -> ``DATE``, ``NUMERIC(5, 1)``
    -> ``NUMERIC``."""
    base = bq_type.upper().replace(" ", "")
    if _is_array(base):
        base = base[6:-1]
    base = base.split("(")[0]
    return {"INT64": "INTEGER", "FLOAT64": "FLOAT", "BOOL": "BOOLEAN", "BIGNUMERIC": "BIGNUMERIC",
            "TEXT": "STRING", "VARCHAR": "STRING"}.get(base, base)


def _json_rows(frame: pd.DataFrame, columns: list[schema.Column],
               table: schema.Table) -> list[dict]:
    """The frame as newline-delimited-JSON rows for a load job (None for missing values).

    JSON columns take JSON text (what ``json.dumps`` gives, as on DuckDB, where the frame's
    string is CAST to JSON) or a dict/list; the load file carries the parsed value, because a
    string there would load as a JSON *string*, not the document it spells.
    """
    import json

    rows = []
    records = frame[[c.name for c in columns]].to_dict("records")
    for index, record in enumerate(records):
        row = {}
        for col in columns:
            field_type = _field_type(col.type)
            value = _json_value(record[col.name], field_type)
            if value is not None and field_type == "JSON" and isinstance(value, str):
                try:
                    value = json.loads(value)
                except ValueError as err:
                    raise WarehouseError(
                        f"Row {index} of the frame has invalid JSON text in {col.name}: {err}",
                        "pass json.dumps(value) (or a dict/list) for JSON columns",
                        table=table.id) from err
            row[col.name] = value
        rows.append(row)
    return rows


def _json_value(value, field_type: str | None = None):
    """A JSON-serialisable form of one frame cell (recursively); None for NULL/NaN/NaT.

    ``field_type`` is the load field type of the column (``DATE``, ``TIMESTAMP``...): a
    datetime loaded into a DATE column becomes its date, an aware datetime loaded into a
    TIMESTAMP column is written in UTC (naive ones are taken as UTC, as BigQuery does).
    """
    import decimal
    import math

    import numpy as np
    import pandas as pd

    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.ndarray):
        if value.dtype.kind == "M":  # datetime64 arrays .tolist() to ints: go through pandas
            value = list(pd.to_datetime(value))
        else:
            value = value.tolist()
    if isinstance(value, (list, tuple)):
        return [_json_value(v, field_type) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        if field_type == "DATE":
            return value.date().isoformat()
        if value.tzinfo is not None and field_type != "DATETIME":
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        elif value.tzinfo is not None:
            value = value.replace(tzinfo=None)
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, bytes):
        import base64

        return base64.b64encode(value).decode("ascii")
    return value
