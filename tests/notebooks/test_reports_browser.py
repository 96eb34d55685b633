"""Every report type and the run browser in headless Chromium (Debian's, driven by playwright).

Each page is opened from disk: no console error, no request to a network host (from the
browser's own request log), the verdict visible, plotly charts drawn with data where the
notebook has one, no table with an index column, every empty table said in words.
Screenshots land in the test's tmp folder (never committed).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nbkit.report import has_plotly

from .conftest import read_nb

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
playwright = pytest.importorskip("playwright.sync_api", reason="pip install playwright "
                                 "(the dev extra); it drives Debian's chromium")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed "
                                "(apt-get install -y chromium; .ci/run does it)")
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")

# Checks inside the page: index columns (pandas writes the index as <th> in body rows, or
# an empty first header), tables with a header but no rows, and plotly divs without data.
PAGE_FACTS = """() => {
  const outputs = Array.from(document.querySelectorAll('.jp-OutputArea-output table'));
  const indexed = outputs.filter(t => t.querySelector('tbody tr th') ||
      (t.querySelector('thead th') && t.querySelector('thead th').textContent.trim() === ''));
  const bare = outputs.filter(t => t.querySelector('thead') && !t.querySelector('tbody tr'));
  const plots = Array.from(document.querySelectorAll('.js-plotly-plot'));
  return {indexed: indexed.length, bare: bare.length, tables: outputs.length,
          plots: plots.length, plotsWithData: plots.filter(p => p.data && p.data.length &&
              p.querySelector('.main-svg')).length,
          empties: Array.from(document.querySelectorAll('.nbkit-empty'))
              .map(e => e.textContent.trim())};
}"""


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture()
def screenshots(tmp_path) -> Path:
    folder = tmp_path / "screenshots"
    folder.mkdir()
    return folder


def test_every_report_type_renders_offline_with_verdict_and_clean_tables(
        browser, screenshots, season_ok, season_failed, preflight_run, gaps_run,
        validation_run, recovery_runs, interactive_run):
    reports = {"season": season_ok.report, "season_failed": season_failed.report,
               "preflight": preflight_run, "gaps": gaps_run, "validation": validation_run,
               "recovery_preview": recovery_runs.preview,
               "recovery_applied": recovery_runs.applied, "interactive": interactive_run}
    for name, report in reports.items():
        page, log = _open(browser, report.html)
        facts = page.evaluate(PAGE_FACTS)
        page.screenshot(path=str(screenshots / f"{name}.png"), full_page=True)
        assert not log.errors, (name, log.errors)
        assert not log.remote, (name, log.remote)
        verdict = page.locator("#nbkit-verdict")
        assert verdict.is_visible() and report.status.upper() in verdict.inner_text(), name
        assert facts["tables"] > 0 and facts["indexed"] == 0, (name, facts)
        assert facts["bare"] == 0, (name, facts)
        assert all(facts["empties"]), (name, facts)
        if has_plotly(read_nb(report.executed_notebook)):
            assert facts["plots"] > 0 and facts["plotsWithData"] == facts["plots"], (name, facts)
        page.close()
    assert (screenshots / "gaps.png").stat().st_size > 10_000


def test_charts_drawn_where_the_notebook_has_them(browser, gaps_run, validation_run):
    for report, at_least in ((gaps_run, 2), (validation_run, 1)):
        page, log = _open(browser, report.html)
        facts = page.evaluate(PAGE_FACTS)
        assert facts["plotsWithData"] >= at_least, (report.html, facts)
        assert not log.errors and not log.remote
        page.close()


def test_index_filters_compares_and_stays_offline(browser, screenshots, season_ok,
                                                  season_failed, gaps_run, reports):
    page, log = _open(browser, Path(reports) / "index.html")
    page.screenshot(path=str(screenshots / "index.png"), full_page=True)
    assert not log.errors and not log.remote, (log.errors, log.remote)
    assert page.locator("#grid td").count() > 0  # the coverage grid was recorded
    rows = page.locator("#runs tbody tr")
    total = rows.count()
    page.select_option("#f-notebook", "10_season")
    visible = page.locator("#runs tbody tr:not([hidden])")
    assert 2 <= visible.count() < total
    assert all(t == "10_season" for t in visible.locator("td:nth-child(2)").all_inner_texts())
    page.select_option("#f-status", "failed")
    assert set(visible.locator("td:nth-child(4)").all_inner_texts()) and all(
        t.startswith("failed") for t in visible.locator("td:nth-child(4)").all_inner_texts())
    page.select_option("#f-status", "")
    page.fill("#f-from", "2999-01-01")
    assert visible.count() == 0 and page.locator("#no-match").is_visible()
    page.select_option("#c-a", season_ok.report.run_dir.name)
    page.select_option("#c-b", season_failed.report.run_dir.name)
    changed = page.locator("#compare-result tr.changed").all_inner_texts()
    assert any(t.startswith("status") for t in changed), changed
    assert any("gate gate2" in t for t in changed), changed
    page.select_option("#c-b", gaps_run.run_dir.name)
    assert "different notebooks" in page.locator("#compare-note").inner_text()
    page.close()


class _Log:
    def __init__(self) -> None:
        self.errors: list[str] = []
        self.remote: list[str] = []


def _open(browser, path: Path):
    page = browser.new_page()
    log = _Log()
    page.on("console", lambda m: log.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: log.errors.append(str(e)))
    page.on("request", lambda r: None if r.url.startswith(LOCAL_SCHEMES)
            else log.remote.append(r.url))
    page.on("requestfailed", lambda r: log.errors.append(f"failed {r.url}"))
    page.goto(Path(path).resolve().as_uri(), wait_until="load")
    page.wait_for_timeout(300)
    return page, log
