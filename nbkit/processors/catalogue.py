"""The catalogue: every processor and check of a project, loaded from its settings.

Sources, in order: nbkit's ten built-ins (``pipeline.builtin``), installed packages
(entry-point group ``nbkit.processors``, ``pipeline.entry_points``), the project's ``.sql``
processors (``pipeline.processors``), its ``[[pipeline.external]]`` commands and callables,
and its checks (``pipeline.checks``). Loading only reads files: no user code runs, nothing
connects. Every declaration is checked here, before anything is planned or written:
duplicate names, unknown upstreams, a cycle, a target table or column no DDL declares.
"""

from __future__ import annotations

import importlib
import importlib.metadata
from dataclasses import dataclass, field
from pathlib import Path

from nbkit import schema
from nbkit.errors import SchemaError
from nbkit.graph import Graph
from nbkit.processors import BUILTIN
from nbkit.processors import checks as user_checks
from nbkit.processors import columns, external, header, sqlfile
from nbkit.processors.base import Processor
from nbkit.processors.header import DeclarationError
from nbkit.schema.user import sql_files

ENTRY_POINT_GROUP = "nbkit.processors"


@dataclass(frozen=True)
class Catalogue:
    """The processors (dependency order) and checks of one project.

    Attributes:
        graph: the processor graph.
        checks: user checks, by processor.
        sources: processor name -> where it was declared (a file, an entry point).
    """

    graph: Graph
    checks: tuple[user_checks.Check, ...] = ()
    sources: dict[str, str] = field(default_factory=dict)

    @property
    def processors(self) -> tuple[type[Processor], ...]:
        return self.graph.order

    def checks_of(self, name: str) -> list[user_checks.Check]:
        return [c for c in self.checks if c.processor == name]


def load(pipeline=None, project_dir: Path | None = None, source: str = "settings") -> Catalogue:
    """The catalogue the pipeline settings declare (default: the settings in force).

    Raises:
        DeclarationError: any declaration it refuses, naming the file and the fix.
        SchemaError: a DDL file that does not parse.
    """
    if pipeline is None:
        from nbkit import settings

        current = settings.current()
        pipeline, project_dir = current.pipeline, current.project_dir
        source = str(current.project_file or "settings")
    found: dict[str, tuple[type[Processor], str]] = {}
    if pipeline.builtin:
        for name in BUILTIN:
            _add(found, importlib.import_module(f"nbkit.processors.{name}").PROCESSOR,
                 f"nbkit built-in {name}")
    if pipeline.entry_points:
        for proc, where in _entry_point_processors():
            _add(found, proc, where)
    for proc in _sql_processors(pipeline.processors):
        _add(found, proc, str(proc.SQL_PATH))
    for item in pipeline.external:
        proc = external.from_settings(item, project_dir, source)
        _add(found, proc, f"{source} [[pipeline.external]] {proc.NAME}")
    procs = _link_upstreams({n: p for n, (p, _) in found.items()},
                            {n: w for n, (_, w) in found.items()})
    sources = {n: w for n, (_, w) in found.items()}
    _check_upstreams(procs, sources)
    graph = Graph.build(procs.values(), {n: i for i, n in enumerate(BUILTIN)})
    _check_tables(procs, sources)
    checks = tuple(user_checks.load_all(pipeline.checks, procs))
    return Catalogue(graph, checks, sources)


def settings_key() -> tuple:
    """What the catalogue of the settings in force depends on (a changed key: reload)."""
    from nbkit import settings

    current = settings.current()
    return (str(current.project_file), current.pipeline.model_dump_json())


# --------------------------------------------------------------------------- helpers

def _add(found: dict, proc: type[Processor], where: str) -> None:
    if proc.NAME in found:
        raise DeclarationError(f"{where}: processor name {proc.NAME!r} is already declared by "
                               f"{found[proc.NAME][1]}", "rename one of the two")
    found[proc.NAME] = (proc, where)


