"""A dataset as a Frictionless Data Package (pure logic: dicts in, a descriptor out).

Each tabular resource carries its Table Schema: the one the agency gave on the resource
(`schema`), else the one validation inferred (thgov_validation's report, issue 5), with the
encoding and CSV dialect validation found, so `frictionless validate` reads Thai TIS-620 files
as validation did.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

TABULAR = {"csv": "text/csv", "tsv": "text/tab-separated-values",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "xls": "application/vnd.ms-excel"}
_NAME = re.compile(r"[^a-z0-9._-]+")


def _json(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        return value
    try:
        return json.loads(value) if value else None
    except (TypeError, ValueError):
        return None


def _resource_name(resource: Mapping[str, Any], index: int, taken: set[str]) -> str:
    """Data Package names are lower-case ASCII: the file's name, else resource-N."""
    stem = str(resource.get("url") or "").split("?")[0].rstrip("/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    name = _NAME.sub("-", stem.lower()).strip("-._") or f"resource-{index}"
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name}-{n}", n + 1
    taken.add(candidate)
    return candidate


def _format(resource: Mapping[str, Any]) -> str:
    declared = str(resource.get("format") or "").strip().lower().lstrip(".")
    if declared:
        return declared
    return str(resource.get("url") or "").split("?")[0].rsplit(".", 1)[-1].lower()


def resource_descriptor(resource: Mapping[str, Any], report: Mapping[str, Any] | None,
                        index: int, taken: set[str]) -> dict[str, Any]:
    fmt = _format(resource)
    descriptor: dict[str, Any] = {
        "name": _resource_name(resource, index, taken),
        "path": resource.get("url"),
        "title": resource.get("name") or None,
        "description": resource.get("description") or None,
        "format": fmt or None,
        "mediatype": TABULAR.get(fmt) or resource.get("mimetype") or None,
    }
    if resource.get("size"):
        descriptor["bytes"] = int(resource["size"])
    summary = ((report or {}).get("report") or {}).get("thgov") or {}
    schema = _json(resource.get("schema")) or summary.get("schema")
    if fmt in TABULAR and schema:
        descriptor["profile"] = "tabular-data-resource"
        descriptor["schema"] = schema
        if fmt in ("csv", "tsv"):
            descriptor["encoding"] = (report or {}).get("encoding") or summary.get("encoding") or "utf-8"
            dialect = summary.get("dialect") or {}
            if dialect.get("delimiter") and dialect["delimiter"] != ",":
                descriptor["dialect"] = {"delimiter": dialect["delimiter"]}
    return {k: v for k, v in descriptor.items() if v is not None}


def _utc(timestamp: str | None) -> str | None:
    """CKAN's timestamps are UTC without a zone; Data Packages want RFC 3339."""
    if not timestamp:
        return None
    return timestamp if timestamp.endswith("Z") or "+" in timestamp[10:] else timestamp.split(".")[0] + "Z"


def build(dataset: Mapping[str, Any], reports: Mapping[str, Mapping[str, Any]], site_url: str,
          licence: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The Data Package descriptor of a (disclosed) dataset."""
    taken: set[str] = set()
    resources = [resource_descriptor(r, reports.get(r["id"]), i, taken)
                 for i, r in enumerate(dataset.get("resources") or [], start=1) if r.get("url")]
    organization = dataset.get("organization") or {}
    contributors = [{"title": organization["title"], "role": "publisher"}] if organization.get("title") else []
    if dataset.get("maintainer"):
        contributors.append({"title": dataset["maintainer"], "email": dataset.get("maintainer_email"),
                             "role": "maintainer"})
    licences = []
    if dataset.get("license_id") and dataset["license_id"] != "notspecified":
        entry = {"name": dataset["license_id"], "title": dataset.get("license_title") or None,
                 "path": dataset.get("license_url") or (licence or {}).get("url") or None}
        licences.append({k: v for k, v in entry.items() if v})
    tabular = bool(resources) and all(r.get("profile") == "tabular-data-resource" for r in resources)
    descriptor = {
        "profile": "tabular-data-package" if tabular else "data-package",
        "name": dataset["name"],
        "id": f"{site_url.rstrip('/')}/dataset/{dataset['id']}",
        "title": dataset.get("title"),
        "description": dataset.get("notes") or None,
        "homepage": f"{site_url.rstrip('/')}/dataset/{dataset['name']}",
        "keywords": [t["name"] for t in dataset.get("tags") or []] or None,
        "licenses": licences or None,
        "contributors": [{k: v for k, v in c.items() if v} for c in contributors] or None,
        "created": _utc(dataset.get("metadata_created")),
        "resources": resources,
    }
    return {k: v for k, v in descriptor.items() if v is not None}
