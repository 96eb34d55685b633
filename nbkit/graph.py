"""The processor graph: one value built once from the catalogue.

Plan (upstream dates, forward invalidation), the executor (levels), recovery (downstream
closure), the gates and the notebooks (stages) all read it, so the lookback rule and the
stage order are written once. Stages are numbers (the built-ins are 3 and 4, a project
adds 5...); the gate after a stage guards the next one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

from nbkit.errors import NbkitError

if TYPE_CHECKING:
    from nbkit.calendar import SeasonCalendar
    from nbkit.processors.base import Processor


class CycleError(NbkitError):
    """Raised when processors depend on each other in a circle."""


@dataclass(frozen=True)
class Graph:
    """Processors in dependency order with their upstream and downstream links.

    Attributes:
        order: every processor, each after all of its upstreams (stage, then declaration).
    """

    order: tuple[type[Processor], ...]

    @classmethod
    def build(cls, processors: Iterable[type[Processor]],
              rank: dict[str, int] | None = None) -> Graph:
        """Order processors; raise CycleError naming the circle.

        Args:
            processors: the catalogue.
            rank: tie-break within a stage (declaration order); default by name.
        """
        items = {p.NAME: p for p in processors}
        rank = rank or {}
        order: list = []
        state: dict[str, int] = {}

        def visit(name: str, path: tuple[str, ...]) -> None:
            if state.get(name) == 2:
                return
            if state.get(name) == 1:
                circle = path[path.index(name):] + (name,)
                raise CycleError(f"Processor dependency cycle: {' -> '.join(circle)}",
                                 "remove one of these upstream links (an upstream table or "
                                 "the upstream key)")
            state[name] = 1
            for upstream in items[name].UPSTREAM_PROCESSORS:
                if upstream in items:
                    visit(upstream, path + (name,))
            state[name] = 2
            order.append(items[name])

        for name in sorted(items, key=lambda n: (items[n].PHASE, rank.get(n, len(rank)), n)):
            visit(name, ())
        return cls(tuple(order))

    # ------------------------------------------------------------------ lookups
    @property
    def names(self) -> list[str]:
        return [p.NAME for p in self.order]

    @property
    def stages(self) -> list[int]:
        """Every stage, ascending."""
        return sorted({p.PHASE for p in self.order})

    def processor(self, name: str) -> type[Processor]:
        for proc in self.order:
            if proc.NAME == name:
                return proc
        raise KeyError(name)

    def in_stage(self, stage: int) -> list[type[Processor]]:
        return [p for p in self.order if p.PHASE == stage]

    def stage_before(self, stage: int) -> int | None:
        """The stage whose gate guards ``stage`` (None for the first)."""
        earlier = [s for s in self.stages if s < stage]
        return earlier[-1] if earlier else None

    def downstream_of(self, name: str) -> list[str]:
        """Processors that read ``name``, directly or transitively, in dependency order."""
        hit = {name}
        for proc in self.order:
            if any(u in hit for u in proc.UPSTREAM_PROCESSORS):
                hit.add(proc.NAME)
        return [p.NAME for p in self.order if p.NAME in hit and p.NAME != name]

    # ------------------------------------------------------------------ the rules
    def levels(self, processors: Iterable[type[Processor]] | None = None
               ) -> list[list[type[Processor]]]:
        """Groups to run one after the other: each group's upstreams are in earlier groups,
        and a later stage never starts before an earlier one has finished."""
        wanted = {p.NAME for p in processors} if processors is not None else None
        depth: dict[str, int] = {}
        stage_rank = {s: i for i, s in enumerate(self.stages)}
        for proc in self.order:
            ups = [depth[u] for u in proc.UPSTREAM_PROCESSORS if u in depth]
            depth[proc.NAME] = max([stage_rank[proc.PHASE] * 100] + [d + 1 for d in ups])
        levels: dict[int, list] = {}
        for proc in self.order:
            if wanted is None or proc.NAME in wanted:
                levels.setdefault(depth[proc.NAME], []).append(proc)
        return [levels[k] for k in sorted(levels)]

    @staticmethod
    def upstream_dates(upstream: type[Processor], proc: type[Processor], day: dt.date,
                       calendar: SeasonCalendar) -> list[dt.date]:
        """Dates of ``upstream`` that ``proc``'s output on ``day`` reads.

        An upstream of an earlier stage (Phase 3 under Phase 4; Phase 4 under a stage 5) is
        read over ``proc``'s lookback window within the same season; the built-in Phase 4
        processors read each other on the same date.
        """
        first, last = Graph.upstream_window(upstream, proc, day, calendar)
        if first == last:
            return [day]
        return [d for d in calendar.game_dates(calendar.season_of(day)) if first <= d <= last]

    @staticmethod
    def upstream_window(upstream: type[Processor], proc: type[Processor], day: dt.date,
                        calendar: SeasonCalendar) -> tuple[dt.date, dt.date]:
        """The first and last date of ``upstream_dates``, as a range: the game dates of
        ``day``'s season between them are the dates read (one date: ``(day, day)``)."""
        if proc.LOOKBACK_DAYS <= 0 or upstream.PHASE >= max(4, proc.PHASE):
            return day, day
        first = day - dt.timedelta(days=proc.LOOKBACK_DAYS)
        season = calendar.game_dates(calendar.season_of(day))
        return (max(first, season[0]) if season else first), day

    def downstream(self, targets: dict[str, set[dt.date]], calendar: SeasonCalendar
                   ) -> dict[str, set[dt.date]]:
        """Targets plus every (processor, date) that reads them, directly or transitively:
        the same date, and for a lookback reader every game date of the same season whose
        window holds a target date (forward invalidation)."""
        out = {name: set(days) for name, days in targets.items() if days}
        for proc in self.order:
            for name in proc.UPSTREAM_PROCESSORS:
                days = out.get(name)
                if not days:
                    continue
                upstream = self.processor(name)
                if proc.LOOKBACK_DAYS <= 0 or upstream.PHASE >= max(4, proc.PHASE):
                    affected = set(days)
                else:
                    affected = {d for day in days
                                for d in calendar.game_dates(calendar.season_of(day))
                                if day <= d <= day + dt.timedelta(days=proc.LOOKBACK_DAYS)}
                out.setdefault(proc.NAME, set()).update(affected)
        return out
