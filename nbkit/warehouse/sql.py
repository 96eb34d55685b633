"""BigQuery Standard SQL -> DuckDB: parse, fix up, split, and bind per statement.

All SQL in nbkit is written once in BigQuery Standard SQL. sqlglot translates
most of it; the fix-ups below close the gaps measured in
docs/bigquery-emulator.md, where sqlglot either fails or silently returns a
BigQuery-incorrect result. Each fix-up has a golden test.
"""

from __future__ import annotations

import functools
import re
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, SqlglotError

from nbkit import disk_cache
from nbkit.errors import SqlError
from nbkit.sql_parse import parsed_once  # noqa: F401 - the backends read it from here


_STRING_AGG_IGNORE_NULLS = re.compile(r"STRING_AGG\s*\([^()]*IGNORE\s+NULLS", re.I)


@dataclass(frozen=True)
class Statement:
    """One translated statement, ready for a backend.

    Attributes:
        sql: the statement in the target dialect.
        params: names of the named parameters it uses (without the ``@``).
        returns_rows: True for queries whose result should be fetched.
        source: the statement as written (BigQuery SQL), for error messages.
    """

    sql: str
    params: tuple[str, ...]
    returns_rows: bool
    source: str


def parse_bigquery(sql: str) -> list[exp.Expression]:
    """Parse BigQuery SQL into statements, raising SqlError with the fix on bad input."""
    if not isinstance(sql, str) or not sql.strip():
        raise SqlError("Empty SQL", "pass a BigQuery Standard SQL statement")
    try:
        trees = [t for t in sqlglot.parse(sql, read="bigquery") if t is not None]
    except ParseError as err:
        if _STRING_AGG_IGNORE_NULLS.search(sql):
            raise SqlError("STRING_AGG takes no IGNORE NULLS (BigQuery refuses it too)",
                           "drop IGNORE NULLS: STRING_AGG already skips NULL values") from err
        first = err.errors[0] if err.errors else {}
        where = f" at line {first.get('line')}, column {first.get('col')}" if first else ""
        detail = first.get("description", str(err)).split("\n")[0]
        raise SqlError(f"Could not parse the SQL as BigQuery Standard SQL{where}: {detail}",
                       "correct the syntax; nbkit expects BigQuery Standard SQL "
                       "(backtick-quoted `project.dataset.table` names, @named parameters)") from err
    except SqlglotError as err:
        raise SqlError(f"Could not parse the SQL as BigQuery Standard SQL: {err}",
                       "correct the syntax; nbkit expects BigQuery Standard SQL") from err
    if not trees:
        raise SqlError("The SQL contains no statement", "pass a BigQuery Standard SQL statement")
    return trees


def parameter_names(tree: exp.Expression) -> tuple[str, ...]:
    """Named parameters (``@name``) used by one parsed statement, sorted."""
    return tuple(sorted({p.name for p in tree.find_all(exp.Parameter) if p.name}))


# A translation slower than this is kept on disk for the next process (a processor's SQL
# takes 40-160 ms; the short statements around a write, often naming a fresh table, are not).
_STORE_AFTER_SECONDS = 0.005


@functools.lru_cache(maxsize=2048)
def to_duckdb(sql: str, catalog: str, project: str,
              datasets: tuple[tuple[str, str], ...] = ()) -> tuple[Statement, ...]:
    """Translate BigQuery SQL to DuckDB statements; cached by SQL text, in memory and (for
    slow ones) on disk, where a new process finds them (``nbkit.disk_cache``).

    Args:
        sql: one or more BigQuery statements separated by semicolons.
        catalog: the DuckDB catalog that stands in for every BigQuery project.
        project: the project id reported by INFORMATION_SCHEMA emulation.
        datasets: (SQL name, warehouse name) pairs: the schema each dataset maps onto.
    """
    key = disk_cache.digest(sql, catalog, project, repr(datasets))
    stored = disk_cache.read("sql", _translator_fingerprint(), key)
    if stored is not None:
        try:
            return tuple(Statement(s["sql"], tuple(s["params"]), s["returns_rows"], s["source"])
                         for s in stored)
        except (TypeError, KeyError):
            pass
    began = time.perf_counter()
    statements = _translate(sql, catalog, project, datasets)
    if time.perf_counter() - began >= _STORE_AFTER_SECONDS:
        disk_cache.write("sql", _translator_fingerprint(), key, [asdict(s) for s in statements])
    return statements


