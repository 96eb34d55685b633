"""Warehouses: one interface, two backends (embedded DuckDB, BigQuery)."""

from __future__ import annotations

from nbkit.config import parse_warehouse_url, resolve_project, resolve_warehouse_url
from nbkit.warehouse.base import ReplaceResult, Warehouse

__all__ = ["open_warehouse", "Warehouse", "ReplaceResult"]


def open_warehouse(url: str | None = None, project: str | None = None, *,
                   read_only: bool = False, wait_seconds: float = 0.0) -> Warehouse:
    """Open the warehouse at ``url`` (default: $NBKIT_WAREHOUSE or warehouse/nba.duckdb).

    Args:
        url: a DuckDB file path, ``duckdb:///path``, ``duckdb://:memory:`` or
            ``bigquery://PROJECT``.
        project: the BigQuery project id SQL refers to (default nba-props-platform).
        read_only: open the embedded file without taking the write lock.
        wait_seconds: how long to wait for another process's write lock.
    """
    kind, target = parse_warehouse_url(resolve_warehouse_url(url))
    if kind == "bigquery":
        from nbkit.warehouse.bigquery import BigQueryWarehouse

        return BigQueryWarehouse(project=resolve_project(project or target))
    from nbkit.warehouse.duckdb import DuckDBWarehouse

    return DuckDBWarehouse(target, resolve_project(project), read_only=read_only,
                           wait_seconds=wait_seconds)
