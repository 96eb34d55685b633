"""Two backfills on one warehouse, as real separate processes.

One is refused with the holder named and writes nothing, the other's result is
exactly an uninterrupted run's; backfills of disjoint dates run side by side; a
stale lease is taken over only when asked, and the takeover is recorded.

Every process is the real ``nbkit`` CLI on the toy processors
(concurrent_backfill.py), gated on stdin so that the tests choose the
interleaving instead of sleeping and hoping.
"""

from __future__ import annotations

import datetime as dt
import os
import queue
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from nbkit.exitcodes import ExitCode

from nbkit.backfill import execute, prepare
from nbkit.checksums import table_checksums
from nbkit.errors import WarehouseBusyError
from nbkit.executor import RunOptions
from nbkit.leases import LEASES
from nbkit.ledger import RUN_HISTORY, RUNS
from nbkit.plan import make_request
from nbkit.warehouse import open_warehouse
from tests.engine.toys import schedule, toy_registry

pytestmark = pytest.mark.reliability
RUNNER = Path(__file__).with_name("concurrent_backfill.py")
HOST = socket.gethostname()
TOGS = "nba_analytics.team_offense_game_summary"
TDZA = "nba_precompute.team_defense_zone_analysis"
KEYS = {TOGS: ("game_date", "game_id", "team_abbr"), TDZA: ("analysis_date", "team_abbr")}
DUCK_DAYS = 21
BQ_URL = "bigquery://nba-props-platform"
TOY_COLUMNS = ("game_date", "game_id", "team_abbr", "opponent_team_abbr", "season_year",
               "home_game", "win_flag", "points_scored")
BQ_DATES = [dt.date(2023, 10, 24), dt.date(2023, 10, 25), dt.date(2023, 10, 26)]


class Backfill:
    """One ``nbkit`` process (concurrent_backfill.py); its output is read as it comes."""

    def __init__(self, *nbkit_args: str, gate: str | None = None, hold: bool = False,
                 stall_lease: bool = False) -> None:
        cmd = [sys.executable, str(RUNNER)]
        cmd += [f"--gate={gate}"] if gate else []
        cmd += ["--hold"] if hold else []
        cmd += ["--stall-lease"] if stall_lease else []
        self.proc = subprocess.Popen([*cmd, "--", *nbkit_args], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     env={**os.environ, "PYTHONUNBUFFERED": "1"})
        self.pid = self.proc.pid
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._out: list[str] = []
        self._err: list[str] = []
        self._readers = [threading.Thread(target=self._read, args=(self.proc.stdout, True)),
                         threading.Thread(target=self._read, args=(self.proc.stderr, False))]
        for reader in self._readers:
            reader.start()

    def _read(self, stream, is_stdout: bool) -> None:
        for line in stream:
            (self._out if is_stdout else self._err).append(line)
            if is_stdout:
                self._lines.put(line)
        if is_stdout:
            self._lines.put(None)

    def expect(self, tag: str, timeout: float = 120) -> str:
        """Wait for the next stdout line starting with ``tag``."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self._lines.get(timeout=max(deadline - time.monotonic(), 0.01))
            except queue.Empty:
                pytest.fail(f"no {tag} line from pid {self.pid} within {timeout}s: "
                            f"{self.stdout[-2000:]}\n{self.stderr[-2000:]}")
            if line is None:
                self.proc.wait()
                pytest.fail(f"pid {self.pid} exited ({self.proc.returncode}) before {tag}:\n"
                            f"{self.stdout[-2000:]}\n{self.stderr[-3000:]}")
            if line.startswith(tag):
                return line

    def seen(self, tag: str) -> bool:
        return any(line.startswith(tag) for line in self._out)

    def go(self) -> None:
        self.proc.stdin.write("\n")
        self.proc.stdin.flush()

    def running(self) -> bool:
        return self.proc.poll() is None

    def finish(self, timeout: float = 180) -> int:
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            pytest.fail(f"pid {self.pid} still running after {timeout}s:\n{self.stderr[-2000:]}")
        for reader in self._readers:
            reader.join(timeout=10)
        self.proc.stdin.close()
        return code

    def kill(self) -> None:
        if self.running():
            self.proc.kill()
            self.proc.wait()

    @property
    def stdout(self) -> str:
        return "".join(self._out)

    @property
    def stderr(self) -> str:
        return "".join(self._err)

    def run_id(self) -> str:
        """The run id from the CLI's ``Run <id>: <status> in N s`` line."""
        line = next(x for x in self._out if x.startswith("Run "))
        return line.split()[1].rstrip(":")


@pytest.fixture
def processes():
    """Every Backfill a test starts; any still running at the end is killed (by its pid)."""
    started: list[Backfill] = []
    yield lambda *args, **kwargs: started.append(Backfill(*args, **kwargs)) or started[-1]
    for proc in started:
        proc.kill()


