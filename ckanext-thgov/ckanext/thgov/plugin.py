"""The ckanext-thgov plugin: registration only; behaviour lives in the modules it names."""

from __future__ import annotations

from importlib import resources
from typing import Any

import sqlalchemy as sa

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib.plugins import DefaultTranslation
from ckanext.scheming.plugins import SchemingDatasetsPlugin

from ckanext.thgov import config_refresh, disclosure, group_titles, search, solr_connection, validation


@tk.blanket.config_declarations
@tk.blanket.helpers
@tk.blanket.actions
@tk.blanket.auth_functions
@tk.blanket.validators
@tk.blanket.cli
@tk.blanket.blueprints
class ThgovPlugin(p.SingletonPlugin, DefaultTranslation):
    p.implements(p.IConfigurer)
    p.implements(p.IConfigurable)
    p.implements(p.ITranslation)
    p.implements(p.IFacets, inherit=True)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IGroupController, inherit=True)
    p.implements(p.IOrganizationController, inherit=True)

    # IConfigurer
    def update_config(self, config: Any) -> None:
        tk.add_template_directory(config, "templates")
        tk.add_resource("assets", "thgov")
        # The licence register of Thai government open data (with URLs), unless a site sets its own.
        if not config.get("licenses_group_url"):
            licences = resources.files("ckanext.thgov.schemas").joinpath("licenses.json")
            config["licenses_group_url"] = f"file://{licences}"

    # IConfigurable
    def configure(self, config: Any) -> None:
        # Validation jobs are queued, and facet titles kept in memory forgotten, once the write
        # that changed a file or a group is committed.
        for event, listener in (("after_commit", validation.enqueue_pending),
                                ("after_rollback", validation.forget_pending),
                                ("after_commit", group_titles.forget_after_commit),
                                ("after_rollback", group_titles.drop_after_rollback)):
            if not sa.event.contains(model.Session, event, listener):
                sa.event.listen(model.Session, event, listener)
        if tk.asbool(config.get("ckanext.thgov.search.keep_alive_connections")):
            solr_connection.use_for_searches()
        group_titles.configure(tk.asint(config.get("ckanext.thgov.search.facet_titles_max_age")))
        config_refresh.check_at_most_every(tk.asint(config.get("ckanext.thgov.config_check_seconds")))

    # IFacets
    def dataset_facets(self, facets_dict: dict[str, Any], package_type: str) -> dict[str, Any]:
        return search.dataset_facets(facets_dict)

    def organization_facets(self, facets_dict: dict[str, Any], organization_type: str,
                            package_type: str | None) -> dict[str, Any]:
        return search.dataset_facets(facets_dict)

    def group_facets(self, facets_dict: dict[str, Any], group_type: str,
                     package_type: str | None) -> dict[str, Any]:
        return search.dataset_facets(facets_dict)

    # IGroupController, IOrganizationController (IPackageController has the same three methods,
    # called with datasets): facet titles kept in memory are looked up again.
    def create(self, entity: Any) -> None:
        if isinstance(entity, model.Group):
            group_titles.note_change(model.Session.info)

    def edit(self, entity: Any) -> None:
        self.create(entity)

    def delete(self, entity: Any) -> None:
        self.create(entity)

    # IPackageController
    def before_dataset_index(self, pkg_dict: dict[str, Any]) -> dict[str, Any]:
        return search.index_fields(pkg_dict)

    def after_dataset_create(self, context: Any, pkg_dict: dict[str, Any]) -> None:
        disclosure.record_changes(pkg_dict["id"], context.get("user"))
        validation.note_changes(pkg_dict["id"])

    def after_dataset_update(self, context: Any, pkg_dict: dict[str, Any]) -> None:
        disclosure.record_changes(pkg_dict["id"], context.get("user"))
        validation.note_changes(pkg_dict["id"])

    def before_dataset_search(self, search_params: dict[str, Any]) -> dict[str, Any]:
        return search.search_params(search_params)

    def after_dataset_search(self, search_results: dict[str, Any], search_params: dict[str, Any]) -> dict[str, Any]:
        return search.label_facet_items(search_results)


class ThgovDatasetsPlugin(SchemingDatasetsPlugin):
    """ckanext-scheming's dataset plugin, plus: CKAN 2.12 skips re-validating unchanged resources,
    but resource fields follow the dataset's type and secret levels hold no files, so resources
    are re-validated when those dataset fields change."""

    def resource_validation_dependencies(self, package_type: str) -> list[str]:
        return ["data_type", "data_classification"]
