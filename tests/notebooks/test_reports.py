"""reports/index.html and the HTML reports: links, escaping, offline charts in Chromium."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from nbkit.report import load_runs, write_index

from .conftest import EVIL

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def test_index_lists_runs_newest_first_with_working_links(season_ok, season_failed, reports):
    index = Path(reports) / "index.html"
    html = index.read_text()
    runs = load_runs(reports)
    assert len(runs) >= 2
    started = [r["started_at"] for r in runs]
    assert started == sorted(started, reverse=True)
    listing = html[html.index('<table id="runs"'):]
    positions = [listing.index(r["_dir"]) for r in runs]
    assert positions == sorted(positions)  # rendered in the same (newest first) order
    hrefs = re.findall(r'href="([^"]+)"', html)
    assert len(hrefs) >= 3 * len(runs)
    for href in hrefs:
        assert (index.parent / href).exists(), href
    for word in ("10_season", "2023-24", "success", "failed", "gate2 FAIL", "GateFailed"):
        assert word in html, word


def test_index_escapes_every_value(tmp_path):
    run_dir = tmp_path / "runs" / "20250101T000000Z_evil"
    run_dir.mkdir(parents=True)
    (run_dir / "run.json").write_text(json.dumps({
        "notebook": EVIL, "status": "failed", "started_at": "2025-01-01T00:00:00+00:00",
        "parameters": {"season": '<img src=x onerror="alert(2)">'},
        "gate_verdicts": {EVIL: "FAIL"}, "ledger_run_ids": [EVIL],
        "error": {"ename": "GateFailed", "evalue": EVIL}, "duration_seconds": 1.0,
        "html": 'x"><script>alert(3)</script>.html', "executed_notebook": "a.ipynb"}))
    html = write_index(tmp_path).read_text()
    assert "<script>" not in html.split("</style>", 1)[1]
    assert "<img" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=" in html
    assert '"><script>' not in html


def test_reports_are_offline_and_hide_code_by_default(gaps_run, validation_run):
    for report in (gaps_run, validation_run):
        html = report.html.read_text()
        assert not re.search(r'<(script|link)[^>]+(src|href)="(https?:)?//', html)
        assert "Plotly.newPlot" in html
        assert len(re.findall(r"\* plotly\.js v\d", html)) == 1  # embedded once, no CDN
        assert "nbkit-show-code" in html and "Show / hide code" in html


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed "
                    "(apt-get install -y chromium)")
def test_charts_render_in_headless_chromium_without_js_errors(gaps_run, validation_run,
                                                              tmp_path):
    for report in (gaps_run, validation_run):
        dom, log = _chromium(report.html, tmp_path)
        assert dom.count('class="main-svg"') >= 2, f"no plotly chart drawn in {report.html}"
        console = [line for line in log.splitlines() if ":CONSOLE" in line]
        bad = [line for line in console if re.search(r"Uncaught|Error|Failed to load", line)]
        assert not bad, bad
        assert "net::ERR" not in log
    dom, _ = _chromium(validation_run.html, tmp_path)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom  # the player name is text


def _chromium(path: Path, tmp_path: Path) -> tuple[str, str]:
    proc = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", f"--user-data-dir={tmp_path / 'chromium'}",
         "--enable-logging=stderr", "--v=0", "--virtual-time-budget=5000", "--dump-dom",
         path.resolve().as_uri()], capture_output=True, text=True, timeout=90)
    return proc.stdout, proc.stderr