@functools.lru_cache(maxsize=1)
def _translator_fingerprint() -> str:
    """What a translation depends on besides its inputs: sqlglot's version and this code."""
    here = Path(__file__).resolve()
    return disk_cache.digest(sqlglot.__version__, here.read_text(),
                             (here.parents[1] / "sql_parse.py").read_text())[:16]


def _translate(sql: str, catalog: str, project: str,
               datasets: tuple[tuple[str, str], ...]) -> tuple[Statement, ...]:
    statements = []
    trees = parse_bigquery(sql)
    for tree in trees:
        # The text as written when it is one statement (no second generation pass).
        source = sql.strip() if len(trees) == 1 else tree.sql("bigquery")
        names = parameter_names(tree)
        returns_rows = isinstance(tree, (exp.Query, exp.Describe, exp.Show)) or (
            isinstance(tree, exp.Command) and tree.name.upper() in {"SHOW", "DESCRIBE"})
        # The tree was parsed for this call alone: fixed up in place, not copied first.
        fixed = fix_up(tree, catalog=catalog, project=project, datasets=datasets)
        try:
            text = fixed.sql("duckdb", unsupported_level=sqlglot.ErrorLevel.RAISE)
        except SqlglotError as err:
            raise SqlError(f"Cannot translate this statement for the embedded warehouse: {err}",
                           "rewrite it without the unsupported construct, or run it on BigQuery"
                           ) from err
        statements.append(Statement(text, names, returns_rows, source))
    return tuple(statements)


def bind(statement: Statement, params: dict | None) -> dict:
    """The subset of params this statement uses; raise SqlError naming any missing one."""
    return bind_names(statement.params, params)


def bind_names(names: tuple[str, ...], params: dict | None) -> dict:
    """The subset of params named; raise SqlError naming any missing one."""
    params = params or {}
    missing = [n for n in names if n not in params]
    if missing:
        raise SqlError(f"Query parameter(s) {', '.join('@' + m for m in missing)} not provided",
                       f"pass a value for each, e.g. params={{'{missing[0]}': ...}}")
    return {n: params[n] for n in names}


# --------------------------------------------------------------------------- fix-ups

def fix_up(tree: exp.Expression, catalog: str, project: str,
           datasets: tuple[tuple[str, str], ...] = ()) -> exp.Expression:
    """Apply every BigQuery->DuckDB fix-up to a parsed BigQuery statement."""
    tree = _remap_tables(tree, catalog, project, dict(datasets))
    if isinstance(tree, exp.Create):
        _drop_storage_options(tree)
    return tree.transform(_fix_node, copy=False)


def _drop_storage_options(tree: exp.Create) -> None:
    """PARTITION BY, CLUSTER BY and OPTIONS(...) are BigQuery storage hints DuckDB lacks."""
    props = tree.args.get("properties")
    if props is None:
        return
    props.set("expressions", [p for p in props.expressions if not isinstance(
        p, (exp.PartitionedByProperty, exp.ClusterProperty, exp.Property))])
    if not props.expressions:
        tree.set("properties", None)


_DATE_RETURNING = (exp.DateAdd, exp.DateSub, exp.DateTrunc)


