"""The ckanext-thgov plugin: registration only; behaviour lives in the modules it names."""

from __future__ import annotations

from importlib import resources
from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultTranslation

from ckanext.thgov import search


@tk.blanket.config_declarations
@tk.blanket.helpers
@tk.blanket.actions
@tk.blanket.auth_functions
@tk.blanket.validators
@tk.blanket.cli
class ThgovPlugin(p.SingletonPlugin, DefaultTranslation):
    p.implements(p.IConfigurer)
    p.implements(p.ITranslation)
    p.implements(p.IFacets, inherit=True)
    p.implements(p.IPackageController, inherit=True)

    # IConfigurer
    def update_config(self, config: Any) -> None:
        tk.add_template_directory(config, "templates")
        tk.add_resource("assets", "thgov")
        # The licence register of Thai government open data (with URLs), unless a site sets its own.
        if not config.get("licenses_group_url"):
            licences = resources.files("ckanext.thgov.schemas").joinpath("licenses.json")
            config["licenses_group_url"] = f"file://{licences}"

    # IFacets
    def dataset_facets(self, facets_dict: dict[str, Any], package_type: str) -> dict[str, Any]:
        return search.dataset_facets(facets_dict)

    def organization_facets(self, facets_dict: dict[str, Any], organization_type: str,
                            package_type: str | None) -> dict[str, Any]:
        return search.dataset_facets(facets_dict)

    def group_facets(self, facets_dict: dict[str, Any], group_type: str,
                     package_type: str | None) -> dict[str, Any]:
        return search.dataset_facets(facets_dict)

    # IPackageController
    def before_dataset_index(self, pkg_dict: dict[str, Any]) -> dict[str, Any]:
        return search.index_fields(pkg_dict)

    def after_dataset_search(self, search_results: dict[str, Any], search_params: dict[str, Any]) -> dict[str, Any]:
        return search.label_facet_items(search_results)