# ---------------------------------------------------------------------- DuckDB
def make_toy(path: Path, days: int) -> None:
    with open_warehouse(str(path)) as wh:
        wh.init_schema()
        wh.write_frame("nba_raw.nbac_schedule", schedule(days=days))


def reference_run(path: Path, days: int, **request) -> None:
    """One uninterrupted toy backfill on a fresh DuckDB file."""
    make_toy(path, days)
    reg = toy_registry()
    with open_warehouse(str(path)) as wh:
        prepared = prepare(wh, make_request(registry=reg, **request), registry=reg)
        result = execute(wh, prepared, RunOptions(chunk_size=1, progress=False), registry=reg)
        assert result.status == "success", result.alerts


def togs_rows(wh) -> list[tuple]:
    """The rows the toy writes, as text (the same on both backends)."""
    columns = ", ".join(f"CAST({c} AS STRING)" for c in TOY_COLUMNS)
    frame = wh.query(f"SELECT {columns} FROM `{wh.project}.{TOGS}` ORDER BY 1, 2, 3")
    return [tuple(row) for row in frame.itertuples(index=False)]


def assert_one_writer(wh, run_id: str) -> None:
    """Only run_id wrote: its run alone in the ledger, no duplicate keys."""
    runs = wh.query(f"SELECT run_id, status FROM `{wh.project}.{RUNS}`")
    assert runs.values.tolist() == [[run_id, "success"]]
    history = wh.query(f"SELECT DISTINCT run_id FROM `{wh.project}.{RUN_HISTORY}`")
    assert history["run_id"].tolist() == [run_id]
    for table in KEYS:
        assert duplicate_keys(wh, table) == 0, table


def duplicate_keys(wh, table: str) -> int:
    keys = ", ".join(KEYS[table])
    frame = wh.query(f"SELECT COUNT(*) AS n FROM (SELECT {keys} FROM `{wh.project}.{table}` "
                     f"GROUP BY {keys} HAVING COUNT(*) > 1)")
    return int(frame["n"].iloc[0])


def test_duckdb_second_writer_is_refused_naming_the_holder_and_readers_wait(tmp_path,
                                                                            processes):
    reference = tmp_path / "reference.duckdb"
    reference_run(reference, DUCK_DAYS, season="2023-24")
    with open_warehouse(str(reference), read_only=True) as wh:
        expected = {table: table_checksums(wh, table) for table in KEYS}
    path = tmp_path / "shared.duckdb"
    make_toy(path, DUCK_DAYS)
    backfill = ("backfill", "--warehouse", str(path), "--season", "2023-24", "--chunk-size",
                "1", "--no-progress")
    second = processes(*backfill, gate="open")
    reader = processes("sql", f"SELECT COUNT(*) AS n FROM {TOGS}", "--format", "csv",
                       "--warehouse", str(path), gate="open")
    second.expect("READY")
    reader.expect("READY")
    writer = processes(*backfill, hold=True)
    writer.expect("HOLDING")  # mid-run: it has written and holds the file

    second.go()
    assert second.finish(60) == ExitCode.LEASE_HELD, second.stdout + second.stderr
    assert f"is held for writing by process {writer.pid}" in second.stderr
    assert "Fix: wait for that run to finish (or stop it), then rerun the same command" \
        in second.stderr
    assert "Plan:" not in second.stdout  # refused before planning, let alone writing

    with pytest.raises(WarehouseBusyError, match=f"process {writer.pid}.*Fix: .*wait longer"):
        open_warehouse(str(path), read_only=True, wait_seconds=0.5)

    reader.go()  # `nbkit sql` is read-only: it waits for the writer (up to 30 s)
    time.sleep(1.0)
    assert reader.running(), reader.stdout + reader.stderr
    writer.go()
    assert writer.finish(120) == 0, writer.stderr
    assert reader.finish(60) == 0, reader.stderr
    run_id = writer.run_id()
    assert f"Run {run_id}: success" in writer.stdout
    with open_warehouse(str(path), read_only=True) as wh:
        assert_one_writer(wh, run_id)
        for table, want in expected.items():
            pd.testing.assert_frame_equal(table_checksums(wh, table), want)
        rows = int(wh.query(f"SELECT COUNT(*) AS n FROM {TOGS}")["n"].iloc[0])
        leases = wh.query(f"SELECT run_id, status FROM {LEASES}")
    assert reader.stdout.splitlines()[-2:] == ["n", str(rows)]  # it read the finished table
    assert leases.values.tolist() == [[run_id, "released"]]


# -------------------------------------------------------------------- BigQuery
@pytest.fixture
def bq(bigquery_warehouse):
    """The emulator warehouse with the toy schedule of BQ_DATES."""
    bigquery_warehouse.init_schema()
    bigquery_warehouse.write_frame("nba_raw.nbac_schedule", schedule(days=len(BQ_DATES)))
    return bigquery_warehouse


