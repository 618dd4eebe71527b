"""Bulk (re)indexing of datasets into Solr, and a check of the index against the database.

CKAN's ``search-index rebuild`` runs ``package_show`` for each dataset (a dozen queries each) and
sends one document per Solr request. Here the database is read a batch at a time (packages,
resources, tags, groups, organizations, relationships: one query each per batch), each dataset
goes through the same steps as CKAN's ``package_show`` and ``index_package`` (show schemas,
plugins, ``before_dataset_index``), so the documents are CKAN's own, and a batch goes to Solr in
one request. One commit at the end.

The two show schemas (CKAN's default one and the dataset type's, filled by ckanext-scheming) are
validated by shape (shape_validation.py): navl's bookkeeping, which depends only on the keys of
the data, is worked out once per shape and kept by each worker process for all its batches; the
validators still run on every dataset (three in a cheaper form giving the same data, see there).
That bookkeeping was 80% of the time. Worker processes build batches
and send them to Solr themselves. On 2 cores this indexes about 650 datasets/s, 11-12 times
CKAN's rebuild (``make bench-index``), about as fast as Solr takes in ready documents on that
machine: Solr's analysis of the documents is then about half of the machine's work.

The live index is never emptied: documents are replaced in place, and only after every dataset
has been sent are the site's documents that this build did not write removed (Solr stamps each
document's ``indexed_ts`` when it is written, so older stamps mean datasets no longer in the
database), all within the one commit. A dataset changed through the web during the build is
indexed by CKAN as usual and keeps its fresh stamp.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import logging
import multiprocessing
import os
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import pysolr
from sqlalchemy import select

import ckan.lib.search.index as ckan_index
import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan import model
from ckan.common import config
from ckan.lib import helpers as h
from ckan.lib import plugins as lib_plugins
from ckan.lib.dictization import model_dictize
from ckan.lib.dictization import obj_list_dictize, table_dictize
from ckan.lib.search import index_for
from ckan.lib.search.common import SearchIndexError, make_connection
from ckan.logic import apply_after_dataset_show_plugins
from ckan.logic.schema import default_show_package_schema
from ckan.model import PACKAGE_NAME_MAX_LENGTH, PACKAGE_NAME_MIN_LENGTH
from ckanext.scheming.plugins import SchemingDatasetsPlugin

from ckanext.thgov.shape_validation import ShapeValidator

log = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 500
# Datasets whose document could not be built keep their old document; past this many the sweep
# of old documents is skipped altogether rather than sent as one huge query.
MAX_KEPT_ON_ERROR = 200
_PACKAGE_KEY = "thgov_package_id"  # the batch queries' extra column, removed after dictizing


@dataclass
class RebuildResult:
    indexed: int = 0
    removed: int = 0
    failed: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.indexed / self.seconds if self.seconds else 0.0


@dataclass
class CheckResult:
    in_database: int = 0
    in_index: int = 0
    missing: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.stale or self.orphans)


def dataset_ids() -> list[str]:
    """The datasets CKAN's own rebuild indexes."""
    query = model.Session.query(model.Package.id)
    if config.get("ckan.search.remove_deleted_packages"):
        query = query.filter(model.Package.state != "deleted")
    return [row[0] for row in query.order_by(model.Package.id)]


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def rebuild(batch_size: int = DEFAULT_BATCH_SIZE,
            progress: Callable[[int, int], None] | None = None,
            workers: int | None = None) -> RebuildResult:
    """Reindex every dataset. Batches are built by `workers` processes (forked, each with its own
    database and Solr connections), each sending its finished batches to Solr itself."""
    started_clock = time.perf_counter()
    # Taken before the list of datasets: one created later is indexed by CKAN after this moment
    # and keeps its document. (Solr stamps indexed_ts with its clock: the same host's.)
    started = dt.datetime.now(dt.timezone.utc)
    ids = dataset_ids()
    batches = [ids[start:start + batch_size] for start in range(0, len(ids), batch_size)]
    workers = min(workers or default_workers(), len(batches) or 1)
    result = RebuildResult()
    done = 0
    global _process_state
    _process_state = None
    try:
        for indexed, failed in _indexed_batches(batches, workers):
            result.indexed += indexed
            result.failed.update(failed)
            done += indexed + len(failed)
            if progress:
                progress(done, len(ids))
    finally:
        _process_state = None
    conn = make_connection()
    result.removed = _remove_older_documents(conn, started, set(ids) - set(result.failed), list(result.failed))
    conn.commit(waitSearcher=True)
    model.Session.remove()
    result.seconds = time.perf_counter() - started_clock
    return result


