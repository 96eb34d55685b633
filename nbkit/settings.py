"""Every nbkit setting, read in one place: flag > environment > project file > default.

The project file is ``nbkit.toml``, or the ``[tool.nbkit]`` table of a ``pyproject.toml``,
found from the working directory upward, or named by ``--project PATH`` / ``$NBKIT_PROJECT``
(a file, or the folder holding one). Relative paths written in the file are relative to
the file's folder; relative paths given as flags or environment variables are relative to
the working directory. With no project file every setting has today's default.

Environment variables are the field names in upper case with the prefix ``NBKIT_``
(``NBKIT_WAREHOUSE``, ``NBKIT_BIGQUERY_PROJECT``, ``NBKIT_BOOTSTRAP_DAYS``, ...); nested
tables use ``__`` (``NBKIT_PIPELINE__BUILTIN=false``).

>>> Settings().bootstrap_days
7
"""

from __future__ import annotations

import difflib
import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from nbkit.errors import ConfigError

PROJECT_ENV = "NBKIT_PROJECT"
PROJECT_FILE = "nbkit.toml"
PYPROJECT_FILE = "pyproject.toml"
PRODUCTION_PROJECT = "nba-props-platform"
DEFAULT_WAREHOUSE = "warehouse/nba.duckdb"
DEFAULT_BOOTSTRAP_DAYS = 7


class PipelineSettings(BaseModel):
    """``[pipeline]``: where the project's own processors, tables and checks live."""

    model_config = ConfigDict(extra="forbid")

    builtin: bool = Field(True, description="include nbkit's ten built-in processors")
    entry_points: bool = Field(True, description="load processors from installed packages "
                                                 "(entry-point group nbkit.processors)")
    processors: list[Path] = Field(default_factory=list,
                                   description="folders (or files) of .sql processors")
    ddl: list[Path] = Field(default_factory=list,
                            description="folders (or files) of CREATE TABLE statements")
    checks: list[Path] = Field(default_factory=list, description="folders of check .sql files")
    external: list[dict[str, Any]] = Field(
        default_factory=list, description="[[pipeline.external]] command or callable processors")


class RetrySettings(BaseModel):
    """``[retries]``: transient warehouse errors (by type and reason code) are retried."""

    model_config = ConfigDict(extra="forbid")

    attempts: int = Field(3, ge=1, le=20, description="tries per chunk, the first included")
    initial_seconds: float = Field(0.5, ge=0, le=600, description="first backoff wait")
    max_seconds: float = Field(30.0, ge=0, le=3600, description="longest single wait")
    total_wait_seconds: float = Field(120.0, ge=0, le=86400,
                                      description="most time waiting across one chunk's retries")
    jitter: float = Field(0.5, ge=0, le=60, description="random seconds added to each wait")


class Webhook(BaseModel):
    """One ``[[notifications.webhooks]]`` entry. The URL is a secret: it is never logged,
    saved in a report, run.json or the ledger. Give it in the file (``url``) or, better,
    name the environment variable holding it (``url_env``)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field("webhook", description="how logs and digests refer to it (not the URL)")
    url: SecretStr | None = Field(None, description="the webhook URL (a secret)")
    url_env: str | None = Field(None, description="environment variable holding the URL")
    format: str = Field("json", pattern="^(slack|json)$",
                        description="slack (Slack-compatible text and blocks) or json")

    def resolved_url(self) -> str | None:
        if self.url is not None:
            return self.url.get_secret_value()
        return os.environ.get(self.url_env) if self.url_env else None


class NotificationSettings(BaseModel):
    """``[notifications]``: the end-of-run digest, one message per run."""

    model_config = ConfigDict(extra="forbid")

    webhooks: list[Webhook] = Field(default_factory=list)
    timeout_seconds: float = Field(10.0, gt=0, le=120, description="per delivery")
    on: list[str] = Field(default_factory=lambda: ["success", "partial", "failed", "cancelled",
                                                   "interrupted", "nothing to do"],
                          description="run statuses that send a digest")
    report_base_url: str | None = Field(None, description="prefix turning report paths into "
                                                          "URLs in the digest")


class LineageSettings(BaseModel):
    """``[lineage]``: OpenLineage events per processor chunk (openlineage-python)."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = Field(False, description="emit START/COMPLETE/FAIL events")
    transport: str = Field("file", pattern="^(file|http|console)$")
    file: Path | None = Field(None, description="file transport: the JSON-lines file")
    url: SecretStr | None = Field(None, description="http transport: the OpenLineage endpoint")
    endpoint: str = Field("api/v1/lineage", description="http transport: the API path")
    job_namespace: str = Field("nbkit", description="namespace of the jobs (processors)")
    timeout_seconds: float = Field(5.0, gt=0, le=120)


