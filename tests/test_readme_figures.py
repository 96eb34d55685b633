"""The README's "Measured figures" are the rendering of bench/results/latest.json.

Nothing between ``<!-- figures:start -->`` and ``<!-- figures:end -->`` is typed by hand:
``bench/readme_figures.py`` writes it from the committed results (``make bench`` does so at
the end of a run), so a figure edited in the README, or a results file committed without
its README, fails here.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def figures():
    spec = importlib.util.spec_from_file_location("_nbkit_bench_readme_figures",
                                                  ROOT / "bench" / "readme_figures.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def latest() -> dict:
    return json.loads((ROOT / "bench" / "results" / "latest.json").read_text())


def test_readme_figures_are_the_rendering_of_latest_json(figures, latest):
    readme = (ROOT / "README.md").read_text()
    assert figures.current(readme) == figures.render(latest), (
        "README.md's figures differ from bench/results/latest.json: run "
        "`.venv/bin/python bench/readme_figures.py` (never edit between the markers)")


def test_the_markers_enclose_the_measured_figures_section(figures):
    readme = (ROOT / "README.md").read_text()
    section = readme.index("## Measured figures")
    following = readme.index("\n## ", section + 1)
    assert section < readme.index(figures.START_MARK) < readme.index(figures.END_MARK) \
        < following


def test_a_hand_typed_figure_is_not_the_rendering(figures, latest):
    readme = (ROOT / "README.md").read_text()
    seconds = f"{latest['backfill_seconds']:.1f} s"
    block = figures.current(readme)
    assert seconds in block
    edited = readme.replace(block, block.replace(seconds, "9.9 s", 1))
    assert figures.current(edited) != figures.render(latest)
    assert figures.replaced(edited, latest) == readme


def test_figures_a_run_lacks_show_as_not_measured(figures):
    text = figures.render({"when": "2026-01-02T00:00:00+00:00", "machine": "m",
                           "backfill_seconds": 12.0})
    assert "on 2026-01-02, m:" in text
    assert "| 12.0 s | <= 10 s | no |" in text
    assert text.count(figures.NOT_MEASURED) >= 10
    assert "Compute floor per processor: not measured" in text


def test_floor_figures_are_listed_per_processor_beside_their_target(figures):
    results = {"backfill_seconds": 14.0, "floor_seconds": 10.0, "backfill_over_floor": 1.4,
               "floor_rows_match": True,
               "floor_a_dates": 675, "floor_a_seconds": 0.5,
               "floor_b_dates": 668, "floor_b_seconds": 4.7}
    text = figures.render(results)
    assert "| `a` | 675 | 0.50 | <= 1.5 s | yes |" in text
    assert "| `b` | 668 | 4.70 | <= 1.5 s | no |" in text
    assert "| 4.70 s (`b`) | <= 1.5 s each | no |" in text
    assert "| 1.40x | <= 1.4x | yes |" in text
    assert "10.0 s, the same rows the backfill wrote" in text


def test_every_target_is_checked_the_way_it_reads(figures):
    assert figures.verdict("backfill_seconds", 10) == "OK"
    assert figures.verdict("backfill_seconds", 10.01) == "MISSED"
    assert figures.verdict("floor_upcoming_player_game_context_seconds", 1.6) == "MISSED"
    assert figures.verdict("floor_seconds", 99) is None  # the sum has no target of its own
    assert figures.verdict("scale_seasons_16_peak_rss_mib", 2048) == "OK"
    assert figures.verdict("peak_rss_mib", 1.2 * 1024 + 1) == "MISSED"
    assert figures.verdict("floor_rows_match", True) is None
