"""Search facets of the GDC schema and what is indexed for them."""

from __future__ import annotations

import json
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.thgov.helpers import thgov_license_title

# GDC choice fields offered as facets, in the order the search page shows them.
GDC_FACETS = ("data_type", "data_category", "data_classification", "update_frequency_unit", "geo_coverage")
# CKAN's own facets kept after ours (their titles come from CKAN's catalogue).
CORE_FACETS = ("organization", "groups", "tags", "res_format", "license_id")
# Resource extras are indexed by CKAN as res_extras_<name>, one value per resource.
VALIDATION_FACET = "res_extras_validation_status"
# Multiple-choice fields are stored as JSON lists; Solr gets one value per entry under thgov_<name>.
MULTI_CHOICE_FIELDS = ("objective", "data_format", "data_language", "disaggregate")


def _schema_fields() -> dict[str, dict[str, Any]]:
    from ckanext.scheming.helpers import scheming_get_dataset_schema

    schema = scheming_get_dataset_schema("dataset") or {}
    return {f["field_name"]: f for f in schema.get("dataset_fields", [])}


def _localised(text: Any) -> str:
    from flask import has_request_context

    from ckanext.scheming.helpers import scheming_language_text

    # Actions also run outside a request (CLI, background jobs): the site's default locale then.
    language = tk.h.lang() if has_request_context() else tk.config.get("ckan.locale_default")
    return scheming_language_text(text, prefer_lang=language)


def dataset_facets(facets_dict: dict[str, Any]) -> dict[str, Any]:
    fields = _schema_fields()
    facets: dict[str, Any] = {}
    for name in GDC_FACETS:
        if name in fields:
            facets[name] = _localised(fields[name]["label"])
    for name in CORE_FACETS:
        if name in facets_dict:
            facets[name] = facets_dict[name]
    facets[VALIDATION_FACET] = tk._("Validation status")
    for name, title in facets_dict.items():
        facets.setdefault(name, title)
    return facets


def index_fields(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    for name in MULTI_CHOICE_FIELDS:
        raw = pkg_dict.get(name)
        if not raw:
            continue
        try:
            values = json.loads(raw) if isinstance(raw, str) else raw
        except ValueError:
            values = [raw]
        pkg_dict[f"thgov_{name}"] = [str(v) for v in (values if isinstance(values, list) else [values])]
    return pkg_dict


def label_facet_items(search_results: dict[str, Any]) -> dict[str, Any]:
    """Facet items of GDC choice fields and licences are shown by their label in the user's language."""
    facets = search_results.get("search_facets") or {}
    if not facets:
        return search_results
    fields = _schema_fields()
    _label_licences(facets.get("license_id"))
    for name, facet in facets.items():
        choices = fields.get(name, {}).get("choices")
        if not choices:
            continue
        labels = {c["value"]: c.get("label", c["value"]) for c in choices}
        for item in facet.get("items", []):
            if item.get("name") in labels:
                item["display_name"] = _localised(labels[item["name"]])
    return search_results


def _label_licences(facet: dict[str, Any] | None) -> None:
    for item in (facet or {}).get("items", []):
        try:
            item["display_name"] = thgov_license_title(item.get("name"), item.get("display_name"))
        except RuntimeError:  # outside a web request there is no page language: keep CKAN's title
            return