@pytest.fixture
def expected(tmp_path) -> list[tuple]:
    """The toy rows of BQ_DATES after one uninterrupted run (on DuckDB)."""
    path = tmp_path / "reference.duckdb"
    reference_run(path, len(BQ_DATES), dates=",".join(d.isoformat() for d in BQ_DATES),
                  phases="3")
    with open_warehouse(str(path), read_only=True) as wh:
        rows = togs_rows(wh)
    assert len(rows) == 4 * len(BQ_DATES)
    return rows


def bq_backfill(dates: list[dt.date], *extra: str) -> tuple[str, ...]:
    return ("backfill", "--warehouse", BQ_URL, "--dates", ",".join(d.isoformat() for d in dates),
            "--phase", "3", "--chunk-size", "1", "--no-progress", *extra)


def settle(procs: list[Backfill], timeout: float = 120) -> tuple[Backfill, Backfill]:
    """(winner, loser) of overlapping backfills that were just let go (started with hold).

    The loser must be refused while the winner is mid-run, holding its lease; both
    reaching HOLDING means both were writing the same dates at once.
    """
    wait_for(lambda: any(not p.running() for p in procs)
             or all(p.seen("HOLDING") for p in procs), timeout, procs)
    if all(p.seen("HOLDING") for p in procs):
        pytest.fail("both backfills are writing the same dates at once:\n"
                    + "\n".join(p.stdout + p.stderr for p in procs))
    loser = next(p for p in procs if not p.running())
    winner = next(p for p in procs if p is not loser)
    assert loser.finish() == ExitCode.LEASE_HELD, loser.stdout + loser.stderr
    wait_for(lambda: winner.seen("HOLDING"), timeout, [winner])
    winner.go()
    assert winner.finish() == 0, winner.stdout + winner.stderr
    return winner, loser


def wait_for(condition, timeout: float, procs: list[Backfill]) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout}s:\n"
                        + "\n".join(p.stdout + p.stderr for p in procs))
        time.sleep(0.05)


def assert_refused_by(loser: Backfill, winner: Backfill) -> None:
    run_id = winner.run_id()
    assert f"Run {run_id}: success" in winner.stdout
    assert "LeaseHeldError" not in loser.stderr  # an operator's message, not a traceback
    assert "Another writer holds 1 overlapping table(s)" in loser.stderr
    assert f"on {HOST} pid {winner.pid}, run {run_id}" in loser.stderr
    assert "Fix: wait for that run to finish" in loser.stderr


def assert_loser_left_no_trace(wh, loser: Backfill) -> None:
    """The refused process left at most its own lease, released, and no run or history."""
    leases = wh.query(f"SELECT run_id, status FROM `{wh.project}.{LEASES}` WHERE pid = @pid",
                      {"pid": loser.pid})
    assert set(leases["status"]) <= {"released"}, leases
    for table in (RUNS, RUN_HISTORY):
        found = wh.query(f"SELECT COUNT(*) AS n FROM `{wh.project}.{table}` "
                         f"WHERE run_id IN UNNEST(@runs)", {"runs": leases["run_id"].tolist()})
        assert found["n"].iloc[0] == 0, table


def history_runs_per_date(wh) -> pd.DataFrame:
    return wh.query(f"SELECT data_date, COUNT(DISTINCT run_id) AS runs, MIN(run_id) AS run_id, "
                    f"COUNT(*) AS n FROM `{wh.project}.{RUN_HISTORY}` GROUP BY data_date "
                    f"ORDER BY data_date")


def test_bigquery_simultaneous_overlapping_backfills_exactly_one_proceeds(bq, processes,
                                                                          expected):
    a, b = (processes(*bq_backfill(BQ_DATES), gate="execute", hold=True) for _ in range(2))
    a.expect("READY")
    b.expect("READY")
    a.go()
    b.go()
    winner, loser = settle([a, b])
    assert_refused_by(loser, winner)
    assert_loser_left_no_trace(bq, loser)
    assert_one_writer(bq, winner.run_id())
    assert togs_rows(bq) == expected
    per_date = history_runs_per_date(bq)
    assert per_date["runs"].tolist() == [1] * len(BQ_DATES)


def test_bigquery_writer_stalled_before_its_lease_write_does_not_run_alongside(bq, processes,
                                                                             expected):
    # The stalled process checked for leases first (none), so its lease is the earlier
    # one; it must still not proceed once it sees the lease taken while it was paused.
    stalled = processes(*bq_backfill(BQ_DATES), stall_lease=True, hold=True)
    stalled.expect("STALLED")
    other = processes(*bq_backfill(BQ_DATES), hold=True)
    other.expect("HOLDING")  # leased and writing
    stalled.go()
    winner, loser = settle([stalled, other])
    assert winner is other
    assert_refused_by(loser, winner)
    assert_loser_left_no_trace(bq, loser)
    assert_one_writer(bq, winner.run_id())
    assert togs_rows(bq) == expected


