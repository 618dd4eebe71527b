"""Template helpers of ckanext-thgov (all prefixed thgov_)."""

from __future__ import annotations

import ckan.plugins.toolkit as tk

__all__ = ["thgov_current_locale"]


def thgov_current_locale() -> str:
    """The language the page is shown in (th or en), for language-specific markup."""
    return str(tk.h.lang() or tk.config.get("ckan.locale_default") or "th")
