"""``require_partition_filter``, checked statically on the SQL nbkit sends.

Real BigQuery refuses ("Cannot query over table ... without a filter over column(s) ... that
can be used for partition elimination") any query that reads a table declared with
``require_partition_filter=TRUE`` (nbkit/schema/ddl/*.sql) unless it filters the table on its
partition column. The emulator does not enforce it, so this module does, with sqlglot.

The rule as modelled here (BigQuery's documented rule, applied per table reference):

* every reference to such a table in a FROM or JOIN must be filtered in the query block that
  reads it: a conjunct of that block's WHERE (or of the ON of the join that brings the table
  in) that references the table's partition column and no other column, and no subquery
  (``d IN UNNEST(@dates)``, ``d BETWEEN @a AND @b``, ``DATE(ts) >= DATE '2021-10-01'``).
  A scalar subquery that reads no table (``(SELECT MIN(x) FROM UNNEST(@dates) AS x)``) is a
  constant of the query parameters and counts. A filter in an outer query, inside an OR with
  another column, through a joined CTE's columns (``d BETWEEN b.first AND b.last``) or
  correlated with another table does not count;
* DELETE/UPDATE targets: the same, on the statement's WHERE;
* a MERGE target is read only by ``WHEN MATCHED`` / ``WHEN NOT MATCHED BY SOURCE``
  clauses: the ON condition, or the search condition of each such clause, must filter it
  (BigQuery's documented pruning form, ``WHEN NOT MATCHED BY SOURCE AND T.d IN ... THEN
  DELETE``, is nbkit's replace primitive);
* tables written by INSERT or created by DDL are not read.

Any other place a guarded table appears is reported too, so nothing escapes unchecked.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import sqlglot
from sqlglot import exp


@dataclass(frozen=True)
class Violation:
    table: str
    column: str
    where: str  # the query block or statement, shortened

    def __str__(self) -> str:
        return f"{self.table} read without a filter on {self.column}: {self.where}"


@functools.lru_cache(maxsize=1)
def guarded_tables() -> dict[str, str]:
    """``dataset.table`` -> partition column, for every table declared with the option."""
    from nbkit import schema

    out = {}
    for table in schema.tables().values():
        tree = sqlglot.parse_one(table.ddl, read="bigquery")
        for prop in tree.find_all(exp.Property):
            if prop.name.lower() == "require_partition_filter" and \
                    prop.args.get("value") is not None and \
                    prop.args["value"].sql().upper() == "TRUE":
                out[table.id] = table.partition_column
    return out


@functools.lru_cache(maxsize=4096)
def violations(sql: str) -> tuple[Violation, ...]:
    """Every read of a guarded table in ``sql`` (one or more statements) lacking its filter."""
    guarded = guarded_tables()
    found: list[Violation] = []
    for tree in sqlglot.parse(sql, read="bigquery"):
        if tree is None:
            continue
        checked: set[int] = set()
        for select in tree.find_all(exp.Select):
            _check_select(select, guarded, checked, found)
        _check_dml(tree, guarded, checked, found)
        for table in tree.find_all(exp.Table):
            key = _key(table)
            if key in guarded and id(table) not in checked:
                found.append(Violation(key, guarded[key], f"unrecognised use in {_short(tree)}"))
    return tuple(found)


def _check_select(select: exp.Select, guarded, checked: set[int], found: list) -> None:
    where = _conjuncts(select.args.get("where"))
    from_ = select.args.get("from_") or select.args.get("from")
    reads = [(from_.this, [])] if from_ is not None else []
    reads += [(j.this, _conjuncts(j.args.get("on"))) for j in select.args.get("joins") or []]
    for source, on in reads:
        key = _key(source)
        if key not in guarded:
            continue
        checked.add(id(source))
        if not _filtered(where + on, source, guarded[key]):
            found.append(Violation(key, guarded[key], _short(select)))


def _check_dml(tree: exp.Expression, guarded, checked: set[int], found: list) -> None:
    if isinstance(tree, (exp.Insert, exp.Create)):
        target = tree.this.find(exp.Table) if not isinstance(tree.this, exp.Table) else tree.this
        if target is not None:
            checked.add(id(target))
        return
    if not isinstance(tree, (exp.Delete, exp.Update, exp.Merge)):
        return
    target = tree.this
    key = _key(target)
    if key not in guarded:
        return
    checked.add(id(target))
    column = guarded[key]
    if isinstance(tree, exp.Merge):
        on = _conjuncts(tree.args.get("on"))
        whens = tree.args.get("whens")
        readers = [w for w in (whens.expressions if whens else [])
                   if w.args.get("matched") or w.args.get("source")]
        ok = _filtered(on, target, column) or all(
            _filtered(_conjuncts(w.args.get("condition")), target, column) for w in readers)
    else:
        ok = _filtered(_conjuncts(tree.args.get("where")), target, column)
    if not ok:
        found.append(Violation(key, column, _short(tree)))


def _filtered(conjuncts: list[exp.Expression], table: exp.Table, column: str) -> bool:
    names = {table.alias_or_name.lower(), table.name.lower()}
    for conj in conjuncts:
        subqueries = list(conj.find_all(exp.Query))
        if not isinstance(conj, exp.Predicate) or any(q.find(exp.Table) for q in subqueries):
            continue
        inner = {id(c) for q in subqueries for c in q.find_all(exp.Column)}
        cols = [c for c in conj.find_all(exp.Column) if id(c) not in inner]
        if cols and all(c.name.lower() == column.lower()
                        and (not c.table or c.table.lower() in names) for c in cols):
            return True
    return False


def _conjuncts(node: exp.Expression | None) -> list[exp.Expression]:
    if node is None:
        return []
    if isinstance(node, exp.Where):
        node = node.this
    node = node.unnest()
    if isinstance(node, exp.And):
        return [c.unnest() for c in node.flatten()]
    return [node]


def _key(node) -> str | None:
    if not isinstance(node, exp.Table) or not node.db:
        return None
    return f"{node.db}.{node.name}"


def _short(node: exp.Expression) -> str:
    text = " ".join(node.sql("bigquery").split())
    return text if len(text) <= 240 else text[:237] + "..."
