"""Small shared helpers of the sample generator: random streams, hashes, formats."""

from __future__ import annotations

import hashlib
import zlib

import numpy as np
import pandas as pd

GCS_BUCKET = "gs://nba-scraped-data"


def empty_table(table_id: str) -> pd.DataFrame:
    """A zero-row frame with every column of the table (for sources with no rows yet)."""
    from nbkit import schema

    return pd.DataFrame({c: pd.Series([], dtype=object)
                         for c in schema.get_table(table_id).column_names})


def rng_for(seed: int, stream: str) -> np.random.Generator:
    """An independent, reproducible random stream per (seed, component name).

    Separate streams keep components independent: changing how props are drawn never
    changes a box score. ``zlib.crc32`` is stable across processes (``hash()`` is salted).
    """
    return np.random.default_rng(np.random.SeedSequence([seed, zlib.crc32(stream.encode())]))


def data_hash(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    """Deterministic 16-hex-digit hash of the given columns of each row."""
    hashed = pd.util.hash_pandas_object(frame[columns], index=False).to_numpy()
    text = np.frombuffer(hashed.astype(">u8").tobytes().hex().encode(), dtype="S16")
    return pd.Series(text.astype("U16"), index=frame.index, dtype=object)


def mmss(seconds: pd.Series) -> pd.Series:
    """Seconds -> ``"MM:SS"`` strings (minutes may exceed 59, e.g. ``"240:00"``)."""
    secs = seconds.astype("int64")
    return (secs // 60).astype(str).str.zfill(2) + ":" + (secs % 60).astype(str).str.zfill(2)


def as_datetime(dates: pd.Series) -> pd.Series:
    """``datetime.date`` objects -> naive datetime64, same index (converts each date once)."""
    uniq = pd.unique(dates)
    return dates.map(pd.Series(pd.to_datetime([str(d) for d in uniq]), index=uniq))


def date_text(dates: pd.Series, fmt: str = "%Y-%m-%d") -> pd.Series:
    """Dates or timestamps -> formatted strings, same index (formats each value once)."""
    uniq = pd.unique(dates)
    return dates.map(pd.Series([d.strftime(fmt) for d in uniq], index=uniq, dtype=object))


def et_to_utc(wall_clock: pd.Series) -> pd.Series:
    """Naive US-Eastern wall-clock datetimes -> tz-aware UTC (handles DST), same index."""
    return wall_clock.dt.tz_localize("America/New_York").dt.tz_convert("UTC")


def minutes_after(base: pd.Series, rng: np.random.Generator, low: float,
                  high: float) -> pd.Series:
    """``base`` plus a uniform random number of minutes in [low, high), to the second."""
    offset = np.round(rng.uniform(low, high, len(base)) * 60.0)
    return base + pd.to_timedelta(offset, unit="s")


def next_morning(game_date: pd.Series, rng: np.random.Generator,
                 by: pd.Series | None = None) -> pd.Series:
    """A tz-aware processed_at on the morning after each game date: 08:00-11:59 UTC.

    Args:
        game_date: the dates.
        rng: random stream.
        by: optional file key (e.g. game_id): rows of one key share one timestamp, as rows
            loaded from one scraped file do.
    """
    midnight = (as_datetime(game_date) + pd.Timedelta(days=1)).dt.tz_localize("UTC")
    if by is None:
        return minutes_after(midnight, rng, 8 * 60, 12 * 60)
    uniq = pd.unique(by)
    offset = pd.Series(np.round(rng.uniform(8 * 3600, 12 * 3600, len(uniq))), index=uniq)
    return midnight + pd.to_timedelta(by.map(offset).to_numpy(), unit="s")


def system_game_id(game_date: pd.Series, away: pd.Series, home: pd.Series) -> pd.Series:
    """``YYYYMMDD_AWAY_HOME`` from dates and tricodes (same index as the inputs)."""
    return date_text(game_date, "%Y%m%d") + "_" + away + "_" + home


def pct(made: pd.Series, attempted: pd.Series, digits: int = 3) -> pd.Series:
    """made / attempted rounded, NULL (NaN) when nothing was attempted."""
    att = attempted.astype("float64")
    return (made.astype("float64") / att.where(att > 0)).round(digits)


def gcs_path(source: str, game_date: pd.Series, name: pd.Series) -> pd.Series:
    """A plausible GCS object path of the scraped file each row came from."""
    return f"{GCS_BUCKET}/{source}/" + date_text(game_date) + "/" + name.astype(str) + ".json"


def odds_event_id(nba_game_id: pd.Series) -> pd.Series:
    """A stable 32-hex-digit Odds API event id per game (the same for every seed)."""
    uniq = pd.unique(nba_game_id)
    ids = [hashlib.md5(f"odds-api:{g}".encode()).hexdigest() for g in uniq]
    return nba_game_id.map(pd.Series(ids, index=uniq, dtype=object))


def american_odds(prob: np.ndarray) -> np.ndarray:
    """Implied probability -> American odds rounded to 5 (-110, +105, ...)."""
    prob = np.clip(prob, 0.05, 0.95)
    favourite = -100.0 * prob / (1.0 - prob)
    underdog = 100.0 * (1.0 - prob) / prob
    value = np.where(prob > 0.5, favourite, underdog)
    value = np.round(value / 5.0) * 5.0
    return np.where(np.abs(value) < 100, np.where(prob > 0.5, -100, 100), value).astype("int64")


def decimal_odds(american: np.ndarray) -> np.ndarray:
    """American odds -> decimal odds (2 decimals)."""
    american = np.asarray(american, dtype=float)
    return np.round(np.where(american < 0, 1 + 100.0 / -american, 1 + american / 100.0), 2)