def test_bigquery_disjoint_dates_run_side_by_side(bq, processes, expected):
    first, second = BQ_DATES[:2], BQ_DATES[2:]
    a = processes(*bq_backfill(first), gate="execute", hold=True)
    b = processes(*bq_backfill(second), gate="execute", hold=True)
    a.expect("READY")
    b.expect("READY")
    a.go()
    b.go()
    a.expect("HOLDING")  # both mid-run, each holding its lease, at the same time
    b.expect("HOLDING")
    a.go()
    b.go()
    assert (a.finish(), b.finish()) == (0, 0), a.stderr + b.stderr
    runs = bq.query(f"SELECT run_id, status FROM `{bq.project}.{RUNS}`")
    assert sorted(runs.values.tolist()) == sorted([[a.run_id(), "success"],
                                                   [b.run_id(), "success"]])
    per_date = history_runs_per_date(bq)
    assert per_date["runs"].tolist() == [1] * len(BQ_DATES)
    owner = dict(zip(pd.to_datetime(per_date["data_date"]).dt.date, per_date["run_id"]))
    assert owner == {**{d: a.run_id() for d in first}, **{d: b.run_id() for d in second}}
    assert togs_rows(bq) == expected
    assert duplicate_keys(bq, TOGS) == 0
    assert len(bq.query(f"SELECT * FROM `{bq.project}.{LEASES}` WHERE status != 'released'")) == 0


def test_bigquery_stale_lease_is_taken_over_only_explicitly_and_once(bq, processes, expected):
    now = pd.Timestamp.now(tz="UTC")
    stale = {"lease_id": "crashedlease0001", "lease_date": now.date(), "run_id": "crashed-run",
             "owner": "ops", "host": "batch-host-2", "pid": 4242, "tables": [TOGS],
             "dates": BQ_DATES[1:2], "acquired_at": now - pd.Timedelta(hours=2),
             "heartbeat_at": now - pd.Timedelta(hours=1),
             "expires_at": now - pd.Timedelta(minutes=45), "status": "active"}
    bq.write_frame(LEASES, pd.DataFrame([stale]))

    plain = processes(*bq_backfill(BQ_DATES))
    assert plain.finish() == ExitCode.LEASE_HELD, plain.stdout + plain.stderr
    assert "A stale lease (heartbeat expired) holds" in plain.stderr
    assert "ops on batch-host-2 pid 4242, run crashed-run" in plain.stderr
    assert "rerun with --take-over-stale-lease" in plain.stderr
    for table in (TOGS, RUNS, RUN_HISTORY):
        assert len(bq.query(f"SELECT 1 FROM `{bq.project}.{table}`")) == 0, table

    # Two operators take it over at once: one proceeds, and the record names that one.
    takers = [processes(*bq_backfill(BQ_DATES, "--take-over-stale-lease"), gate="execute",
                        hold=True) for _ in range(2)]
    for taker in takers:
        taker.expect("READY")
    for taker in takers:
        taker.go()
    winner, loser = settle(takers)
    assert_refused_by(loser, winner)
    assert "LEASE TAKEN OVER from run crashed-run (pid 4242 on batch-host-2)" in winner.stdout
    leases = bq.query(f"SELECT lease_id, run_id, pid, status, taken_over_by "
                      f"FROM `{bq.project}.{LEASES}`").set_index("lease_id")
    winner_lease = leases.index[leases["pid"] == winner.pid][0]
    assert leases.loc[winner_lease, "run_id"] == winner.run_id()
    assert leases.loc["crashedlease0001", ["status", "taken_over_by"]].tolist() == [
        "taken_over", winner_lease]
    assert_loser_left_no_trace(bq, loser)
    assert_one_writer(bq, winner.run_id())
    assert togs_rows(bq) == expected


def test_duckdb_writer_refused_by_a_reader_is_told_it_is_a_reader(tmp_path, processes):
    path = tmp_path / "read.duckdb"
    make_toy(path, 7)
    with open_warehouse(str(path), read_only=True):
        writer = processes("backfill", "--warehouse", str(path), "--season", "2023-24",
                           "--no-progress")
        assert writer.finish(60) == ExitCode.LEASE_HELD
    assert f"is open read-only by process {os.getpid()}" in writer.stderr
    assert "Fix: wait for it to finish, then rerun the same command" in writer.stderr
    with open_warehouse(str(path), read_only=True) as wh:
        assert len(wh.query(f"SELECT * FROM {LEASES}")) == 0