def _indexed_batches(batches: list[list[str]], workers: int) -> Iterator[tuple[int, dict[str, str]]]:
    if workers <= 1:
        yield from map(_index_batch, batches)
        return
    # The children must not share this process's database connections.
    model.Session.remove()
    model.meta.engine.dispose()
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        yield from pool.imap(_index_batch, batches)


# What a process of a rebuild makes at its first batch and keeps for the others: the show schemas
# (with what shape_validation.py has worked out for them) and a Solr connection.
_process_state: tuple[_ShowSchemas, pysolr.Solr] | None = None


def _index_batch(ids: list[str]) -> tuple[int, dict[str, str]]:
    """Build a batch's documents and send them to Solr (not committed): how many, and the
    datasets that failed."""
    global _process_state
    if _process_state is None:
        _process_state = (_ShowSchemas(), make_connection())
    schemas, conn = _process_state
    failed: dict[str, str] = {}
    documents = build_documents(ids, failed, schemas)
    model.Session.remove()
    _send(conn, documents)
    return len(documents), failed


def _send(conn: pysolr.Solr, documents: list[dict[str, Any]]) -> None:
    if not documents:
        return
    try:
        conn.add(docs=documents, commit=False)
    except pysolr.SolrError as error:
        raise SearchIndexError(f"Solr returned an error: {str(error)[:1000]}") from error


def _site_documents_query() -> str:
    return f'+{ckan_index.TYPE_FIELD}:{ckan_index.PACKAGE_TYPE} +site_id:"{config.get("ckan.site_id")}"'


def _remove_older_documents(conn: pysolr.Solr, started: dt.datetime, indexed_ids: set[str],
                            kept_ids: list[str]) -> int:
    """Delete (at the coming commit) the site's documents written before the build began, except
    those of datasets that failed; returns how many datasets that removes from the index."""
    if len(kept_ids) > MAX_KEPT_ON_ERROR:
        log.warning("%d datasets failed: old documents are left in the index", len(kept_ids))
        return 0
    stamp = started.strftime("%Y-%m-%dT%H:%M:%S.%f")[:23] + "Z"
    older = f"{_site_documents_query()} -indexed_ts:[{stamp} TO *]"
    for dataset_id in kept_ids:
        older += f' -id:"{dataset_id}"'
    # Searches see the last commit, where the datasets just sent still have their old documents:
    # those are replaced, not removed, so only ids the build did not write are counted.
    removed = sum(1 for dataset_id in _indexed_ids(conn, older) if dataset_id not in indexed_ids)
    conn.delete(q=older, commit=False)
    return removed


def _indexed_ids(conn: pysolr.Solr, query: str, page_size: int = 10000) -> Iterator[str]:
    cursor = "*"
    while True:
        page = conn.search(query, fl="id", sort="index_id asc", rows=page_size, cursorMark=cursor)
        yield from (doc["id"] for doc in page.docs)
        if not page.docs or page.nextCursorMark == cursor:
            return
        cursor = page.nextCursorMark


def build_documents(ids: Sequence[str], failed: dict[str, str] | None = None,
                    schemas: _ShowSchemas | None = None) -> list[dict[str, Any]]:
    """CKAN's index documents for these datasets, built from a few batch queries."""
    dictized = _BatchDictizer(ids)
    schemas = schemas or _ShowSchemas()
    documents = []
    package_index = index_for(model.Package)
    with _collected_documents() as collected:
        for package in dictized.packages:
            try:
                default_dict, custom_dict = schemas.show_dicts(package, dictized.package_dict(package))
                package_index.index_package(dict(default_dict, with_custom_schema=custom_dict))
            except Exception as error:  # one bad dataset must not stop a national rebuild
                log.exception("Could not index dataset %s", package.id)
                if failed is not None:
                    failed[package.id] = repr(error)
                continue
            documents.extend(collected)
            collected.clear()
    return documents


