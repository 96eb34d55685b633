"""The processor registry: explicit, import-safe, with did-you-mean lookups."""

from __future__ import annotations

import difflib
import importlib

from nbkit.errors import NbkitError
from nbkit.processors.base import Processor

# Built-ins, in dependency order (module name == processor NAME): the default catalogue.
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
    """Name -> processor. Built-ins load lazily on first lookup.

    The default registry (``catalogue=True``) holds the catalogue of the settings in force
    (``nbkit.processors.catalogue``), loaded on first lookup and again when the settings
    change; processors registered by hand stay.
    """

    def __init__(self, catalogue: bool = False) -> None:
        self._items: dict[str, type[Processor]] = {}
        self._loaded = False
        self._catalogue = catalogue
        self._key: tuple | None = None
        self._graph = None
        self._checks: tuple = ()
        self._extra: dict[str, type[Processor]] = {}

    def register(self, processor: type[Processor]) -> type[Processor]:
        """Add a processor (usable as a class decorator)."""
        self._items[processor.NAME] = processor
        self._extra[processor.NAME] = processor
        self._graph = None
        return processor

    def unregister(self, name: str) -> None:
        self._items.pop(name, None)
        self._extra.pop(name, None)
        self._graph = None

    def graph(self):
        """The processor graph (``nbkit.graph.Graph``) of every registered processor."""
        from nbkit.graph import Graph

        self._load_builtins()
        if self._graph is None:
            self._graph = Graph.build(self._items.values(),
                                      {n: i for i, n in enumerate(BUILTIN)})
        return self._graph

    def checks_of(self, name: str) -> list:
        """The project's checks of one processor (``nbkit.processors.checks.Check``)."""
        self._load_builtins()
        return [c for c in self._checks if c.processor == name]

    def reload(self) -> None:
        """Read the catalogue again (after editing a processor, DDL or check file)."""
        self._key = None
        if self._catalogue:
            self._loaded = False

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
        return list(self.graph().order)

    def names(self) -> list[str]:
        return [p.NAME for p in self.all()]

    def _load_builtins(self) -> None:
        if self._catalogue and not (self._loaded and self._key is None):
            self._load_catalogue()
            return
        if self._loaded:
            return
        self._loaded = True
        for name in BUILTIN:
            module = importlib.import_module(f"nbkit.processors.{name}")
            self.register(module.PROCESSOR)


    def _load_catalogue(self) -> None:
        from nbkit.processors import catalogue

        key = catalogue.settings_key()
        if self._loaded and key == self._key:
            return
        loaded = catalogue.load()
        self._items = {p.NAME: p for p in loaded.processors}
        self._items.update(self._extra)
        self._checks = loaded.checks
        self._graph = loaded.graph if not self._extra else None
        self._loaded, self._key = True, key


registry = Registry(catalogue=True)
get_or_raise = registry.get_or_raise
