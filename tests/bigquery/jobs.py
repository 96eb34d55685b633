"""Record the BigQuery jobs a warehouse sends, as the client sends them.

The emulator does not keep job labels (jobs.get returns ``{}``), so what a job carried is
read from the job configuration handed to the client. ``JobLog.attach`` wraps the client's
``query`` (query and dry-run jobs) and ``load_table_from_json`` (nbkit's only load path);
attach it after ``send_emulator_sql`` so the recorded SQL is nbkit's own, not the
emulator-only rewrite of it. Each job is tagged with the log's current ``step``.
"""

from __future__ import annotations

import functools
import json
from dataclasses import asdict, dataclass, field

import sqlglot
from sqlglot import exp

WRITE_KINDS = ("insert", "update", "delete", "merge", "ddl", "load")


@dataclass(frozen=True)
class Job:
    """One job: kind (query, dry_run or load), its SQL, labels, byte cap and the test step."""

    kind: str
    sql: str | None
    labels: dict = field(default_factory=dict)
    maximum_bytes_billed: int | None = None
    step: str = ""
    bytes_processed: int | None = None  # what a dry run answered

    @property
    def statement(self) -> str:
        """query, insert, update, delete, merge, ddl or load."""
        return "load" if self.kind == "load" else statement_kind(self.sql)

    @property
    def writes(self) -> bool:
        return self.kind != "dry_run" and self.statement in WRITE_KINDS


class JobLog:
    """Every job sent through the clients it is attached to, in order."""

    def __init__(self) -> None:
        self.jobs: list[Job] = []
        self.step = ""

    def attach(self, warehouse, setattr_=setattr) -> JobLog:
        """Record the jobs of ``warehouse.client``; pass ``monkeypatch.setattr`` in tests."""
        client = warehouse.client
        query, load = client.query, client.load_table_from_json

        def record_query(sql, job_config=None, **kwargs):
            job = query(sql, job_config=job_config, **kwargs)
            dry = bool(job_config is not None and job_config.dry_run)
            self.jobs.append(Job(
                "dry_run" if dry else "query", sql,
                dict(job_config.labels or {}) if job_config is not None else {},
                job_config.maximum_bytes_billed if job_config is not None else None,
                self.step, int(job.total_bytes_processed or 0) if dry else None))
            return job

        def record_load(rows, destination, *args, **kwargs):
            # Load jobs carry no labels of nbkit's; attribute them to the job context of the
            # thread sending them (the processor whose ledger rows they stage).
            settings = warehouse._job_settings() or {}
            self.jobs.append(Job("load", None, dict(settings.get("labels", {})), None,
                                 self.step))
            return load(rows, destination, *args, **kwargs)

        setattr_(client, "query", record_query)
        setattr_(client, "load_table_from_json", record_load)
        return self

    def of(self, *steps: str) -> list[Job]:
        return [j for j in self.jobs if j.step in steps]

    def write_lines(self, path) -> None:
        with open(path, "a", encoding="utf-8") as out:
            for job in self.jobs:
                out.write(json.dumps(asdict(job)) + "\n")
        self.jobs.clear()


def read_lines(path) -> list[Job]:
    with open(path, encoding="utf-8") as lines:
        return [Job(**json.loads(line)) for line in lines if line.strip()]


@functools.lru_cache(maxsize=4096)
def statement_kind(sql: str) -> str:
    tree = sqlglot.parse_one(sql, read="bigquery")
    for kind, name in ((exp.Merge, "merge"), (exp.Insert, "insert"), (exp.Update, "update"),
                       (exp.Delete, "delete"), (exp.Query, "query")):
        if isinstance(tree, kind):
            return name
    return "ddl"  # CREATE, DROP, ALTER, TRUNCATE, ...


@functools.lru_cache(maxsize=4096)
def target_table(sql: str) -> str | None:
    """``dataset.table`` a MERGE/INSERT/UPDATE/DELETE writes, else None."""
    tree = sqlglot.parse_one(sql, read="bigquery")
    if not isinstance(tree, (exp.Merge, exp.Insert, exp.Update, exp.Delete)):
        return None
    table = tree.this if isinstance(tree.this, exp.Table) else tree.this.find(exp.Table)
    return f"{table.db}.{table.name}"


@functools.lru_cache(maxsize=4096)
def tables_read(sql: str) -> frozenset[str]:
    """``dataset.table`` of every dataset-qualified table the statement names."""
    tree = sqlglot.parse_one(sql, read="bigquery")
    return frozenset(f"{t.db}.{t.name}" for t in tree.find_all(exp.Table) if t.db)