class _ShowSchemas:
    """What package_show and ckan.logic.package_show_default_and_custom_schemas make of a dataset,
    with the schemas built once per batch and validated by shape (shape_validation.py)."""

    def __init__(self) -> None:
        self.default = default_show_package_schema()
        # The name check of the default schema asks the database whether another dataset has this
        # name: one query per dataset. The name shown is the dataset's own, and names are unique
        # (a constraint of the package table), so the answer is always no; the length checks stay.
        name_query = tk.get_validator("package_name_validator")
        self.default["name"] = [_package_name_lengths if v is name_query else v for v in self.default["name"]]
        self._default_validator = ShapeValidator(self.default)
        self._custom_is_default: dict[str, bool] = {}
        self._custom_validators: dict[str, ShapeValidator | None] = {}

    def show_dicts(self, package: model.Package, package_dict: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        context: Any = {"model": model, "session": model.Session, "ignore_auth": True,
                        "use_cache": False, "validate": False, "package": package}
        for plugin in p.PluginImplementations(p.IPackageController):
            plugin.read(package)
        for plugin in p.PluginImplementations(p.IResourceController):
            for resource_dict in package_dict["resources"]:
                plugin.before_resource_show(resource_dict)
        # plugin_validate with an object() plugin, as CKAN calls it, is navl's validate.
        with_default = self._default_validator.validate(package_dict, context)
        with_custom = self._with_custom(package_dict, context)
        if with_custom is None:
            with_custom = with_default
        apply_after_dataset_show_plugins(context, with_custom)
        return with_default, with_custom

    def _with_custom(self, package_dict: dict[str, Any], context: Any) -> dict[str, Any] | None:
        """The dataset through its type's show schema; None when that is CKAN's default one."""
        package_type = package_dict["type"]
        validator = self._custom_validators.get(package_type)
        if validator is not None:
            return validator.validate(package_dict, context)
        package_plugin = lib_plugins.lookup_package_plugin(package_type)
        # Built anew for every dataset, as CKAN does: ckanext-scheming fills the schema it is given
        # in place, differently once its fields are there.
        custom_schema = package_plugin.show_package_schema()
        if package_type not in self._custom_is_default:
            self._custom_is_default[package_type] = custom_schema == default_show_package_schema()
        if self._custom_is_default[package_type]:
            return None
        with_custom, _errors = lib_plugins.plugin_validate(
            package_plugin, context, package_dict, custom_schema, "package_show")
        if package_type not in self._custom_validators:
            # ckanext-scheming's validate, for the show action, fills custom_schema with the type's
            # fields (the same whatever the dataset) and hands that to navl: from now on the
            # filled schema is validated by shape. Any other plugin keeps going through its own.
            self._custom_validators[package_type] = (
                ShapeValidator(custom_schema) if _fills_schema_only(package_plugin, package_type) else None)
        return with_custom


def _fills_schema_only(package_plugin: Any, package_type: str) -> bool:
    """Whether the plugin's validate, for package_show, only fills the schema and runs navl:
    ckanext-scheming's own, for a type it knows, without composite (repeating_subfields) dataset
    fields, whose values it moves out of the extras before validating."""
    if getattr(type(package_plugin), "validate", None) is not SchemingDatasetsPlugin.validate:
        return False
    scheming_schema = package_plugin._expanded_schemas.get(package_type)
    return scheming_schema is not None and not any(
        "repeating_subfields" in f for f in scheming_schema["dataset_fields"])


def _package_name_lengths(key: Any, data: dict[Any, Any], errors: dict[Any, list[str]], context: Any) -> None:
    value = data[key]
    if len(value) < PACKAGE_NAME_MIN_LENGTH:
        raise tk.Invalid(tk._('Name "%s" length is less than minimum %s') % (value, PACKAGE_NAME_MIN_LENGTH))
    if len(value) > PACKAGE_NAME_MAX_LENGTH:
        raise tk.Invalid(tk._('Name "%s" length is more than maximum %s') % (value, PACKAGE_NAME_MAX_LENGTH))


class _DocumentCollector:
    """Stands in for the Solr connection of CKAN's index_package, which sends one document per
    request: its documents are kept here and sent by the batch."""

    def __init__(self) -> None:
        self.documents: list[dict[str, Any]] = []

    def add(self, docs: list[dict[str, Any]], commit: bool = False) -> None:
        self.documents.extend(docs)

    def delete(self, *args: Any, **kwargs: Any) -> None:
        raise SearchIndexError("bulk indexing does not delete single documents")


@contextlib.contextmanager
def _collected_documents() -> Iterator[list[dict[str, Any]]]:
    collector = _DocumentCollector()
    original = ckan_index.make_connection
    ckan_index.make_connection = lambda *args, **kwargs: collector  # type: ignore[assignment]
    try:
        yield collector.documents
    finally:
        ckan_index.make_connection = original


class _BatchDictizer:
    """ckan.lib.dictization.model_dictize.package_dictize for many datasets at once: the same
    queries with ``IN (ids)`` instead of one dataset's id, the same dictize functions."""

    def __init__(self, ids: Sequence[str]) -> None:
        self.context: Any = {"model": model, "session": model.Session}
        session = model.Session
        # Loaded into the session's identity map, so CKAN's Package.get() calls cost no query.
        self.packages = session.query(model.Package).filter(model.Package.id.in_(ids)).all()
        self.resources = self._by_package(model.resource_table, "package_id", ids)
        tag, package_tag = model.tag_table, model.package_tag_table
        self.tags = self._grouped(session.execute(
            select(tag, package_tag.c["state"], package_tag.c["package_id"].label(_PACKAGE_KEY))
            .join(package_tag, tag.c["id"] == package_tag.c["tag_id"])
            .where(package_tag.c["package_id"].in_(ids))))
        member, group = model.member_table, model.group_table
        self.groups = self._grouped(session.execute(
            select(group, member.c["capacity"], member.c["table_id"].label(_PACKAGE_KEY))
            .join(member, group.c["id"] == member.c["group_id"])
            .where(member.c["table_id"].in_(ids), member.c["state"] == "active",
                   group.c["is_organization"].is_(False))))
        owner_ids = {pkg.owner_org for pkg in self.packages if pkg.owner_org}
        self.organizations = {
            row.id: row for row in session.execute(
                select(group).where(group.c["id"].in_(owner_ids), group.c["state"] == "active"))
        }
        relationship = model.package_relationship_table
        self.as_subject = self._by_package(relationship, "subject_package_id", ids)
        self.as_object = self._by_package(relationship, "object_package_id", ids)
        self._group_dicts: dict[tuple[str, str], dict[str, Any]] = {}

    @staticmethod
    def _by_package(table: Any, column: str, ids: Sequence[str]) -> dict[str, list[Any]]:
        rows = model.Session.execute(select(table).where(table.c[column].in_(ids)))
        grouped: dict[str, list[Any]] = defaultdict(list)
        for row in rows:
            grouped[getattr(row, column)].append(row)
        return grouped

    @staticmethod
    def _grouped(rows: Any) -> dict[str, list[Any]]:
        grouped: dict[str, list[Any]] = defaultdict(list)
        for row in rows:
            grouped[getattr(row, _PACKAGE_KEY)].append(row)
        return grouped

    def package_dict(self, pkg: model.Package) -> dict[str, Any]:
        context = self.context
        result = table_dictize(pkg, context)
        if result.get("title"):
            result["title"] = result["title"].strip()
        result.pop("plugin_data", None)
        result["resources"] = model_dictize.resource_list_dictize(self.resources.get(pkg.id, []), context)
        result["num_resources"] = len(result["resources"])
        result["tags"] = _without_key(obj_list_dictize(self.tags.get(pkg.id, []), context, lambda x: x["name"]))
        result["num_tags"] = len(result["tags"])
        for tag_dict in result["tags"]:
            tag_dict["display_name"] = tag_dict["name"]
        result["extras"] = [{"key": k, "value": v} for k, v in (result["extras"] or {}).items()]
        result["groups"] = sorted((self._group_dict(row) for row in self.groups.get(pkg.id, [])),
                                  key=lambda g: h.strxfrm(g["display_name"]))
        organization = self.organizations.get(pkg.owner_org) if pkg.owner_org else None
        if organization is not None:
            result["organization"] = table_dictize(organization, context)
            del result["organization"]["extras"]
        else:
            result["organization"] = None
        result["relationships_as_subject"] = obj_list_dictize(self.as_subject.get(pkg.id, []), context)
        result["relationships_as_object"] = obj_list_dictize(self.as_object.get(pkg.id, []), context)
        result["isopen"] = pkg.isopen()
        result["type"] = pkg.type or "dataset"
        if pkg.license and pkg.license.url:
            result["license_url"] = pkg.license.url
            result["license_title"] = pkg.license.title.split("::")[-1]
        elif pkg.license:
            result["license_title"] = pkg.license.title
        else:
            result["license_title"] = pkg.license_id
        result["metadata_modified"] = pkg.metadata_modified.isoformat()
        result["metadata_created"] = pkg.metadata_created.isoformat() if pkg.metadata_created else None
        return result

    def _group_dict(self, row: Any) -> dict[str, Any]:
        # A group reads the same in every dataset of the build (its member count is a query).
        key = (row.id, row.capacity)
        if key not in self._group_dicts:
            context = dict(self.context, with_capacity=False)
            group_dict = model_dictize.group_dictize(
                row, context, include_groups=False, include_extras=False, include_users=False,
                include_member_count=True, packages_field=None)
            group_dict.pop(_PACKAGE_KEY, None)
            self._group_dicts[key] = group_dict
        return copy.deepcopy(self._group_dicts[key])


def _without_key(dicts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for item in dicts:
        item.pop(_PACKAGE_KEY, None)
    return dicts


def check(page_size: int = 5000) -> CheckResult:
    """Datasets missing from the index, indexed with another metadata_modified, and documents of
    this site whose dataset is gone."""
    result = CheckResult()
    query = model.Session.query(model.Package.id, model.Package.name, model.Package.metadata_modified)
    if config.get("ckan.search.remove_deleted_packages"):
        query = query.filter(model.Package.state != "deleted")
    in_database = {row.id: (row.name, _milliseconds(row.metadata_modified)) for row in query}
    result.in_database = len(in_database)
    indexed: dict[str, str] = {}
    conn = make_connection(decode_dates=False)
    cursor = "*"
    while True:
        page = conn.search("*:*", fq=_site_documents_query(), fl="id,name,metadata_modified",
                           sort="index_id asc", rows=page_size, cursorMark=cursor)
        for doc in page.docs:
            indexed[doc["id"]] = doc.get("metadata_modified", "")
            if doc["id"] not in in_database:
                result.orphans.append(doc.get("name") or doc["id"])
        if not page.docs or page.nextCursorMark == cursor:
            break
        cursor = page.nextCursorMark
    result.in_index = len(indexed)
    for dataset_id, (name, modified) in in_database.items():
        if dataset_id not in indexed:
            result.missing.append(name)
        elif _solr_milliseconds(indexed[dataset_id]) != modified:
            result.stale.append(name)
    model.Session.remove()
    return result


def _milliseconds(value: dt.datetime | None) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S.%f")[:23] if value else ""


def _solr_milliseconds(value: str) -> str:
    """Solr writes 2026-01-02T03:04:05.6Z or 2026-01-02T03:04:05Z; the database keeps microseconds."""
    value = value.rstrip("Z")
    if not value:
        return ""
    whole, _, fraction = value.partition(".")
    return f"{whole}.{(fraction + '000')[:3]}"