def _fix_node(node: exp.Expression) -> exp.Expression:
    if isinstance(node, _DATE_RETURNING) and not isinstance(node.parent, exp.Cast):
        # DuckDB returns TIMESTAMP for date arithmetic; BigQuery returns DATE.
        return exp.cast(node.copy(), exp.DataType.build("DATE"))
    if isinstance(node, exp.Extract) and node.this.name.upper() == "DAYOFWEEK":
        # BigQuery: Sunday = 1; DuckDB DOW: Sunday = 0.
        return exp.paren(exp.Add(this=exp.Extract(this=exp.var("DOW"), expression=node.expression),
                                 expression=exp.Literal.number(1)))
    if isinstance(node, exp.Round) and _literal_int(node.args.get("decimals")):
        return _round_half_away(node)
    if isinstance(node, exp.LowerHex) and isinstance(node.this, exp.SHA2Digest) \
            and _literal_int(node.this.args.get("length")) == 256:
        # TO_HEX(SHA256(x)): DuckDB's sha256 already returns the lowercase hex digest; the
        # literal translation, LOWER(HEX(UNHEX(SHA256(x)))), costs ~0.6 us a row more.
        return exp.Anonymous(this="SHA256", expressions=[node.this.this])
    if isinstance(node, exp.Format):
        # DuckDB's FORMAT uses {} placeholders; printf takes BigQuery's %-style format.
        return exp.Anonymous(this="PRINTF", expressions=[node.this, *node.expressions])
    if _is_limited_array_agg(node):
        return _array_agg_limit(node)
    if _is_array_map(node):
        return _array_map(node)
    if isinstance(node, exp.GroupConcat) and isinstance(node.this, exp.Limit):
        return _string_agg_limit(node)
    if isinstance(node, exp.Unnest) and node.args.get("offset"):
        return _unnest_with_offset(node)
    if isinstance(node, exp.Insert) and isinstance(node.this, exp.Var) \
            and node.this.name.upper() == "ROW" and isinstance(node.parent, exp.When):
        return exp.Insert(this=exp.Star())
    if _is_filter_in_parameter(node):
        return _range_pruned(node)
    return node


def _is_filter_in_parameter(node: exp.Expression) -> bool:
    """``column IN UNNEST(@param)`` as a conjunct of a WHERE clause."""
    if not (isinstance(node, exp.In) and isinstance(node.this, exp.Column)):
        return False
    unnest = node.args.get("unnest")
    if unnest is None or len(unnest.expressions) != 1 \
            or not isinstance(unnest.expressions[0], exp.Parameter):
        return False
    parent = node.parent
    while isinstance(parent, (exp.And, exp.Paren)):
        parent = parent.parent
    return isinstance(parent, exp.Where)


def _range_pruned(node: exp.In) -> exp.Expression:
    # DuckDB gets `x IN UNNEST(@p)` as a CASE over ARRAY_CONTAINS, which no scan can prune
    # by: every chunk read whole tables (verification on 16 seasons 2.5x slower per date
    # than on 4). The range beside it lets row groups outside [min, max] be skipped; in a
    # WHERE conjunct, NULL and FALSE filter alike, so the rows are the same.
    param = node.args["unnest"].expressions[0]
    bounds = exp.Between(this=node.this.copy(),
                         low=exp.Anonymous(this="LIST_MIN", expressions=[param.copy()]),
                         high=exp.Anonymous(this="LIST_MAX", expressions=[param.copy()]))
    return exp.paren(exp.and_(bounds, node.copy()))


def _literal_int(value) -> int | None:
    if isinstance(value, exp.Literal) and not value.is_string and value.name.isdigit():
        return int(value.name) or None
    return None


def _round_half_away(node: exp.Round) -> exp.Expression:
    """ROUND(x, n) -> ROUND(x * 10^n) / 10^n, as BigQuery computes it.

    DuckDB 2.x rounds the exact binary value, so ROUND(2583 / 60 / 3, 1) (14.35 stored
    as 14.3499...) gives 14.3 where BigQuery gives 14.4; scaling first reproduces BigQuery.
    """
    scale = exp.Literal.number(10 ** _literal_int(node.args["decimals"]))
    scaled = exp.Round(this=exp.Mul(this=exp.paren(node.this.copy()), expression=scale))
    return exp.paren(exp.Div(this=scaled, expression=scale.copy()))


