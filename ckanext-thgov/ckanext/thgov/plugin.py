"""The ckanext-thgov plugin: registration only; behaviour lives in the modules it names."""

from __future__ import annotations

from typing import Any

from importlib import resources

import ckan.plugins as p
import ckan.plugins.toolkit as tk


@tk.blanket.config_declarations
@tk.blanket.helpers
@tk.blanket.actions
@tk.blanket.auth_functions
@tk.blanket.validators
class ThgovPlugin(p.SingletonPlugin):
    p.implements(p.IConfigurer)

    def update_config(self, config: Any) -> None:
        tk.add_template_directory(config, "templates")
        # The licence register of Thai government open data (with URLs), unless a site sets its own.
        if not config.get("licenses_group_url"):
            licences = resources.files("ckanext.thgov.schemas").joinpath("licenses.json")
            config["licenses_group_url"] = f"file://{licences}"
