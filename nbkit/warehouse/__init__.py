"""Warehouses: one interface, two backends (embedded DuckDB, BigQuery)."""

from __future__ import annotations

from nbkit.config import resolve_warehouse
from nbkit.warehouse.base import ReplaceResult, Warehouse

__all__ = ["open_warehouse", "Warehouse", "ReplaceResult"]


def open_warehouse(url: str | None = None, project: str | None = None, *,
                   read_only: bool = False, wait_seconds: float = 0.0,
                   access_token: str | None = None) -> Warehouse:
    """Open the warehouse at ``url`` (default: the settings' warehouse, see nbkit.settings).

    Args:
        url: a DuckDB file path, ``duckdb:///path``, ``duckdb://:memory:`` or
            ``bigquery://PROJECT``.
        project: the BigQuery project every table is qualified with (default:
            settings.bigquery_project, else the URL's project, else the production one).
        read_only: open the embedded file without taking the write lock.
        wait_seconds: how long to wait for another process's write lock.
        access_token: BigQuery only: a short-lived OAuth access token used instead of the
            default credentials (never logged or stored).
    """
    where = resolve_warehouse(url, project)
    if where.kind == "bigquery":
        from nbkit.warehouse.bigquery import BigQueryWarehouse

        return BigQueryWarehouse(project=where.project, access_token=access_token or None)
    from nbkit.warehouse.duckdb import DuckDBWarehouse

    return DuckDBWarehouse(where.target, where.project, read_only=read_only,
                           wait_seconds=wait_seconds)
