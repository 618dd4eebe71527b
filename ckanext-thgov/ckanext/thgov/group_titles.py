"""Titles of organizations and groups for search facets, kept in memory.

package_search shows the organization and group facets by title, which CKAN looks up in the
database on every search. Asked for under other names (search.FACET_COPIES) those facets come back
with names only, and the titles come from here: names seen before are answered from memory, new
names are looked up once, and everything is looked up again once it is ``max_age`` seconds old, so
a title changed in another process shows within that time. This process forgets when an
organization or group is created, changed or deleted here, and again once that write is committed
(a search in another thread in between would have read the old title back).
"""

from __future__ import annotations

import threading
import time
from typing import Any, Callable, Iterable

Lookup = Callable[[list[str]], dict[str, str]]


class GroupTitles:
    def __init__(self, lookup: Lookup, max_age: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.lookup, self.max_age, self.clock = lookup, max_age, clock
        self._titles: dict[str, str | None] = {}  # None: no such group (not asked again until refreshed)
        self._loaded_at = float("-inf")
        self._lock = threading.Lock()

    def titles(self, names: Iterable[str]) -> dict[str, str]:
        """The titles of those of ``names`` that are groups or organizations with a title."""
        names = list(dict.fromkeys(names))
        with self._lock:
            if self.clock() - self._loaded_at > self.max_age:
                known = list(self._titles)
                self._titles = dict.fromkeys(known)
                self._titles.update(self.lookup(known) if known else {})
                self._loaded_at = self.clock()
            missing = [name for name in names if name not in self._titles]
            if missing:
                self._titles.update(dict.fromkeys(missing))
                self._titles.update(self.lookup(missing))
            return {name: title for name in names if (title := self._titles.get(name))}

    def forget(self) -> None:
        with self._lock:
            self._titles, self._loaded_at = {}, float("-inf")


def lookup_in_database(names: list[str]) -> dict[str, str]:
    """The same lookup as package_search's own (any state, organizations and groups alike)."""
    from ckan import model

    rows = model.Session.query(model.Group.name, model.Group.title).filter(model.Group.name.in_(names)).all()
    return {name: title for name, title in rows if title}


_cache: GroupTitles | None = None


def configure(max_age: float) -> None:
    """Keep titles for ``max_age`` seconds; 0 or less: none kept, and searches look them up as CKAN does."""
    global _cache
    _cache = GroupTitles(lookup_in_database, max_age) if max_age > 0 else None


def enabled() -> bool:
    return _cache is not None


def titles(names: Iterable[str]) -> dict[str, str]:
    if _cache is None:
        return lookup_in_database(list(names))
    return _cache.titles(names)


def forget() -> None:
    if _cache is not None:
        _cache.forget()


CHANGED = "thgov_group_changed"  # in the SQLAlchemy session's info: a group was written


def note_change(session_info: dict) -> None:
    forget()
    session_info[CHANGED] = True


def forget_after_commit(session: Any) -> None:
    """SQLAlchemy after_commit hook."""
    if session.info.pop(CHANGED, False):
        forget()


def drop_after_rollback(session: Any, *args: Any) -> None:
    """SQLAlchemy after_rollback hook."""
    session.info.pop(CHANGED, None)
