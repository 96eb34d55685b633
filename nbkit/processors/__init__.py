"""The processor registry: explicit, import-safe, with did-you-mean lookups."""

from __future__ import annotations

import difflib
import importlib
from typing import Iterable

from nbkit.errors import NbkitError
from nbkit.processors.base import Processor

# Built-ins, in dependency order (module name == processor NAME).
BUILTIN = (
    "player_game_summary",
    "team_offense_game_summary",
    "team_defense_game_summary",
    "upcoming_player_game_context",
    "upcoming_team_game_context",
    "team_defense_zone_analysis",
    "player_shot_zone_analysis",
    "player_composite_factors",
    "player_daily_cache",
    "ml_feature_store",
)


class UnknownProcessorError(NbkitError):
    """Raised by get_or_raise for a name that is not registered."""


class Registry:
    """Name -> processor. Built-ins load lazily on first lookup."""

    def __init__(self) -> None:
        self._items: dict[str, type[Processor]] = {}
        self._loaded = False

    def register(self, processor: type[Processor]) -> type[Processor]:
        """Add a processor (usable as a class decorator)."""
        self._items[processor.NAME] = processor
        return processor

    def unregister(self, name: str) -> None:
        self._items.pop(name, None)

    def get_or_raise(self, name: str | type[Processor]) -> type[Processor]:
        if isinstance(name, type) and issubclass(name, Processor):
            return name
        self._load_builtins()
        if name in self._items:
            return self._items[name]
        close = difflib.get_close_matches(str(name), list(self._items), n=1)
        hint = f"did you mean {close[0]}?" if close else \
            f"use one of: {', '.join(self._items)}"
        raise UnknownProcessorError(f"Unknown processor {name!r}", hint)

    def all(self) -> list[type[Processor]]:
        """Every processor, in dependency order (phase, then declaration order)."""
        self._load_builtins()
        return topological(self._items.values())

    def names(self) -> list[str]:
        return [p.NAME for p in self.all()]

    def _load_builtins(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        for name in BUILTIN:
            module = importlib.import_module(f"nbkit.processors.{name}")
            self.register(module.PROCESSOR)


def topological(processors: Iterable[type[Processor]]) -> list[type[Processor]]:
    """Order processors so every upstream processor comes first; raise on a cycle."""
    items = {p.NAME: p for p in processors}
    order: list[type[Processor]] = []
    state: dict[str, int] = {}

    def visit(name: str, path: tuple[str, ...]) -> None:
        if state.get(name) == 2:
            return
        if state.get(name) == 1:
            raise NbkitError(f"Processor dependency cycle: {' -> '.join(path + (name,))}",
                             "remove one of the UPSTREAM_PROCESSORS links")
        state[name] = 1
        for upstream in items[name].UPSTREAM_PROCESSORS:
            if upstream in items:
                visit(upstream, path + (name,))
        state[name] = 2
        order.append(items[name])

    for name in sorted(items, key=lambda n: (items[n].PHASE, _builtin_rank(n))):
        visit(name, ())
    return order


def _builtin_rank(name: str) -> int:
    return BUILTIN.index(name) if name in BUILTIN else len(BUILTIN)


registry = Registry()
get_or_raise = registry.get_or_raise
