"""Plotly figures for the notebooks, and one way to display them.

``show(fig)`` emits the plotly MIME bundle (interactive in JupyterLab) plus an
HTML fallback that expects ``window.Plotly``: the report renderer embeds
plotly.js once per report, so saved reports work offline (no CDN).
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

# status -> (code, colour): the heatmap's discrete scale
STATUS_CODES = {"missing": (0, "#cf222e"), "partial": (1, "#fb8f44"),
                "complete": (2, "#2da44e"), "expected-empty": (3, "#d0d7de")}


def heatmap(status: pd.DataFrame, title: str = "Coverage by date and table") -> go.Figure:
    """A date x table grid coloured by status (complete / partial / missing / expected-empty).

    Args:
        status: nbkit.gaps.table_status output (table, phase, data_date, rows, expected_rows,
            duplicate_rows, state, status).
    """
    fig = go.Figure()
    if status.empty:
        fig.update_layout(title=f"{title}: no dates in range")
        return fig
    frame = status.copy()
    frame["day"] = pd.to_datetime(frame["data_date"]).dt.strftime("%Y-%m-%d")
    tables = list(dict.fromkeys(frame.sort_values("phase", kind="stable")["table"]))
    days = sorted(frame["day"].unique())
    z = frame.pivot_table(index="table", columns="day", values="status",
                          aggfunc="first").reindex(index=tables, columns=days)
    # Hover text as short words plus [rows, expected] numbers: four seasons x ten tables
    # stay well inside a report's 400 KB.
    text = frame.assign(t=[_hover(r) for r in frame.itertuples()]).pivot_table(
        index="table", columns="day", values="t", aggfunc="first").reindex(index=tables,
                                                                           columns=days)
    counts = {(r.table, r.day): [_int(r.rows), _int(r.expected_rows)]
              for r in frame.itertuples()}
    custom = [[counts.get((t, d), ["", ""]) for d in days] for t in tables]
    codes = z.apply(lambda col: col.map(lambda s: STATUS_CODES.get(s, (None,))[0]))
    fig.add_trace(go.Heatmap(
        z=codes.values.tolist(), x=days, y=tables, text=text.fillna("").values.tolist(),
        customdata=custom,
        hovertemplate="%{y}<br>%{x}<br>%{text}: %{customdata[0]} of %{customdata[1]} rows"
                      "<extra></extra>", zmin=-0.5, zmax=3.5,
        colorscale=_discrete_scale(), xgap=1, ygap=1,
        colorbar=dict(tickvals=[0, 1, 2, 3], ticktext=list(STATUS_CODES), title="status")))
    step = max(1, len(days) // 24)  # about 24 readable date labels, whatever the range
    fig.update_layout(title=title, height=170 + 28 * len(tables),
                      margin=dict(l=10, r=10, t=50, b=80), yaxis=dict(autorange="reversed"),
                      xaxis=dict(type="category", tickangle=-45, tickvals=days[::step],
                                 ticktext=days[::step], title="game date"))
    return fig


def throughput(rate: pd.DataFrame, title: str = "Throughput per processor") -> go.Figure:
    """Measured seconds per date per processor, as bars with the basis in the hover text.

    Args:
        rate: nbkit.gaps.throughput output (processor, dates, seconds_per_date, rows).
    """
    fig = go.Figure()
    if rate.empty:
        fig.update_layout(title=f"{title}: no runs measured yet")
        return fig
    frame = rate.sort_values("seconds_per_date", ascending=True)
    hover = [f"{r.seconds_per_date:.3f} s per date over {int(r.dates):,} dates"
             f"<br>{int(r.rows or 0):,} rows written" for r in frame.itertuples()]
    fig.add_trace(go.Bar(x=frame["seconds_per_date"], y=frame["processor"], orientation="h",
                         text=[f"{v:.2f} s" for v in frame["seconds_per_date"]],
                         textposition="auto", hovertext=hover,
                         hovertemplate="%{y}<br>%{hovertext}<extra></extra>",
                         marker_color="#0969da"))
    fig.update_layout(title=title, height=140 + 30 * len(frame),
                      margin=dict(l=10, r=10, t=50, b=40),
                      xaxis=dict(title="seconds per date (measured, successful runs)"))
    return fig


def quality_over_time(daily: pd.DataFrame, title: str = "Quality over the season") -> go.Figure:
    """Per date: share of complete tables per phase, and PGS field quality.

    Args:
        daily: columns day, phase3_pct, phase4_pct, minutes_null_pct, avg_points.
    """
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08,
                        subplot_titles=("Tables complete per date (%)",
                                        "player_game_summary field quality"))
    if daily.empty:
        fig.update_layout(title=f"{title}: no dates in range")
        return fig
    x = pd.to_datetime(daily["day"]).dt.strftime("%Y-%m-%d")
    for col, name in (("phase3_pct", "Phase 3"), ("phase4_pct", "Phase 4")):
        fig.add_trace(go.Scatter(x=x, y=daily[col], mode="lines+markers", name=name), 1, 1)
    fig.add_trace(go.Scatter(x=x, y=daily["minutes_null_pct"], mode="lines",
                             name="minutes_played NULL %"), 2, 1)
    fig.add_trace(go.Scatter(x=x, y=daily["avg_points"], mode="lines",
                             name="avg points per player"), 2, 1)
    fig.update_yaxes(range=[-5, 105], row=1, col=1)
    fig.update_layout(title=title, height=520, margin=dict(l=10, r=10, t=70, b=40))
    return fig


def show(fig: go.Figure) -> None:
    """Display a figure: interactive in JupyterLab, offline-renderable in reports."""
    import json

    from IPython.display import display

    html = fig.to_html(full_html=False, include_plotlyjs=False,
                       config={"displaylogo": False, "responsive": True})
    display({"application/vnd.plotly.v1+json": json.loads(fig.to_json()), "text/html": html,
             "text/plain": f"<plotly figure: {fig.layout.title.text or 'untitled'}>"},
            raw=True)


def _hover(row) -> str:
    detail = f"{row.status} ({row.state}"
    if row.duplicate_rows:
        detail += f", {row.duplicate_rows} duplicate rows"
    return detail + ")"


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return ""


def _discrete_scale() -> list:
    scale = []
    n = len(STATUS_CODES)
    for i, (_, colour) in enumerate(STATUS_CODES.values()):
        scale += [[i / n, colour], [(i + 1) / n, colour]]
    return scale
