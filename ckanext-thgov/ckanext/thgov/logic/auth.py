"""Authorization functions of ckanext-thgov."""

from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

__all__ = ["thgov_version_show", "thgov_disclosure_check"]


@tk.auth_allow_anonymous_access
def thgov_version_show(context: Context, data_dict: DataDict) -> AuthResult:
    return {"success": True}


def thgov_disclosure_check(context: Context, data_dict: DataDict) -> AuthResult:
    """Whoever may see the dataset may see why it can or cannot be public."""
    tk.check_access("package_show", context, data_dict)  # raises NotAuthorized otherwise
    return {"success": True}
