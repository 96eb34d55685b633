"""OpenLineage events for every processor chunk (optional; ``[lineage] enabled = true``).

Each chunk is one OpenLineage run of the job ``<job_namespace>.<processor>``: START when
it begins, COMPLETE when its dates are written (with output row counts), FAIL when any of
them failed or is partial. Inputs are the processor's upstream tables and its output the
target table, named as OpenLineage names warehouse datasets: namespace ``bigquery`` and
``project.dataset.table`` on BigQuery; on DuckDB namespace ``duckdb://<host><file>`` and
``dataset.table``. Every event carries the ledger's run id in an ``nbkit`` run facet and as
a parent run (job ``<job_namespace>.run``, run id a UUID derived from the ledger's).

Events go through openlineage-python's own transports (file, http, console). A failed
delivery is logged and never fails the run.
"""

from __future__ import annotations

import datetime as dt
import logging
import socket
import uuid
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nbkit.warehouse import Warehouse

log = logging.getLogger(__name__)
PRODUCER = "https://github.com/nbkit/nbkit"
_FACET_SCHEMA = "https://nbkit.dev/spec/facets/1-0-0/NbkitRunFacet.json"


def emitter(warehouse: Warehouse, run_id: str, config=None) -> Emitter | None:
    """The run's emitter, or None when lineage is off (the default)."""
    if config is None:
        from nbkit import settings

        config = settings.current().lineage
    if not config.enabled:
        return None
    try:
        return Emitter(warehouse, run_id, config)
    except ImportError:
        from nbkit.errors import MissingDependencyError

        raise MissingDependencyError(
            "[lineage] is enabled but openlineage-python is not installed",
            "pip install 'nbkit[lineage]', or set enabled = false") from None


class Emitter:
    """Sends START/COMPLETE/FAIL per chunk for one ledger run."""

    def __init__(self, warehouse: Warehouse, run_id: str, config) -> None:
        from openlineage.client import OpenLineageClient

        self.warehouse, self.run_id, self.config = warehouse, run_id, config
        self.client = OpenLineageClient(transport=_transport(config))
        self.parent_run_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"nbkit:{run_id}"))

    def start(self, proc, dates: list[dt.date]) -> dict:
        from openlineage.client.uuid import generate_new_uuid

        event = {"proc": proc, "dates": list(dates), "run_uuid": str(generate_new_uuid())}
        self._emit("START", event)
        return event

    def end(self, event: dict, outcomes: list, cancelled: bool = False) -> None:
        bad = [o for o in outcomes if o.status in ("failed", "partial")]
        kind = "ABORT" if cancelled else ("FAIL" if bad or not outcomes else "COMPLETE")
        self._emit(kind, event, rows=sum(o.rows for o in outcomes),
                   error=bad[0].error if bad else None)

    def _emit(self, kind: str, event: dict, rows: int | None = None,
              error: str | None = None) -> None:
        try:
            self.client.emit(self._event(kind, event, rows, error))
        except Exception:  # noqa: BLE001 - lineage must never fail a run
            log.warning("could not deliver the OpenLineage %s event of %s", kind,
                        event["proc"].NAME, exc_info=True)

    def _event(self, kind: str, event: dict, rows: int | None, error: str | None):
        from openlineage.client.event_v2 import (InputDataset, Job, OutputDataset, Run,
                                                 RunEvent, RunState)
        from openlineage.client.facet_v2 import (error_message_run, output_statistics_output_dataset,
                                                 parent_run)

        proc = event["proc"]
        namespace = self.config.job_namespace
        facets: dict[str, Any] = {
            "nbkit": _nbkit_facet(self.run_id, event["dates"], proc),
            "parent": parent_run.ParentRunFacet(
                run=parent_run.Run(runId=self.parent_run_id),
                job=parent_run.Job(namespace=namespace, name=f"{namespace}.run")),
        }
        if error:
            facets["errorMessage"] = error_message_run.ErrorMessageRunFacet(
                message=error, programmingLanguage="SQL")
        out_facets = {}
        if rows is not None:
            out_facets["outputStatistics"] = \
                output_statistics_output_dataset.OutputStatisticsOutputDatasetFacet(rowCount=rows)
        ds_namespace, prefix = dataset_namespace(self.warehouse)
        inputs = [InputDataset(namespace=ds_namespace, name=f"{prefix}{t}")
                  for t in getattr(proc, "UPSTREAM_TABLES", ())]
        outputs = [OutputDataset(namespace=ds_namespace, name=f"{prefix}{proc.TARGET_TABLE}",
                                 outputFacets=out_facets)]
        return RunEvent(eventType=getattr(RunState, kind),
                        eventTime=dt.datetime.now(dt.timezone.utc).isoformat(),
                        run=Run(runId=event["run_uuid"], facets=facets),
                        job=Job(namespace=namespace, name=f"{namespace}.{proc.NAME}"),
                        inputs=inputs, outputs=outputs, producer=PRODUCER)


def dataset_namespace(warehouse: Warehouse) -> tuple[str, str]:
    """(namespace, name prefix) of the warehouse's datasets in OpenLineage naming."""
    if warehouse.backend == "bigquery":
        return "bigquery", f"{warehouse.project}."
    from pathlib import Path

    path = getattr(warehouse, "path", ":memory:")
    where = path if path == ":memory:" else str(Path(path).resolve())
    return f"duckdb://{socket.gethostname()}{'' if where.startswith('/') else '/'}{where}", ""


def _nbkit_facet(run_id: str, dates: list[dt.date], proc):
    import attr
    from openlineage.client.facet_v2 import RunFacet

    @attr.define
    class NbkitRunFacet(RunFacet):
        ledgerRunId: str
        processor: str
        dates: list[str]
        codeVersion: str

        @staticmethod
        def _get_schema() -> str:
            return _FACET_SCHEMA

    return NbkitRunFacet(ledgerRunId=run_id, processor=proc.NAME,
                         dates=[d.isoformat() for d in dates], codeVersion=proc.code_version())


def _transport(config):
    if config.transport == "file":
        from openlineage.client.transport.file import FileConfig, FileTransport

        if config.file is None:
            from nbkit.errors import ConfigError

            raise ConfigError("[lineage] transport = 'file' needs file = 'PATH'",
                              "add file = 'lineage/events.jsonl' under [lineage]")
        config.file.parent.mkdir(parents=True, exist_ok=True)
        return FileTransport(FileConfig(log_file_path=str(config.file), append=True))
    if config.transport == "http":
        from openlineage.client.transport.http import HttpConfig, HttpTransport

        if config.url is None:
            from nbkit.errors import ConfigError

            raise ConfigError("[lineage] transport = 'http' needs url = 'http://HOST:PORT'",
                              "add the OpenLineage endpoint's url under [lineage]")
        return HttpTransport(HttpConfig(url=config.url.get_secret_value(),
                                        endpoint=config.endpoint,
                                        timeout=config.timeout_seconds,
                                        retry={"total": 0}))
    from openlineage.client.transport.console import ConsoleConfig, ConsoleTransport

    return ConsoleTransport(ConsoleConfig())
