"""Actions of ckanext-thgov (all prefixed thgov_)."""

from __future__ import annotations

from typing import Any

import ckan
import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

import thgov_validators
from ckanext.thgov.interfaces import IThgovDisclosure
from thgov_validators import classification

__all__ = ["thgov_version_show", "thgov_disclosure_check"]


@tk.side_effect_free
def thgov_version_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Versions of the extension and of its CKAN-free core, for support requests."""
    tk.check_access("thgov_version_show", context, data_dict)
    return {
        "ckanext_thgov": thgov_validators.__version__,
        "ckan": ckan.__version__,
    }


def disclosure_rules() -> classification.DisclosureRules:
    """The built-in conditions plus those other plugins add through IThgovDisclosure."""
    rules = classification.default_rules()
    for plugin in p.PluginImplementations(IThgovDisclosure):
        for condition in plugin.thgov_disclosure_conditions():
            rules.register(condition)
    return rules


@tk.side_effect_free
def thgov_disclosure_check(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Whether a dataset may be public, and every reason why not (Thai and English).

    :param id: the dataset id or name
    """
    dataset_id = tk.get_or_bust(data_dict, "id")
    tk.check_access("thgov_disclosure_check", context, {"id": dataset_id})
    dataset = tk.get_action("package_show")(context, {"id": dataset_id})
    from ckan import model

    register = model.Package.get_license_register()
    ctx = classification.RuleContext(
        approval=None,  # publication approvals are recorded from issue 4's approval step on
        open_licences=frozenset(lic.id for lic in register.values() if lic.isopen()),
        allow_self_approval=tk.config["ckanext.thgov.publication.allow_self_approval"],
    )
    decision = disclosure_rules().check(dataset, ctx)
    return {"id": dataset["id"], "name": dataset["name"], "private": dataset.get("private"), **decision.as_dict()}
