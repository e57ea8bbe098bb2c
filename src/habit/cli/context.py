"""The one context object at the CLI edge: paths, clock and zone resolved once; the store lazily."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import tzinfo
from typing import TYPE_CHECKING

from habit.clock import Clock, SystemClock, resolve_zone
from habit.paths import HomePaths, resolve_home

if TYPE_CHECKING:
    from habit.catalog import Catalog
    from habit.config import Config
    from habit.db.light import LightStore
    from habit.db.store import Store


@dataclass
class AppContext:
    paths: HomePaths
    clock: Clock
    tz: tzinfo
    debug: bool = False
    notices: list[str] = field(default_factory=list)
    after_success: list[str] = field(default_factory=list)  # shown only if the command finished
    _store: Store | None = None
    _light: LightStore | None = None

    @classmethod
    def from_environment(cls, *, debug: bool = False) -> AppContext:
        tz, zone_note = resolve_zone()
        ctx = cls(paths=resolve_home(), clock=SystemClock(), tz=tz, debug=debug)
        if zone_note:
            ctx.notices.append(zone_note)
        return ctx

    def store(self) -> Store:
        """Open the data file on first use, and close any block a killed process left running."""
        if self._store is None:
            from habit.blocklock import recover_orphans
            from habit.db.store import open_store

            self._store = open_store(self.paths)
            if self._store.upgrade_copy is not None:
                self.notices.append(f"Your data file was updated for this version of habit; the old "
                                    f"one is kept as {self._store.upgrade_copy}.")
            for block in recover_orphans(self._store, self.paths):
                when = block.started_at.astimezone(self.tz).strftime("%a %H:%M")
                self.notices.append(
                    f"A focus block from {when} was closed as stopped after "
                    f"{block.actual_minutes} minutes — that still counts."
                )
        return self._store

    def reader(self) -> Store | None:
        """For commands that only read: None when there is no data file yet (nothing is created);
        a read-only data folder is opened read-only, so a copy there can still be read."""
        if self._store is not None:
            return self._store
        if not self.paths.db.exists():
            return None
        from habit.db.store import ReadOnlyData, open_for_reading

        try:
            return self.store()  # the usual path: orphan blocks closed, an upgrade noted
        except ReadOnlyData:
            self.close()
            self._store = open_for_reading(self.paths)
            return self._store

    def nothing_here(self) -> str:
        """The one line a reading command shows on a home with no data file."""
        return f"No habit data in {self.paths.root} yet; nothing to show. `habit log \"...\"` starts it."

    def quick_store(self) -> Store | LightStore:
        """For log/proud/pause: plain sqlite3 on a ready file (no SQLAlchemy import, ~0.4 s);
        the full store when the file needs creating, migrating or a block recovered, or fails."""
        if self._store is not None:
            return self._store
        if self._light is None:
            from habit.db.light import open_light

            self._light = open_light(self.paths, fallback=self.store)
        return self._light if self._light is not None else self.store()

    def config(self) -> Config:
        """The config as readers use it: the peer's names and slot from the active peer check."""
        from habit.catalog import load_catalog, peer_view
        from habit.config import load_config
        from habit.errors import PlanProblems

        config = load_config(self.paths)
        try:
            return peer_view(config, load_catalog(self.paths, config))
        except PlanProblems:
            return config

    def catalog(self) -> Catalog:
        from habit.catalog import load_catalog

        return load_catalog(self.paths)

    def close(self) -> None:
        if self._light is not None:
            self._light.close()
            self._light = None
        if self._store is not None:
            self._store.close()
            self._store = None
