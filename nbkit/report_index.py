"""What reports/index.html (the run browser) shows, from the run.json files.

One row per run with the values its filters use (notebook, season, status, start
date), the links to its report, executed notebook and run.json; the latest
date x table coverage grid (recorded by the newest run that measured it from the
ledger); and, per run, the facts the comparison of two runs diffs (status, gate
verdicts, the card's numbers, ledger run outcomes, per-table checkpoint).
The data travels as JSON inside the page, escaped so that no value can close the
script element.
"""

from __future__ import annotations

import json
from urllib.parse import quote

RUNS_DIR = "runs"
STATUS_CLASS = {"complete": "c", "partial": "p", "missing": "m", "expected-empty": "e"}


def index_context(runs: list[dict]) -> dict:
    """The template's values: rows, filter choices, coverage grid, comparison data."""
    rows = [index_row(r) for r in runs]
    return {"runs": rows,
            "notebooks": sorted({r["notebook"] for r in rows}),
            "seasons": sorted({r["season"] for r in rows if r["season"]}, reverse=True),
            "statuses": sorted({r["status"] for r in rows}),
            "coverage": latest_coverage(runs),
            "compare_json": safe_json(_packed({r["id"]: compare_facts(run)
                                               for r, run in zip(rows, runs)}))}


def index_row(run: dict) -> dict:
    params = run.get("parameters") or {}
    base = f"{RUNS_DIR}/{quote(run['_dir'])}/"
    links = [(label, base + quote(str(run[key]))) for label, key in
             (("report", "html"), ("notebook", "executed_notebook")) if run.get(key)]
    links.append(("run.json", base + "run.json"))
    error = run.get("error") or {}
    started = str(run.get("started_at", ""))
    return {
        "id": str(run["_dir"]),
        "started_at": started[:19].replace("T", " "), "day": started[:10],
        "notebook": str(run.get("notebook", "")), "scope": scope(params),
        "season": season_of(params),
        "status": str(run.get("status", "unknown")),
        "error": f"{error.get('ename', '')}: {str(error.get('evalue', ''))[:160]}"
                 if error else "",
        "gates": sorted((str(k), str(v)) for k, v in (run.get("gate_verdicts") or {}).items()),
        "duration": _duration(run.get("duration_seconds")),
        "ledger_run_ids": [str(r) for r in run.get("ledger_run_ids") or []],
        "links": links,
    }


def compare_facts(run: dict) -> dict:
    """Label -> value of everything two runs of one notebook can differ in."""
    detail = run.get("detail") or {}
    facts = {"status": str(run.get("status", "")), "scope": scope(run.get("parameters") or {})}
    facts.update({f"gate {k}": str(v) for k, v in (run.get("gate_verdicts") or {}).items()})
    facts.update({str(k): str(v) for k, v in (detail.get("numbers") or {}).items()})
    runs = run.get("ledger_runs") or {}
    facts.update({f"ledger run {i + 1}": str(runs.get(rid, ""))
                  for i, rid in enumerate(run.get("ledger_run_ids") or [])})
    for row in detail.get("checkpoint") or []:
        if isinstance(row, dict) and "table" in row:
            facts[f"{str(row['table']).split('.')[-1]} complete"] = \
                f"{row.get('complete', '')}/{row.get('expected_dates', '')}"
    if detail.get("status_detail"):
        facts["checkpoint"] = str(detail["status_detail"])
    return {"notebook": str(run.get("notebook", "")), "started": str(run.get("started_at", "")),
            "facts": facts}


def latest_coverage(runs: list[dict]) -> dict | None:
    """The grid of the newest run that recorded one (runs are newest first)."""
    for run in runs:
        grid = (run.get("detail") or {}).get("coverage")
        if isinstance(grid, dict) and grid.get("dates") and grid.get("tables"):
            rows = []
            for table, states in zip(grid["tables"], grid.get("status") or []):
                rows.append((str(table), [(str(s), STATUS_CLASS.get(str(s), "u"))
                                          for s in states]))
            href = f"{RUNS_DIR}/{quote(run['_dir'])}/" + quote(str(run.get("html") or "run.json"))
            return {"dates": [str(d) for d in grid["dates"]], "rows": rows, "href": href,
                    "run": str(run["_dir"]), "notebook": str(run.get("notebook", "")),
                    "started_at": str(run.get("started_at", ""))[:19].replace("T", " ")}
    return None


def scope(params: dict) -> str:
    parts = []
    if params.get("season"):
        parts.append(str(params["season"]))
    start, end = params.get("start_date"), params.get("end_date")
    if start and end:
        parts.append(f"{start}..{end}")
    elif start or end:
        parts.append(f"from {start}" if start else f"to {end}")
    if params.get("dates"):
        dates = str(params["dates"]).split(",")
        parts.append(dates[0] + (f" (+{len(dates) - 1})" if len(dates) > 1 else ""))
    return " ".join(parts) or "all dates"


def season_of(params: dict) -> str:
    """The season a run covered: its season parameter, else the one its start date is in."""
    if params.get("season"):
        return str(params["season"])
    start = str(params.get("start_date") or "")
    if len(start) >= 7 and start[:4].isdigit() and start[5:7].isdigit():
        year = int(start[:4]) - (1 if int(start[5:7]) < 8 else 0)
        return f"{year}-{(year + 1) % 100:02d}"
    return ""


def safe_json(value) -> str:
    """JSON that can sit inside <script type="application/json"> whatever the data holds."""
    text = json.dumps(value, default=str, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _packed(facts: dict) -> dict:
    """Fact labels stored once, each run's values as a list in their order (a small page)."""
    keys = list(dict.fromkeys(k for f in facts.values() for k in f["facts"]))
    return {"keys": keys, "runs": {rid: {"notebook": f["notebook"], "started": f["started"],
                                         "v": [f["facts"].get(k) for k in keys]}
                                   for rid, f in facts.items()}}


def _duration(seconds) -> str:
    if seconds is None:
        return ""
    from nbkit.progress import format_seconds

    return format_seconds(float(seconds))