class Settings(BaseSettings):
    """The typed settings of one nbkit invocation."""

    model_config = SettingsConfigDict(env_prefix="NBKIT_", env_nested_delimiter="__",
                                      extra="forbid", validate_default=True)

    warehouse: str = Field(DEFAULT_WAREHOUSE,
                           description="DuckDB file, duckdb:///path or bigquery://PROJECT")
    bigquery_project: str | None = Field(
        None, description="BigQuery project every table is qualified with "
                          "(default: the project of a bigquery:// warehouse URL, else "
                          f"{PRODUCTION_PROJECT})")
    production_project: str = Field(PRODUCTION_PROJECT,
                                    description="the project init and sample-data refuse "
                                                "without --i-mean-production")
    allow_production: bool = Field(False, description="let init and sample-data write to "
                                                      "the production project")
    bigquery_endpoint: str | None = Field(None, description="BigQuery API endpoint (an emulator)")
    datasets: dict[str, str] = Field(default_factory=dict,
                                     description="dataset name in SQL -> dataset in the "
                                                 "warehouse, e.g. nba_raw = 'nba_raw_dev'")
    bootstrap_days: int = Field(DEFAULT_BOOTSTRAP_DAYS, ge=0, le=60,
                                description="days from opening night without Phase 4 output")
    workers: int = Field(2, ge=1, le=64, description="processors run at once")
    duckdb_memory_limit: str = Field(
        "1GB", pattern=r"^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$",
        description="most memory the embedded warehouse holds (DuckDB's memory_limit): "
                    "cached pages beyond it are dropped, larger statements spill to disk")
    max_bytes_billed: str | None = Field(None, description="budget per plan and per job, "
                                                           "e.g. 50GiB")
    reports_dir: Path = Field(Path("reports"), description="where notebook runs are saved")
    log: str = Field("WARNING", description="log level")
    operator: str | None = Field(None, description="name recorded as the run's operator")
    progress: str = Field("auto", description="progress bars: auto, on or off")
    pipeline: PipelineSettings = Field(default_factory=PipelineSettings)
    notifications: NotificationSettings = Field(default_factory=NotificationSettings)
    lineage: LineageSettings = Field(default_factory=LineageSettings)
    retries: RetrySettings = Field(default_factory=RetrySettings)

    # Where the settings came from; not settable.
    project_file: Path | None = Field(None, exclude=True)

    @property
    def project_dir(self) -> Path | None:
        """The project file's folder (relative paths in the file are relative to it)."""
        return self.project_file.parent if self.project_file else None

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, env_settings,
                                   dotenv_settings, file_secret_settings):
        return (init_settings, env_settings, _ProjectFileSource(settings_cls))


class _ProjectFileSource(PydanticBaseSettingsSource):
    """The project file's table, relative paths resolved against its folder."""

    def __init__(self, settings_cls, values: dict[str, Any] | None = None) -> None:
        super().__init__(settings_cls)
        self.values = values or {}

    def get_field_value(self, field, field_name):  # pragma: no cover - __call__ is used
        return self.values.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return dict(self.values)


def find_project_file(given: str | os.PathLike | None = None,
                      start: Path | None = None) -> Path | None:
    """The project file: ``given`` (file or folder), else $NBKIT_PROJECT, else found upward.

    Raises:
        ConfigError: a project given explicitly does not exist or holds no nbkit settings.
    """
    explicit = given or os.environ.get(PROJECT_ENV)
    if explicit:
        path = Path(explicit).expanduser()
        if path.is_dir():
            for name in (PROJECT_FILE, PYPROJECT_FILE):
                if (path / name).is_file() and _holds_settings(path / name):
                    return (path / name).resolve()
            raise ConfigError(f"No {PROJECT_FILE} (or pyproject.toml with [tool.nbkit]) in {path}",
                              f"create one with `nbkit init --project {path}`, or point "
                              "--project at the file")
        if path.is_file():
            return path.resolve()
        raise ConfigError(f"Project {path} does not exist",
                          "give --project (or $NBKIT_PROJECT) an existing folder or nbkit.toml")
    folder = (start or Path.cwd()).resolve()
    for candidate in (folder, *folder.parents):
        for name in (PROJECT_FILE, PYPROJECT_FILE):
            path = candidate / name
            if path.is_file() and _holds_settings(path):
                return path
    return None


def read_project_file(path: Path) -> dict[str, Any]:
    """The nbkit table of a project file, relative paths made absolute.

    Raises:
        ConfigError: the file is not valid TOML (naming the line).
    """
    try:
        data = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path} is not valid TOML: {err}",
                          "fix the syntax (https://toml.io) and run again") from None
    except OSError as err:
        raise ConfigError(f"Cannot read {path}: {err.strerror}",
                          "check the path and its permissions") from None
    table = data.get("tool", {}).get("nbkit", {}) if path.name == PYPROJECT_FILE else data
    return _resolve_paths(table, path.parent)


