"""Qualify every table a statement names with the configured project (a sqlglot rewrite).

nbkit's SQL names tables as production SQL does without a project: ``nba_raw.t`` or
`` `nba_raw.t` ``. The warehouse qualifies each reference with its project and maps the
dataset through ``settings.datasets`` (``nba_raw`` -> ``nba_raw_dev``), so one SQL text
runs against production, a dev project, the emulator and DuckDB.

Rules, per table reference (``CREATE/DROP SCHEMA`` names included):

* ``dataset.table`` (no project): qualified with the configured project, dataset mapped;
* ``project.dataset.table`` with the configured project: dataset mapped;
* ``project.dataset.table`` with another project: left as written on BigQuery (a
  cross-project read is legitimate in an operator's ad-hoc SQL; nbkit's own SQL never
  carries a project). The embedded warehouse has one catalog, so there every project
  means this warehouse (ad-hoc SQL naming the production project runs unchanged);
* a name without a dataset (a CTE, an alias) and ``region-xx.INFORMATION_SCHEMA`` views
  are left alone.

On BigQuery the user's text is kept: only the characters of each rewritten table name are
replaced (sqlglot's token positions), so comments and formatting reach BigQuery as written.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

Datasets = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Target:
    """The configured project and dataset names: where every table reference goes."""

    project: str
    datasets: Datasets = ()

    def dataset(self, name: str) -> str:
        """The warehouse's name for a dataset as SQL names it."""
        return dict(self.datasets).get(name, name)

    def sql_dataset(self, name: str) -> str:
        """The SQL name of a dataset as the warehouse names it (inverse of ``dataset``)."""
        return {v: k for k, v in self.datasets}.get(name, name)

    def table_ref(self, table_id: str) -> str:
        """``project.dataset.table`` of a ``dataset.table`` (no quotes)."""
        dataset, _, name = table_id.rpartition(".")
        return f"{self.project}.{self.dataset(dataset)}.{name}"


def as_datasets(mapping: dict[str, str] | None) -> Datasets:
    """A hashable, sorted form of ``settings.datasets``."""
    return tuple(sorted((mapping or {}).items()))


def references(tree: exp.Expression) -> list[tuple[exp.Table, str | None, str, str | None]]:
    """(node, project, dataset, table) of each table reference that names a dataset.

    ``table`` is None for a schema (``CREATE SCHEMA nba_raw``); INFORMATION_SCHEMA views
    keep their view in ``table`` (``INFORMATION_SCHEMA.PARTITIONS``).
    """
    out = []
    for node in tree.find_all(exp.Table):
        parts = [p for part in node.parts for p in part.name.split(".") if p]
        upper = [p.upper() for p in parts]
        if "INFORMATION_SCHEMA" in upper:
            at = upper.index("INFORMATION_SCHEMA")
            view = ".".join(parts[at:])
            head = parts[:at]
            if not head or head[-1].lower().startswith("region-"):
                continue
            project, dataset = (head[-2] if len(head) > 1 else None), head[-1]
            out.append((node, project, dataset, view))
        elif node.name == "" and node.args.get("db") is not None:  # a schema
            out.append((node, parts[-2] if len(parts) > 1 else None, parts[-1], None))
        elif len(parts) >= 2:
            out.append((node, parts[-3] if len(parts) > 2 else None, parts[-2], parts[-1]))
    return out


def qualified_name(target: Target, project: str | None, dataset: str,
                   table: str | None, foreign_kept: bool = True) -> str | None:
    """``project.dataset[.table]`` a reference becomes, or None to leave it as written."""
    if project and project != target.project and foreign_kept:
        return None
    name = f"{target.project}.{target.dataset(dataset)}"
    return f"{name}.{table}" if table else name


def qualify_text(sql: str, tree: exp.Expression, target: Target) -> str:
    """The statement's own text with each table name qualified (BigQuery).

    Falls back to sqlglot's regeneration of the statement if a name has no position.
    """
    edits = []
    for node, project, dataset, table in references(tree):
        name = qualified_name(target, project, dataset, table)
        if name is None:
            continue
        spans = [(p.meta.get("start"), p.meta.get("end")) for p in node.parts]
        starts = [s for s, _ in spans if s is not None]
        ends = [e for _, e in spans if e is not None]
        if not starts or not ends or sql[min(starts)] not in "`" + _IDENT_START:
            return _regenerated(tree, target)
        edits.append((min(starts), max(ends) + 1, f"`{name}`"))
    for start, end, text in sorted(edits, reverse=True):
        sql = sql[:start] + text + sql[end:]
    return sql


_IDENT_START = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_"


def _regenerated(tree: exp.Expression, target: Target) -> str:
    tree = tree.copy()
    for node, project, dataset, table in references(tree):
        name = qualified_name(target, project, dataset, table)
        if name is None:
            continue
        pieces = name.split(".")
        if table is None:
            node.set("db", exp.to_identifier(".".join(pieces), quoted=True))
        else:
            replacement = exp.Table(this=exp.to_identifier(".".join(pieces), quoted=True))
            node.set("this", replacement.this)
            node.set("db", None)
            node.set("catalog", None)
    return tree.sql("bigquery")
