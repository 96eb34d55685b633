"""One table style for every notebook and report.

No index column (a meaningful, named index becomes an ordinary column), numbers with
thousands separators and percentages, an empty table said in words, a long table
collapsed behind a one-line summary. Every cell value is escaped: data never becomes
markup.

``install()`` makes it the HTML of every DataFrame a notebook displays (JupyterLab and
the saved report alike); notebook steps name their empty state with ``empty_as``.
"""

from __future__ import annotations

import html
import math
import numbers

import pandas as pd

EMPTY_ATTR = "nbkit_empty"
DEFAULT_EMPTY = "Nothing to show: no rows."
COLLAPSE_AFTER = 15
MAX_ROWS = 500
PERCENT_HINTS = ("_pct", "pct_", "percent", "coverage_%")


def empty_as(frame: pd.DataFrame, text: str) -> pd.DataFrame:
    """The same frame, which says ``text`` when it has no rows."""
    frame.attrs[EMPTY_ATTR] = text
    return frame


def table_html(frame: pd.DataFrame | None, empty: str | None = None,
               collapse_after: int = COLLAPSE_AFTER, max_rows: int = MAX_ROWS) -> str:
    """A DataFrame as escaped HTML in the report style.

    Args:
        frame: the table (None counts as empty).
        empty: the sentence shown when there are no rows (default: the frame's own,
            set with ``empty_as``, else a generic one).
        collapse_after: more rows than this are folded behind a summary line.
        max_rows: at most this many rows are written (the rest are counted).
    """
    if frame is None or len(frame) == 0:
        text = empty or (frame.attrs.get(EMPTY_ATTR) if frame is not None else None)
        return f'<p class="nbkit-empty"><em>{_esc(text or DEFAULT_EMPTY)}</em></p>'
    data = _without_index(frame)
    shown = data.head(max_rows)
    body = _table(shown)
    n = len(data)
    if n <= collapse_after:
        return body
    more = f"; the first {max_rows:,} are listed" if n > max_rows else ""
    return (f'<details class="nbkit-long"><summary>{n:,} rows{more} '
            f'(click to show)</summary>{body}</details>')


def format_value(value, column: str = "") -> str:
    """One cell as text: ``12345`` -> ``12,345``; ``x_pct`` 99.5 -> ``99.5%``; NaN -> ''."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if value is pd.NaT or (not isinstance(value, (str, list, dict, tuple)) and _isna(value)):
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, numbers.Integral):
        text = f"{int(value):,}"
    elif isinstance(value, numbers.Real):
        number = float(value)
        digits = 0 if number.is_integer() and abs(number) >= 1000 else \
            1 if abs(number) >= 100 else 2 if abs(number) >= 1 else 3
        text = f"{number:,.{digits}f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    else:
        return str(value)
    return text + "%" if _is_percent(column) else text


def install(shell=None) -> bool:
    """Render every DataFrame with ``table_html`` in this IPython kernel (idempotent).

    Returns False outside IPython (a script, the CLI): nothing is changed there.
    """
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:  # pragma: no cover - IPython comes with ipykernel
            return False
        shell = get_ipython()
    if shell is None:
        return False
    shell.display_formatter.formatters["text/html"].for_type(pd.DataFrame, table_html)
    return True


def _without_index(frame: pd.DataFrame) -> pd.DataFrame:
    named = any(name is not None for name in frame.index.names)
    if named or not isinstance(frame.index, pd.RangeIndex):
        frame = frame.reset_index() if named else frame.reset_index(drop=True)
    if isinstance(frame.columns, pd.MultiIndex):
        frame = frame.set_axis([" ".join(str(p) for p in c if str(p)) for c in frame.columns],
                               axis=1)
    return frame


def _table(frame: pd.DataFrame) -> str:
    numeric = {c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])
               and not pd.api.types.is_bool_dtype(frame[c])}
    head = "".join(f"<th>{_esc(c)}</th>" for c in frame.columns)
    rows = []
    for values in frame.itertuples(index=False, name=None):
        cells = []
        for column, value in zip(frame.columns, values):
            cls = ' class="num"' if column in numeric else ""
            cells.append(f"<td{cls}>{_esc(format_value(value, str(column)))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<table class="nbkit-table"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def _is_percent(column: str) -> bool:
    name = column.lower()
    return name in ("pct", "percent") or name.endswith("%") or \
        any(hint in name for hint in PERCENT_HINTS)


def _isna(value) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _esc(value) -> str:
    return html.escape(str(value))