def load_settings(project: str | os.PathLike | None = None, **flags: Any) -> Settings:
    """Settings from flags (``None`` values are ignored), environment, project file, defaults.

    Raises:
        ConfigError: an unknown key (with a did-you-mean) or a bad value, naming its source.
    """
    project_file = find_project_file(project)
    values = read_project_file(project_file) if project_file else {}
    given = {k: v for k, v in flags.items() if v is not None}
    try:
        settings = _SettingsFromFile(values)(**given)
    except ValidationError as err:
        raise _explain(err, project_file) from None
    settings.project_file = project_file
    return settings


def _SettingsFromFile(values: dict[str, Any]) -> type[Settings]:
    """A Settings class whose project-file source holds ``values``."""

    class _Bound(Settings):
        @classmethod
        def settings_customise_sources(cls, settings_cls, init_settings, env_settings,
                                       dotenv_settings, file_secret_settings):
            return (init_settings, env_settings, _ProjectFileSource(settings_cls, values))

    _Bound.__name__ = "Settings"
    return _Bound


_current: Settings | None = None


def current() -> Settings:
    """The settings in force: those set by ``use``, else read now (environment, file, defaults).

    Not cached unless set by ``use``: a changed environment variable takes effect at once.
    """
    if _current is not None:
        return _current
    key = (os.getcwd(), tuple(sorted((k, v) for k, v in os.environ.items()
                                     if k.startswith("NBKIT_"))))
    if _loaded.get("key") != key:
        _loaded.update(key=key, settings=load_settings())
    return _loaded["settings"]


_loaded: dict[str, Any] = {}


def use(settings: Settings | None) -> None:
    """Make ``settings`` this process's settings (None: load them again on next use)."""
    global _current
    _current = settings


def _holds_settings(path: Path) -> bool:
    if path.name != PYPROJECT_FILE:
        return True
    try:
        return "nbkit" in tomllib.loads(path.read_text()).get("tool", {})
    except (tomllib.TOMLDecodeError, OSError):
        return False


_PATH_KEYS = {"reports_dir"}
_PIPELINE_PATH_KEYS = {"processors", "ddl", "checks"}


def _resolve_paths(table: dict[str, Any], base: Path) -> dict[str, Any]:
    out = dict(table)
    for key in _PATH_KEYS & out.keys():
        out[key] = str(_absolute(out[key], base))
    warehouse = out.get("warehouse")
    if isinstance(warehouse, str) and "://" not in warehouse:
        out["warehouse"] = str(_absolute(warehouse, base))
    pipeline = out.get("pipeline")
    if isinstance(pipeline, dict):
        pipeline = dict(pipeline)
        for key in _PIPELINE_PATH_KEYS & pipeline.keys():
            value = pipeline[key]
            items = value if isinstance(value, list) else [value]
            pipeline[key] = [str(_absolute(v, base)) if isinstance(v, str) else v for v in items]
        out["pipeline"] = pipeline
    lineage = out.get("lineage")
    if isinstance(lineage, dict) and isinstance(lineage.get("file"), str):
        out["lineage"] = {**lineage, "file": str(_absolute(lineage["file"], base))}
    return out


def _absolute(value: Any, base: Path) -> Any:
    if not isinstance(value, str):
        return value
    path = Path(value).expanduser()
    return path if path.is_absolute() else (base / path).resolve()


def _explain(err: ValidationError, project_file: Path | None) -> ConfigError:
    """One line per problem, each naming the key, where it came from and the fix."""
    source = str(project_file) if project_file else "settings"
    problems = []
    for item in err.errors():
        where = ".".join(str(p) for p in item["loc"])
        if item["type"] == "extra_forbidden":
            known = _known_keys(item["loc"])
            close = difflib.get_close_matches(str(item["loc"][-1]), known, n=1)
            fix = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(known)}"
            problems.append((f"unknown key {where!r}", fix))
        else:
            problems.append((f"{where}: {item['msg']}",
                             "correct the value in the project file, flag or NBKIT_ variable"))
    if len(problems) == 1:
        return ConfigError(f"{source}: {problems[0][0]}", problems[0][1])
    text = "; ".join(f"{p} ({f})" for p, f in problems)
    return ConfigError(f"{len(problems)} problems in {source}: {text}",
                       "correct each key named above")


def _known_keys(loc: tuple) -> list[str]:
    model: type[BaseModel] = Settings
    for part in loc[:-1]:
        field = model.model_fields.get(str(part))
        annotation = field.annotation if field else None
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            model = annotation
        else:
            break
    return [name for name in model.model_fields if name != "project_file"]
