"""The per-request database work CKAN does and ckanext-thgov spares (no services): the throttled
settings check (config_refresh) and the facet titles kept in memory (group_titles)."""

from __future__ import annotations

from ckanext.thgov.config_refresh import ThrottledCheck
from ckanext.thgov.group_titles import GroupTitles


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_settings_check_runs_at_most_once_per_interval() -> None:
    clock, checks = Clock(), []
    check = ThrottledCheck(lambda: checks.append(clock.now), 2, clock)
    check()                      # the first request of a process checks
    clock.now += 1.9
    check()
    assert checks == [1000.0]
    clock.now += 0.2             # the interval has passed
    check()
    check()
    assert checks == [1000.0, 1002.1]


class Lookups:
    """What the database holds, and every lookup asked of it."""

    def __init__(self, titles: dict[str, str]) -> None:
        self.titles, self.asked = titles, []

    def __call__(self, names: list[str]) -> dict[str, str]:
        self.asked.append(sorted(names))
        return {name: self.titles[name] for name in names if name in self.titles}


def test_titles_seen_before_are_answered_from_memory() -> None:
    clock, lookups = Clock(), Lookups({"nso": "สำนักงานสถิติแห่งชาติ", "health": "สาธารณสุข"})
    cache = GroupTitles(lookups, 60, clock)
    assert cache.titles(["nso", "health", "nso"]) == {"nso": "สำนักงานสถิติแห่งชาติ", "health": "สาธารณสุข"}
    assert cache.titles(["health"]) == {"health": "สาธารณสุข"}
    assert lookups.asked == [["health", "nso"]]


def test_a_new_name_is_looked_up_once_and_a_missing_one_not_again() -> None:
    clock, lookups = Clock(), Lookups({"nso": "สสช."})
    cache = GroupTitles(lookups, 60, clock)
    cache.titles(["nso"])
    lookups.titles["energy"] = "พลังงาน"
    assert cache.titles(["nso", "energy", "gone"]) == {"nso": "สสช.", "energy": "พลังงาน"}
    assert cache.titles(["gone", "energy"]) == {"energy": "พลังงาน"}
    assert lookups.asked == [["nso"], ["energy", "gone"]]


def test_titles_are_looked_up_again_once_max_age_old_or_forgotten() -> None:
    clock, lookups = Clock(), Lookups({"nso": "old title"})
    cache = GroupTitles(lookups, 60, clock)
    cache.titles(["nso"])
    lookups.titles["nso"] = "new title"  # changed in another process
    clock.now += 59
    assert cache.titles(["nso"]) == {"nso": "old title"}
    clock.now += 2
    assert cache.titles(["nso"]) == {"nso": "new title"}
    lookups.titles["nso"] = "newer title"  # changed in this process, which forgets
    cache.forget()
    assert cache.titles(["nso"]) == {"nso": "newer title"}
    assert lookups.asked == [["nso"], ["nso"], ["nso"]]


class Session:
    def __init__(self) -> None:
        self.info: dict = {}


def test_titles_are_forgotten_again_once_a_group_write_is_committed() -> None:
    from ckanext.thgov import group_titles

    lookups = Lookups({"nso": "old title"})
    configured, group_titles._cache = group_titles._cache, GroupTitles(lookups, 60)
    try:
        session = Session()
        group_titles.note_change(session.info)    # the write, before its commit
        group_titles.titles(["nso"])              # another thread reads the old title back
        lookups.titles["nso"] = "new title"       # committed
        group_titles.forget_after_commit(session)
        assert group_titles.titles(["nso"]) == {"nso": "new title"}
        group_titles.note_change(session.info)
        group_titles.drop_after_rollback(session)  # rolled back: nothing to forget at the next commit
        group_titles.titles(["nso"])
        group_titles.forget_after_commit(session)
        group_titles.titles(["nso"])
        assert lookups.asked == [["nso"], ["nso"], ["nso"]]
    finally:
        group_titles._cache = configured
