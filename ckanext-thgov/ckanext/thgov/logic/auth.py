"""Authorization functions of ckanext-thgov."""

from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

__all__ = ["thgov_version_show"]


@tk.auth_allow_anonymous_access
def thgov_version_show(context: Context, data_dict: DataDict) -> AuthResult:
    return {"success": True}