def _is_limited_array_agg(node: exp.Expression) -> bool:
    if isinstance(node, exp.IgnoreNulls):
        node = node.this
        return isinstance(node, exp.ArrayAgg) and isinstance(node.this, exp.Limit)
    return (isinstance(node, exp.ArrayAgg) and isinstance(node.this, exp.Limit)
            and not isinstance(node.parent, exp.IgnoreNulls))


def _array_agg_limit(node: exp.Expression) -> exp.Expression:
    """ARRAY_AGG(x [IGNORE NULLS] ORDER BY y LIMIT n) -> LIST_SLICE(ARRAY_AGG(...), 1, n)."""
    agg = node.this if isinstance(node, exp.IgnoreNulls) else node
    limit = agg.this
    unlimited = agg.copy()
    unlimited.set("this", limit.this.copy())
    if isinstance(node, exp.IgnoreNulls):
        unlimited = exp.IgnoreNulls(this=unlimited)
    return exp.Anonymous(this="LIST_SLICE",
                         expressions=[unlimited, exp.Literal.number(1), limit.expression.copy()])


def _is_array_map(node: exp.Expression) -> bool:
    """ARRAY(SELECT f(e) FROM UNNEST(a) AS e WITH OFFSET AS o ORDER BY o): a map over a."""
    select = node.expressions[0] if isinstance(node, exp.Array) and len(
        node.expressions) == 1 else None
    if not isinstance(select, exp.Select) or len(select.expressions) != 1 or any(
            select.args.get(k) for k in ("where", "group", "having", "joins", "limit",
                                         "qualify", "distinct")):
        return False
    unnest = select.args.get("from_") or select.args.get("from")
    unnest = unnest.this if unnest else None
    if not isinstance(unnest, exp.Unnest) or len(unnest.expressions) != 1 \
            or not unnest.args.get("offset") or not unnest.args.get("alias") \
            or len(unnest.args["alias"].columns) != 1:
        return False
    order = select.args.get("order")
    offset = unnest.args["offset"].name
    return (order is not None and len(order.expressions) == 1
            and not order.expressions[0].args.get("desc")
            and isinstance(order.expressions[0].this, exp.Column)
            and order.expressions[0].this.name == offset
            and not any(c.name == offset for c in select.expressions[0].find_all(exp.Column)))


def _array_map(node: exp.Array) -> exp.Expression:
    """-> LIST_TRANSFORM(a, e -> f(e)): DuckDB runs the subquery form once per row (51 s for
    the features of ml_feature_store_v2's checksum; the lambda takes well under a second)."""
    select = node.expressions[0]
    unnest = (select.args.get("from_") or select.args.get("from")).this
    element = unnest.args["alias"].columns[0]
    body = select.expressions[0].copy()
    if isinstance(body, exp.Alias):
        body = body.this
    return exp.Anonymous(this="LIST_TRANSFORM", expressions=[
        unnest.expressions[0].copy(),
        exp.Lambda(this=body, expressions=[exp.to_identifier(element.name)])])


def _string_agg_limit(node: exp.GroupConcat) -> exp.Expression:
    """STRING_AGG([DISTINCT] x, sep [ORDER BY o] LIMIT n) -> the first n non-NULL values joined.

    DuckDB's STRING_AGG takes no LIMIT: ARRAY_TO_STRING(LIST_SLICE(ARRAY_AGG([DISTINCT] x
    [ORDER BY o]) FILTER (WHERE x IS NOT NULL), 1, n), sep). STRING_AGG skips NULLs, so
    they are filtered before the LIMIT counts, as BigQuery does, and a group without a
    non-NULL value gives NULL.
    """
    limit = node.this
    agg = exp.IgnoreNulls(this=exp.ArrayAgg(this=limit.this.copy()))
    sliced = exp.Anonymous(this="LIST_SLICE",
                           expressions=[agg, exp.Literal.number(1), limit.expression.copy()])
    separator = node.args.get("separator") or exp.Literal.string(",")
    joined = exp.Anonymous(this="ARRAY_TO_STRING", expressions=[sliced, separator.copy()])
    value = limit.this.this if isinstance(limit.this, exp.Order) else limit.this
    value = value.expressions[0] if isinstance(value, exp.Distinct) else value
    no_value = exp.EQ(this=exp.Count(this=value.copy()), expression=exp.Literal.number(0))
    # No non-NULL value: NULL, as BigQuery (ARRAY_TO_STRING of an empty list is '').
    return exp.Case(ifs=[exp.If(this=no_value, true=exp.Null())], default=joined)


