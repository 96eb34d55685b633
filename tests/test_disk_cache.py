"""nbkit.disk_cache, and the SQL translations kept in it for the next process."""

from __future__ import annotations

import json

import pytest

from nbkit import disk_cache
from nbkit.warehouse import sql

# Slow enough to translate (> _STORE_AFTER_SECONDS) to be stored: many CTEs.
HEAVY = "WITH " + ", ".join(f"c{i} AS (SELECT {i} AS x, @d AS d)" for i in range(60)) + \
        " SELECT * FROM c59 JOIN `nba_raw.t` USING (x) WHERE x IN UNNEST(@xs)"


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv(disk_cache.CACHE_ENV, str(tmp_path))
    sql.to_duckdb.cache_clear()
    yield tmp_path
    sql.to_duckdb.cache_clear()


def test_value_round_trips_and_a_new_fingerprint_drops_the_old(cache_dir):
    disk_cache.write("k", "one", "key", {"a": [1, 2]})
    assert disk_cache.read("k", "one", "key") == {"a": [1, 2]}
    assert disk_cache.read("k", "two", "key") is None
    disk_cache.write("k", "two", "key", [3])
    assert not (cache_dir / "k-one").exists()
    assert disk_cache.read("k", "two", "key") == [3]


def test_unreadable_entries_read_as_absent(cache_dir):
    disk_cache.write("k", "f", "key", 1)
    (cache_dir / "k-f" / "key.json").write_text("{not json")
    assert disk_cache.read("k", "f", "key") is None


def test_a_slow_translation_is_found_by_the_next_process(cache_dir):
    first = sql.to_duckdb(HEAVY, "cat", "proj")
    stored = list(cache_dir.glob("sql-*/*.json"))
    assert len(stored) == 1
    # a new process: no memory cache; the stored text is what it gets back
    sql.to_duckdb.cache_clear()
    entry = json.loads(stored[0].read_text())
    entry[0]["sql"] = entry[0]["sql"].replace("c59", "c58")
    stored[0].write_text(json.dumps(entry))
    again = sql.to_duckdb(HEAVY, "cat", "proj")
    assert again[0].sql == first[0].sql.replace("c59", "c58")
    assert again[0].params == first[0].params == ("d", "xs")
    assert again[0].returns_rows and again[0].source == HEAVY


def test_a_broken_entry_is_translated_again(cache_dir):
    first = sql.to_duckdb(HEAVY, "cat", "proj")
    (stored,) = cache_dir.glob("sql-*/*.json")
    stored.write_text(json.dumps([{"sql": "x"}]))  # a field missing
    sql.to_duckdb.cache_clear()
    assert sql.to_duckdb(HEAVY, "cat", "proj") == first


def test_inputs_key_the_translation(cache_dir):
    one = sql.to_duckdb(HEAVY, "cat", "proj")
    other = sql.to_duckdb(HEAVY, "other_catalog", "proj")
    assert one != other and len(list(cache_dir.glob("sql-*/*.json"))) == 2