def _entry_point_processors():
    for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        where = f"entry point {ep.name} ({ep.value})"
        try:
            value = ep.load()
        except Exception as err:  # noqa: BLE001 - a broken plugin is named, not hidden
            raise DeclarationError(f"{where}: cannot be loaded: {type(err).__name__}: {err}",
                                   "fix or uninstall the package that declares it") from None
        items = value() if callable(value) and not isinstance(value, type) else value
        items = items if isinstance(items, (list, tuple)) else [items]
        for proc in items:
            if not (isinstance(proc, type) and issubclass(proc, Processor)):
                raise DeclarationError(f"{where}: gives {proc!r}, not a Processor subclass",
                                       "point the entry point at a Processor subclass, a "
                                       "list of them, or a function returning one")
            yield proc, where


def _sql_processors(folders) -> list[type[Processor]]:
    headerless, procs, referenced = [], [], set()
    for path in sql_files(folders, "pipeline.processors"):
        text = path.read_text()
        kind = header.kind_of(text)
        if kind is None:
            headerless.append(path.resolve())
            continue
        if kind != "processor":
            raise DeclarationError(f"{path}: a check in pipeline.processors",
                                   "move it to a pipeline.checks folder")
        parsed = header.parse(path, text)
        expected = parsed.values.get("expected_rows", "")
        if expected.lower().endswith(".sql"):
            referenced.add((path.parent / expected).resolve())
        procs.append(sqlfile.load(path, parsed))
    stray = [p for p in headerless if p not in referenced]
    if stray:
        raise DeclarationError(f"{stray[0]}: no declaration header",
                               "start it with a /* nbkit processor ... */ block of key: value "
                               "lines, or move it out of pipeline.processors")
    return procs


def _link_upstreams(procs: dict[str, type[Processor]], sources: dict[str, str]
                    ) -> dict[str, type[Processor]]:
    """Fill each SQL processor's upstream processors: the writers of the tables it reads."""
    writers = {p.TARGET_TABLE: n for n, p in procs.items() if p.TARGET_TABLE}
    for name, proc in procs.items():
        if not issubclass(proc, sqlfile.SqlFileProcessor):
            continue
        inferred = tuple(sorted({writers[t] for t in proc.UPSTREAM_TABLES
                                 if t in writers and writers[t] != name}))
        declared = proc.DECLARED_UPSTREAM
        if declared and set(declared) != set(inferred):
            raise DeclarationError(
                f"{sources[name]}: upstream declares {', '.join(sorted(declared))} but the SQL "
                f"reads the tables of {', '.join(inferred) or 'no processor'}",
                "correct upstream, or drop it (it is inferred from the SELECT)")
        proc.UPSTREAM_PROCESSORS = inferred
    return procs


def _check_upstreams(procs: dict[str, type[Processor]], sources: dict[str, str]) -> None:
    import difflib

    for name, proc in procs.items():
        for upstream in proc.UPSTREAM_PROCESSORS:
            if upstream not in procs:
                close = difflib.get_close_matches(upstream, list(procs), n=1)
                raise DeclarationError(f"{sources[name]}: upstream {upstream!r} is not a "
                                       "processor", f"did you mean {close[0]!r}?" if close
                                       else f"use one of: {', '.join(procs)}")


def _check_tables(procs: dict[str, type[Processor]], sources: dict[str, str]) -> None:
    """Targets, keys and (for SQL processors) every column read are declared in the DDL."""
    try:
        tables = schema.tables()
    except SchemaError:
        raise
    for name, proc in procs.items():
        where = sources[name]
        if proc.TARGET_TABLE:
            table = tables.get(proc.TARGET_TABLE)
            if table is None:
                raise DeclarationError(
                    f"{where}: target table {proc.TARGET_TABLE} is not declared in any DDL file",
                    f"add CREATE TABLE {proc.TARGET_TABLE} (...) to a file of pipeline.ddl")
            for column in (proc.DATE_COLUMN, *proc.KEY_COLUMNS):
                if column not in table.column_names:
                    raise DeclarationError(f"{where}: {proc.TARGET_TABLE} has no column "
                                           f"{column!r} (date_column/keys)",
                                           f"declare it in the DDL or correct the header")
        if issubclass(proc, sqlfile.SqlFileProcessor):
            columns.check(proc, tables, where)
