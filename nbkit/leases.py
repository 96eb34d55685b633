"""Writer leases: who may write which tables and dates until when.

Two writers on one table lost the real team days. Before writing, a run takes a lease
on its tables x dates in ``nba_reference.nbkit_writer_leases`` (in the warehouse itself,
so every machine sees it), renews it while it works and releases it when done. A
lease on overlapping tables and dates held by a live writer refuses the run, naming the
holder; a stale one (heartbeat expired) is taken over only when asked.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import socket
import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable

import pandas as pd

from nbkit.errors import NbkitError

if TYPE_CHECKING:
    from nbkit.warehouse import Warehouse

LEASES = "nba_reference.nbkit_writer_leases"
SETTLE_SECONDS = 60.0          # longest wait for a rival lease to decide before refusing
SETTLE_POLL_SECONDS = 0.5


class LeaseHeldError(NbkitError):
    """Raised when another writer holds a lease on overlapping tables and dates."""


@dataclass
class Lease:
    """A writer lease: who may write which tables and dates until when."""

    lease_id: str
    owner: str
    host: str
    pid: int
    run_id: str
    tables: list[str]
    dates: list[dt.date]
    acquired_at: dt.datetime
    expires_at: dt.datetime
    lease_date: dt.date = field(init=False)

    def __post_init__(self) -> None:
        self.lease_date = self.acquired_at.date()


class Leases:
    """Takes, renews, releases and lists the writer leases of one warehouse.

    Attributes:
        taken_over: the stale or dead leases this object took over (for the run record).
    """

    def __init__(self, warehouse: Warehouse) -> None:
        self.warehouse = warehouse
        self.project = warehouse.project
        self.taken_over: list[dict] = []

    def acquire(self, run_id: str, tables: Iterable[str], dates: Iterable[dt.date],
                ttl_seconds: int = 900, take_over_stale: bool = False,
                owner: str | None = None) -> Lease:
        """Take a writer lease on tables x dates, or raise LeaseHeldError naming the holder.

        Leases on disjoint tables or dates coexist (two seasons on two machines). A
        lease whose heartbeat expired is stale: it blocks until taken over explicitly.

        The warehouse has no compare-and-swap, so the lease is written as ``acquiring``
        and kept only if no other live lease overlaps it when read back. Of two writers
        that both wrote before either read, at least the later one sees the other
        (that is the whole exclusion argument, whatever the clocks say); the earlier
        lease wins a tie, waiting while the later one is still ``acquiring``.
        """
        now = utc_now()
        lease = Lease(uuid.uuid4().hex[:16], owner or operator_name(), socket.gethostname(),
                      os.getpid(), run_id, sorted(set(tables)), sorted(set(dates)), now,
                      now + dt.timedelta(seconds=ttl_seconds))
        conflicts = self._conflicts(lease)
        dead = [c for c in conflicts if _holder_is_dead(c)]
        stale = [c for c in conflicts if c["expires_at"] < now and c not in dead]
        live = [c for c in conflicts if c["expires_at"] >= now and c not in dead]
        if live:
            raise LeaseHeldError(_held_message(live[0]), "wait for that run to finish, or run "
                                 "disjoint dates; see it with `nbkit leases`")
        if stale and not take_over_stale:
            raise LeaseHeldError(_held_message(stale[0], stale=True),
                                 "if that run is dead, rerun with --take-over-stale-lease")
        self._write_lease(lease, "acquiring")
        self._settle(lease)
        for old in stale + dead:  # only the winner records the takeover
            self._set_status(old, "taken_over", taken_over_by=lease.lease_id)
            self.taken_over.append(old)
        self._write_lease(lease, "active")
        return lease

    def _settle(self, lease: Lease) -> None:
        """Keep the freshly written lease, or release it and raise if another overlaps it."""
        deadline = time.monotonic() + SETTLE_SECONDS
        while True:
            now = utc_now()
            rivals = [c for c in self._conflicts(lease) if c["expires_at"] >= now
                      and not _holder_is_dead(c)]
            if not rivals:
                return
            blocking = [c for c in rivals if c["status"] == "active"
                        or (c["acquired_at"], c["lease_id"]) < (lease.acquired_at,
                                                                lease.lease_id)]
            if blocking or time.monotonic() >= deadline:
                self.release(lease)
                raise LeaseHeldError(_held_message((blocking or rivals)[0]),
                                     "wait for that run to finish, or run disjoint dates; "
                                     "see it with `nbkit leases`")
            time.sleep(SETTLE_POLL_SECONDS)  # a later lease still deciding: see which way

    def heartbeat(self, lease: Lease, ttl_seconds: int = 900) -> None:
        lease.expires_at = utc_now() + dt.timedelta(seconds=ttl_seconds)
        self._write_lease(lease, "active")

    def release(self, lease: Lease) -> None:
        self._write_lease(lease, "released", released_at=utc_now())

    def active(self) -> pd.DataFrame:
        return self.warehouse.query(
            f"SELECT * FROM `{self.project}.{LEASES}` WHERE status = 'active' "
            f"ORDER BY acquired_at")

    def _conflicts(self, lease: Lease) -> list[dict]:
        """Leases (active or still acquiring) other than ``lease`` on its tables x dates."""
        held = self.warehouse.query(
            f"SELECT * FROM `{self.project}.{LEASES}` "
            f"WHERE status IN ('active', 'acquiring') ORDER BY acquired_at")
        out = []
        for row in held.to_dict("records"):
            if row["lease_id"] == lease.lease_id:
                continue
            tables = set(as_list(row["tables"]))
            dates = {pd.Timestamp(d).date() for d in as_list(row["dates"])}
            if tables & set(lease.tables) and dates & set(lease.dates):
                row["expires_at"] = pd.Timestamp(row["expires_at"]).to_pydatetime()
                row["acquired_at"] = pd.Timestamp(row["acquired_at"]).to_pydatetime()
                out.append(row)
        return out

    def _write_lease(self, lease: Lease, status: str, released_at=None) -> None:
        row = {"lease_id": lease.lease_id, "lease_date": lease.lease_date, "run_id": lease.run_id,
               "owner": lease.owner, "host": lease.host, "pid": lease.pid,
               "tables": lease.tables, "dates": lease.dates, "acquired_at": lease.acquired_at,
               "heartbeat_at": utc_now(), "expires_at": lease.expires_at,
               "released_at": released_at, "status": status, "processed_at": utc_now()}
        self.warehouse.write_frame(LEASES, pd.DataFrame([row]), keep=("lease_id",))

    def _set_status(self, row: dict, status: str, taken_over_by: str | None = None) -> None:
        row = {k: v for k, v in row.items() if not is_missing(v) or isinstance(v, (list, tuple))}
        row.update(status=status, taken_over_by=taken_over_by, processed_at=utc_now(),
                   lease_date=pd.Timestamp(row["lease_date"]).date(),
                   tables=list(as_list(row["tables"])),
                   dates=[pd.Timestamp(d).date() for d in as_list(row["dates"])])
        self.warehouse.write_frame(LEASES, pd.DataFrame([row]), keep=("lease_id",))


def _holder_is_dead(row: dict) -> bool:
    """True only when the holder ran on this host and its process no longer exists."""
    if row.get("host") != socket.gethostname() or is_missing(row.get("pid")):
        return False
    try:
        os.kill(int(row["pid"]), 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


def _held_message(row: dict, stale: bool = False) -> str:
    kind = "A stale lease (heartbeat expired)" if stale else "Another writer"
    return (f"{kind} holds {len(as_list(row['tables']))} overlapping table(s): owner "
            f"{row['owner']} on {row['host']} pid {row['pid']}, run {row['run_id']}, "
            f"lease {row['lease_id']} until {row['expires_at']:%Y-%m-%d %H:%M:%S} UTC")


def as_list(value) -> list:
    if value is None:
        return []
    if isinstance(value, str):
        return json.loads(value)
    return list(value)


def is_missing(value) -> bool:
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def operator_name() -> str:
    try:
        from nbkit import settings

        return settings.current().operator or getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
