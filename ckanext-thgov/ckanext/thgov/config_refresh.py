"""How often a process looks for settings changed by another process.

Sysadmins change some settings (site title, logo, ...) on CKAN's admin page; CKAN stores them in
the database with a timestamp, and before every request each process reads that timestamp back
(``app_globals._check_uptodate``) to pick up changes made by the others. That is a database
transaction on every request, pages and API alike: on a package_search it cost about a tenth of
the request. Here the check runs at most once per interval in each process. The process where a
setting is changed applies it at once (CKAN's ``config_option_update`` does); the others follow
within the interval.
"""

from __future__ import annotations

import time
from typing import Callable

from ckan.lib import app_globals


class ThrottledCheck:
    """Calls ``check`` when called, at most once every ``interval`` seconds."""

    def __init__(self, check: Callable[[], None], interval: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.check, self.interval, self.clock = check, interval, clock
        self.due = float("-inf")

    def __call__(self) -> None:
        now = self.clock()
        if now < self.due:
            return
        # Two threads may both get here; both then check, which is only what CKAN does anyway.
        self.due = now + self.interval
        self.check()


def check_at_most_every(interval: float) -> None:
    """Throttle CKAN's per-request settings check to ``interval`` seconds; 0 or less: CKAN's own
    check on every request."""
    globals_ = app_globals.app_globals
    globals_.__dict__.pop("_check_uptodate", None)  # configure() may run again: start from CKAN's
    if interval > 0:
        globals_._check_uptodate = ThrottledCheck(globals_._check_uptodate, interval)  # type: ignore[method-assign]
