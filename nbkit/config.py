"""Warehouse URL and project id resolution, on top of ``nbkit.settings``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from nbkit import settings as _settings
from nbkit.errors import ConfigError

DEFAULT_PROJECT = _settings.PRODUCTION_PROJECT
DEFAULT_WAREHOUSE = _settings.DEFAULT_WAREHOUSE
WAREHOUSE_ENV = "NBKIT_WAREHOUSE"
PROJECT_ENV = "NBKIT_BIGQUERY_PROJECT"

# BigQuery project ids: 6-30 chars, lowercase letters, digits, hyphens; starts with a letter.
_PROJECT_RE = re.compile(r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$")


@dataclass(frozen=True)
class WarehouseLocation:
    """Where the warehouse is, as every part of nbkit resolves it (one resolver).

    Attributes:
        kind: ``duckdb`` or ``bigquery``.
        target: the DuckDB file (or ``:memory:``), or the BigQuery project.
        project: the BigQuery project every table is qualified with.
        explicit_project: True when the project was given (flag, environment, project
            file or the ``bigquery://PROJECT`` URL), False when it is the silent default.
    """

    kind: str
    target: str
    project: str
    explicit_project: bool

    @property
    def url(self) -> str:
        return f"bigquery://{self.target}" if self.kind == "bigquery" else self.target


def resolve_warehouse(url: str | None = None, project: str | None = None) -> WarehouseLocation:
    """The warehouse from the arguments, else the settings (flag > environment > project
    file > default). The BigQuery project: ``project``, else settings.bigquery_project,
    else the ``bigquery://PROJECT`` URL's, else the production project.

    A relative DuckDB path that does not exist is also looked up from the parent folder
    when the working directory is ``notebooks/`` (JupyterLab's working directory).
    """
    current = _settings.current()
    value = url or current.warehouse
    kind, target = parse_warehouse_url(value)
    given = project or current.bigquery_project
    if kind == "bigquery":
        from_url = url_project(value)
        chosen = validate_project_id(given or from_url or DEFAULT_PROJECT)
        return WarehouseLocation(kind, chosen, chosen, bool(given or from_url))
    return WarehouseLocation(kind, _local_path(target), validate_project_id(
        given or DEFAULT_PROJECT), bool(given))


def url_project(url: str) -> str | None:
    """The project written in a ``bigquery://PROJECT`` URL, None if it has none."""
    scheme, _, rest = url.partition("://")
    return (rest.strip("/") or None) if scheme == "bigquery" else None


def resolve_warehouse_url(url: str | None = None) -> str:
    """Return the warehouse URL from the argument, else the settings (flag, $NBKIT_WAREHOUSE,
    project file, default).

    Accepted forms: a file path (``warehouse/nba.duckdb``), ``duckdb:///path``,
    ``duckdb://:memory:`` and ``bigquery://PROJECT``.
    """
    value = url or _settings.current().warehouse
    kind, target = parse_warehouse_url(value)
    return f"{kind}://{target}" if kind == "bigquery" else value


def parse_warehouse_url(url: str) -> tuple[str, str]:
    """Split a warehouse URL into (backend, target); raise ConfigError on an unknown scheme."""
    if "://" not in url:
        return "duckdb", url
    scheme, _, rest = url.partition("://")
    if scheme == "duckdb":
        if not rest:
            raise ConfigError(f"Warehouse URL {url!r} has no path",
                              "use duckdb:///path/to/file.duckdb or a plain file path")
        return "duckdb", rest.lstrip("/") if rest.startswith("//") else rest
    if scheme == "bigquery":
        project = rest.strip("/") or DEFAULT_PROJECT
        validate_project_id(project)
        return "bigquery", project
    raise ConfigError(f"Unknown warehouse scheme {scheme!r} in {url!r}",
                      "use a file path, duckdb:///path/file.duckdb or bigquery://PROJECT_ID")


def validate_project_id(project: str) -> str:
    """Return the project id or raise ConfigError naming the BigQuery rules."""
    if not isinstance(project, str) or not _PROJECT_RE.match(project):
        raise ConfigError(f"Invalid BigQuery project id {project!r}",
                          "use 6-30 lowercase letters, digits or hyphens, starting with a letter "
                          f"(default {DEFAULT_PROJECT})")
    return project


def resolve_project(project: str | None = None) -> str:
    """Return the project id from the argument, else the settings, else the default."""
    return validate_project_id(project or _settings.current().bigquery_project
                               or DEFAULT_PROJECT)


def _local_path(target: str) -> str:
    path = Path(target)
    if target == ":memory:" or path.is_absolute() or path.exists():
        return target
    parent = Path.cwd().parent / path
    return str(parent) if Path.cwd().name == "notebooks" and parent.exists() else target


def package_data(name: str) -> Path:
    """Path of a file shipped in nbkit/data."""
    return Path(__file__).parent / "data" / name
