"""Actions of ckanext-thgov (all prefixed thgov_)."""

from __future__ import annotations

from typing import Any

import ckan
import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

import thgov_validators

__all__ = ["thgov_version_show"]


@tk.side_effect_free
def thgov_version_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Versions of the extension and of its CKAN-free core, for support requests."""
    tk.check_access("thgov_version_show", context, data_dict)
    return {
        "ckanext_thgov": thgov_validators.__version__,
        "ckan": ckan.__version__,
    }