def _unnest_with_offset(node: exp.Unnest) -> exp.Expression:
    """UNNEST(a) AS v WITH OFFSET o -> (SELECT UNNEST(a) AS v, GENERATE_SUBSCRIPTS(a, 1) - 1 AS o)."""
    array = node.expressions[0]
    alias = node.args.get("alias")
    value_name = alias.columns[0].name if alias and alias.columns else (
        alias.name if alias and alias.name else "value")
    offset = node.args["offset"]
    offset_name = offset.name if isinstance(offset, exp.Identifier) else "offset"
    select = exp.select(
        exp.alias_(exp.Unnest(expressions=[array.copy()]), value_name),
        exp.alias_(exp.Sub(this=exp.Anonymous(this="GENERATE_SUBSCRIPTS",
                                              expressions=[array.copy(), exp.Literal.number(1)]),
                           expression=exp.Literal.number(1)), offset_name),
    )
    return exp.Subquery(this=select, alias=exp.TableAlias(this=exp.to_identifier(
        f"_unnest_{value_name}")))


def _remap_tables(tree: exp.Expression, catalog: str, project: str,
                  datasets: dict[str, str]) -> exp.Expression:
    """Map `project.dataset.table` and `dataset.table` onto the local catalog.

    The file has one catalog: every project id means this warehouse (ad-hoc SQL naming the
    production project runs unchanged); datasets are mapped as settings.datasets says.
    """
    if isinstance(tree, (exp.Create, exp.Drop)) and (tree.kind or "").upper() == "SCHEMA":
        target = tree.find(exp.Table)
        parts = [p for p in ".".join(
            part.name for part in target.parts).split(".") if p]
        target.replace(exp.Table(this=exp.to_identifier(datasets.get(parts[-1], parts[-1]),
                                                        quoted=True),
                                 db=exp.to_identifier(catalog, quoted=True)))
        return tree
    for table in list(tree.find_all(exp.Table)):
        name = table.name
        if "INFORMATION_SCHEMA." in name.upper():
            table.replace(_information_schema(table, name, catalog, project, datasets))
            continue
        if table.args.get("db") is not None:
            dataset = table.args["db"].name
            table.set("catalog", exp.to_identifier(catalog, quoted=True))
            table.set("db", exp.to_identifier(datasets.get(dataset, dataset), quoted=True))
            table.set("this", exp.to_identifier(name, quoted=True))
    return tree


def _information_schema(table: exp.Table, name: str, catalog: str, project: str,
                        datasets: dict[str, str]) -> exp.Expression:
    view = name.upper().split("INFORMATION_SCHEMA.", 1)[1]
    dataset = table.args["db"].name if table.args.get("db") else None
    dataset = datasets.get(dataset, dataset) if dataset else None
    if view != "TABLES":
        raise SqlError(f"INFORMATION_SCHEMA.{view} is not available on the embedded warehouse",
                       "use INFORMATION_SCHEMA.TABLES, or nbkit's partitions() API for partitions")
    where = f"table_catalog = '{catalog}'"
    if dataset:
        where += f" AND table_schema = '{dataset}'"
    sub = sqlglot.parse_one(
        f"SELECT '{project}' AS table_catalog, table_schema, table_name, table_type "
        f"FROM information_schema.tables WHERE {where}", read="duckdb")
    alias = table.args.get("alias")
    alias_name = alias.name if alias and alias.name and "." not in alias.name else "tables"
    return exp.Subquery(this=sub, alias=exp.TableAlias(this=exp.to_identifier(alias_name)))
