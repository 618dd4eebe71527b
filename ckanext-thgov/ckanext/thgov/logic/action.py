"""Actions of ckanext-thgov (prefixed thgov_) and the core actions it guards."""

from __future__ import annotations

from typing import Any

import ckan
import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Action, Context, DataDict

import thgov_validators
from ckanext.thgov import disclosure, validation
from ckanext.thgov.model import AuditEntry, CatalogImport, Publication, Validation, now

__all__ = [
    "thgov_version_show",
    "thgov_disclosure_check",
    "thgov_publication_request",
    "thgov_publication_approve",
    "thgov_publication_reject",
    "thgov_audit_list",
    "bulk_update_public",
    "package_owner_org_update",
    "resource_validation_run",
    "resource_validation_show",
    "resource_validation_delete",
    "package_autocomplete",
    "tag_autocomplete",
    "organization_autocomplete",
    "group_autocomplete",
    "dcat_dataset_show",
    "dcat_catalog_show",
    "dcat_catalog_search",
    "thgov_datapackage_show",
    "thgov_catalog_import",
    "thgov_catalog_import_show",
    "thgov_catalog_import_start",
]

# Suggestions are for what someone is typing: nothing longer is a prefix of a name or title.
AUTOCOMPLETE_MAX_LENGTH = 200

# The RDF serialisations ckanext-dcat's endpoints offer (anything else is not found).
RDF_FORMATS = frozenset({"rdf", "xml", "ttl", "n3", "jsonld"})


@tk.side_effect_free
def thgov_version_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Versions of the extension and of its CKAN-free core, for support requests."""
    tk.check_access("thgov_version_show", context, data_dict)
    return {
        "ckanext_thgov": thgov_validators.__version__,
        "ckan": ckan.__version__,
    }


def _publication(package_id: str) -> dict[str, Any] | None:
    publication = Publication.get(package_id)
    return publication.as_dict() if publication else None


@tk.side_effect_free
def thgov_disclosure_check(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Whether a dataset may be public, and every reason why not (Thai and English).

    :param id: the dataset id or name
    """
    dataset_id = tk.get_or_bust(data_dict, "id")
    tk.check_access("thgov_disclosure_check", context, {"id": dataset_id})
    dataset = tk.get_action("package_show")(dict(context), {"id": dataset_id})
    decision = disclosure.decide(dataset)
    return {
        "id": dataset["id"], "name": dataset["name"], "private": dataset.get("private"),
        "publication": _publication(dataset["id"]), **decision.as_dict(),
    }


def _package(data_dict: DataDict) -> model.Package:
    package = model.Package.get(tk.get_or_bust(data_dict, "id"))
    if package is None or package.state == "deleted":
        raise tk.ObjectNotFound(disclosure.bilingual("ไม่พบชุดข้อมูล", "Dataset not found"))
    return package


def _note(data_dict: DataDict) -> str | None:
    note = str(data_dict.get("note") or "").strip()[:2000]
    return note or None


def thgov_publication_request(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """An editor asks an organization admin to approve the dataset for publication.

    :param id: the dataset id or name
    :param note: optional message to the approver
    """
    package = _package(data_dict)
    tk.check_access("thgov_publication_request", context, {"id": package.id})
    if not package.private:
        # a new request would void the approval the public dataset stands on
        raise tk.ValidationError({"id": [disclosure.bilingual(
            "ชุดข้อมูลนี้เผยแพร่แล้ว ไม่ต้องขอเผยแพร่อีก", "The dataset is already public: there is nothing to request")]})
    user = model.User.get(context["user"])
    publication = Publication.get(package.id) or Publication(package_id=package.id)
    publication.status = "pending"
    publication.owner_org = package.owner_org
    publication.requested_by = user.id if user else None
    publication.requested_at = now()
    publication.decided_by = publication.decided_at = None
    publication.note = _note(data_dict)
    _save_publication(publication, context["user"], publication.note or disclosure.bilingual(
        "ขอเผยแพร่", "publication requested"))
    return thgov_disclosure_check(dict(context), {"id": package.id})


def _save_publication(publication: Publication, user_name: str, reason: str) -> None:
    """Stores an approval record and audits the change it makes, under the reason given."""
    model.Session.add(publication)
    model.Session.flush()  # the audit reads it back
    disclosure.record_changes(publication.package_id, user_name, reason)
    model.repo.commit()


def thgov_publication_approve(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """An organization admin approves the dataset; by default it is published at once if the rule holds.

    :param id: the dataset id or name
    :param note: optional reason
    :param publish: make the dataset public now (default true); refused with the failed conditions
        if the dataset is not disclosable
    """
    package = _package(data_dict)
    tk.check_access("thgov_publication_approve", context, {"id": package.id})
    user = model.User.get(context["user"])
    publication = Publication.get(package.id)
    prepared_by = publication.requested_by if publication and publication.status == "pending" else package.creator_user_id
    if (user and prepared_by == user.id
            and not tk.config["ckanext.thgov.publication.allow_self_approval"]):
        raise tk.ValidationError({"approval": [disclosure.bilingual(
            "ผู้จัดเตรียมชุดข้อมูลอนุมัติการเผยแพร่ด้วยตนเองไม่ได้ ต้องให้ผู้ดูแลหน่วยงานอีกคนอนุมัติ",
            "The person who prepared the dataset cannot approve it alone: another organization admin must",
        )]})
    publication = publication or Publication(package_id=package.id)
    publication.status = "approved"
    publication.owner_org = package.owner_org
    publication.requested_by = prepared_by
    publication.decided_by = user.id if user else None
    publication.decided_at = now()
    publication.note = _note(data_dict)
    _save_publication(publication, context["user"], publication.note or disclosure.bilingual(
        "อนุมัติ", "approved"))
    if tk.asbool(data_dict.get("publish", True)) and package.private:
        tk.get_action("package_patch")(
            {"user": context["user"], "ignore_auth": True}, {"id": package.id, "private": False}
        )
    return thgov_disclosure_check(dict(context), {"id": package.id})


def thgov_publication_reject(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """An organization admin refuses or withdraws publication; a public dataset becomes private.

    :param id: the dataset id or name
    :param note: the reason (required)
    """
    package = _package(data_dict)
    tk.check_access("thgov_publication_reject", context, {"id": package.id})
    note = _note(data_dict)
    if not note:
        raise tk.ValidationError({"note": [disclosure.bilingual("โปรดระบุเหตุผล", "Please give a reason")]})
    user = model.User.get(context["user"])
    publication = Publication.get(package.id) or Publication(package_id=package.id, owner_org=package.owner_org)
    publication.status = "rejected"
    publication.decided_by = user.id if user else None
    publication.decided_at = now()
    publication.note = note
    model.Session.add(publication)
    model.Session.flush()  # demote's audit reads it back
    if not disclosure.demote(package.id, context["user"], note):
        _save_publication(publication, context["user"], note)
    return thgov_disclosure_check(dict(context), {"id": package.id})


@tk.side_effect_free
def thgov_audit_list(context: Context, data_dict: DataDict) -> list[dict[str, Any]]:
    """Changes of category, classification, visibility, organization and approval, newest first.

    :param id: a dataset id or name, or
    :param org_id: an organization id or name (every dataset of it)
    :param limit: at most this many entries (default 100, at most 1000)
    :param offset: skip this many
    """
    query = model.Session.query(AuditEntry)
    if data_dict.get("id"):
        package = _package(data_dict)
        tk.check_access("thgov_audit_list", context, {"owner_org": package.owner_org})
        query = query.filter(AuditEntry.package_id == package.id)
    else:
        org = model.Group.get(tk.get_or_bust(data_dict, "org_id"))
        if org is None or not org.is_organization:
            raise tk.ObjectNotFound(disclosure.bilingual("ไม่พบหน่วยงาน", "Organization not found"))
        tk.check_access("thgov_audit_list", context, {"owner_org": org.id})
        query = query.filter(AuditEntry.owner_org == org.id)
    try:
        limit = min(int(data_dict.get("limit", 100)), 1000)
        offset = max(int(data_dict.get("offset", 0)), 0)
    except ValueError:
        raise tk.ValidationError({"limit": [disclosure.bilingual("ต้องเป็นตัวเลข", "Must be a number")]})
    entries = query.order_by(AuditEntry.created.desc(), AuditEntry.id.desc()).offset(offset).limit(limit)
    names = {u.id: u.name for u in model.Session.query(model.User.id, model.User.name)}
    return [dict(e.as_dict(), actor_name=names.get(e.actor or "")) for e in entries]


@tk.chained_action
def bulk_update_public(up_func: Action, context: Context, data_dict: DataDict) -> Any:
    """CKAN's bulk publish, all or nothing: every dataset that may not be public is named before any is changed.

    :param org_id: the organization id or name
    :param datasets: ids or names of the organization's datasets to make public
    """
    tk.check_access("bulk_update_public", context, data_dict)
    org = model.Group.get(data_dict.get("org_id") or "")
    failures = []
    dataset_ids = []
    for dataset_id in data_dict.get("datasets") or []:
        package = model.Package.get(dataset_id)
        if package is not None:
            dataset_ids.append(package.id)
        # CKAN changes only the organization's own datasets, and public ones stay as they are
        if package is None or org is None or package.owner_org != org.id or not package.private:
            continue
        dataset = tk.get_action("package_show")({"ignore_auth": True, "use_cache": False}, {"id": package.id})
        decision = disclosure.decide(dataset)
        failures += [f"{package.name}: {message}" for message in disclosure.failure_messages(decision)]
    if failures:
        raise tk.ValidationError({"datasets": failures})
    # CKAN's own action matches ids only: names would succeed and change nothing
    return up_func(context, dict(data_dict, org_id=org.id if org else data_dict.get("org_id"), datasets=dataset_ids))


@tk.chained_action
def package_owner_org_update(up_func: Action, context: Context, data_dict: DataDict) -> Any:
    """CKAN's move to another organization; an approval belongs to the organization it was given in,
    so moving a public dataset makes it private.

    CKAN's action does not reindex the dataset; reconcile does (see disclosure.reconcile).

    :param id: the dataset id or name
    :param organization_id: the new organization's id or name
    """
    result = up_func(context, data_dict)
    if not context.get("defer_commit"):  # inside package_update the gate decides and CKAN reindexes
        package = model.Package.get(tk.get_or_bust(data_dict, "id"))
        if package is not None:
            disclosure.reconcile(package.id, context.get("user"), "ย้ายหน่วยงาน", "organization changed")
    return result


def _autocomplete_text(data_dict: DataDict) -> DataDict:
    """The typed text without control characters (PostgreSQL refuses NUL: a 500), and cut to length."""
    cleaned = dict(data_dict)
    for key in ("q", "query"):
        value = cleaned.get(key)
        if isinstance(value, str):
            cleaned[key] = "".join(ch for ch in value if ch >= " ")[:AUTOCOMPLETE_MAX_LENGTH]
    return cleaned


def _autocomplete_cleaned(name: str, what: str, text_param: str = "q") -> Action:
    """CKAN's autocomplete action `name`, given the cleaned text."""
    @tk.chained_action
    @tk.side_effect_free
    def action(up_func: Action, context: Context, data_dict: DataDict) -> Any:
        return up_func(context, _autocomplete_text(data_dict))

    action.__name__ = name
    # the API page (api_docs.py) reads purpose and parameters from here
    action.__doc__ = f"""Suggest {what} for the text typed so far: Thai prefixes and words inside Thai names.

    :param {text_param}: the text typed so far (control characters removed, at most {AUTOCOMPLETE_MAX_LENGTH} kept)
    :param limit: at most this many suggestions
    """
    return action


package_autocomplete = _autocomplete_cleaned("package_autocomplete", "datasets the caller may see")
tag_autocomplete = _autocomplete_cleaned("tag_autocomplete", "tags", text_param="query")
organization_autocomplete = _autocomplete_cleaned("organization_autocomplete", "organizations")
group_autocomplete = _autocomplete_cleaned("group_autocomplete", "groups (data categories)")


def _resource(data_dict: DataDict) -> model.Resource:
    resource = model.Resource.get(tk.get_or_bust(data_dict, "resource_id"))
    if resource is None or resource.state != "active":
        raise tk.ObjectNotFound(disclosure.bilingual("ไม่พบทรัพยากร", "Resource not found"))
    return resource


def resource_validation_run(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Validate a resource's file again, in the background (or now, with ``async: false``).

    :param resource_id: the resource id
    :param async: queue a background job (default true)
    """
    resource = _resource(data_dict)
    tk.check_access("resource_validation_run", context, {"resource_id": resource.id})
    if not resource.url or validation.tabular_format(resource) is None:
        raise tk.ValidationError({"format": [disclosure.bilingual(
            "ตรวจสอบได้เฉพาะไฟล์ตาราง (CSV, TSV, XLSX, XLS)", "Only tables (CSV, TSV, XLSX, XLS) are validated")]})
    if not tk.asbool(data_dict.get("async", True)):
        validation.validate_resource(resource.id)
        return resource_validation_show(dict(context), {"resource_id": resource.id})
    row = Validation.get(resource.id) or Validation(resource_id=resource.id, created=now(), attempts=0)
    row.package_id, row.status, row.started, row.finished = resource.package_id, "pending", None, None
    model.Session.add(row)
    model.repo.commit()
    row = Validation.get(resource.id)
    row.job_id = validation.enqueue(resource.id)
    model.repo.commit()
    return Validation.get(resource.id).as_dict(with_report=False)


@tk.side_effect_free
def resource_validation_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The latest validation of a resource: status, encoding, counts and the frictionless-shaped report.

    :param resource_id: the resource id
    """
    resource = _resource(data_dict)
    tk.check_access("resource_validation_show", context, {"resource_id": resource.id})
    validation.sweep_stalled(2 * tk.config["ckanext.thgov.validation.job_timeout"])
    row = Validation.get(resource.id)
    if row is None:
        raise tk.ObjectNotFound(disclosure.bilingual("ทรัพยากรนี้ยังไม่ได้ตรวจสอบ",
                                                     "This resource has not been validated"))
    return row.as_dict()


def resource_validation_delete(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Remove a resource's validation report (sysadmins); the resource's status becomes unknown.

    :param resource_id: the resource id
    """
    resource = _resource(data_dict)
    tk.check_access("resource_validation_delete", context, {"resource_id": resource.id})
    row = Validation.get(resource.id)
    if row is None:
        raise tk.ObjectNotFound(disclosure.bilingual("ไม่มีรายงานการตรวจสอบ", "No validation report"))
    model.Session.delete(row)
    model.repo.commit()
    tk.get_action("resource_patch")({"ignore_auth": True, "user": context["user"], validation.WRITING: True},
                                    {"id": resource.id, "validation_status": "", "validation_timestamp": ""})
    return {"resource_id": resource.id, "deleted": True}


# -- open-data outputs: only datasets that pass the disclosure rule ----------------------

def _disclosed_dataset(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The dataset if it may be published; otherwise not found, never "not authorized", so a
    private dataset's URL tells nothing about it (and its members see the same as everyone)."""
    try:
        dataset = tk.get_action("package_show")(
            {"user": context.get("user", ""), "use_cache": False}, {"id": tk.get_or_bust(data_dict, "id")})
    except tk.NotAuthorized:
        raise tk.ObjectNotFound(tk._("Dataset not found"))
    if not disclosure.is_disclosed(dataset):
        raise tk.ObjectNotFound(tk._("Dataset not found"))
    return dataset


def _rdf_format(data_dict: DataDict) -> None:
    if data_dict.get("format") not in RDF_FORMATS | {None}:
        raise tk.ObjectNotFound(tk._("Not found"))


@tk.side_effect_free
@tk.chained_action
def dcat_dataset_show(up_func: Action, context: Context, data_dict: DataDict) -> Any:
    """A dataset's DCAT-AP 3 description with the Thai fields: 404 for any dataset that is not
    disclosed, whoever asks.

    :param id: the dataset id or name
    :param format: ttl, jsonld, rdf, xml or n3
    """
    _rdf_format(data_dict)
    _disclosed_dataset(context, data_dict)
    return up_func(context, data_dict)


def _public_catalogue(context: Context, data_dict: DataDict, action: str) -> Any:
    """The catalogue (paged): the same for everyone, public datasets that pass the rule only.
    ckanext-dcat searches with the asker's rights; this searches as an anonymous visitor."""
    from ckanext.dcat import logic as dcat_logic
    from ckanext.dcat.processors import RDFSerializer

    tk.check_access(action, context, data_dict)
    _rdf_format(data_dict)
    query = dcat_logic._search_ckan_datasets({"user": "", "ignore_auth": False}, data_dict)
    datasets = [d for d in query["results"] if disclosure.is_disclosed(d)]
    serializer = RDFSerializer(profiles=data_dict.get("profiles"))
    return serializer.serialize_catalog({}, datasets, _format=data_dict.get("format"),
                                        pagination_info=dcat_logic._pagination_info(query, data_dict))


@tk.side_effect_free
@tk.chained_action
def dcat_catalog_show(up_func: Action, context: Context, data_dict: DataDict) -> Any:
    """The DCAT-AP 3 catalogue of the disclosed datasets, 100 a page, the same for everyone.

    :param format: ttl, jsonld, rdf, xml or n3
    :param page: the page number (from 1)
    """
    return _public_catalogue(context, data_dict, "dcat_catalog_show")


@tk.side_effect_free
@tk.chained_action
def dcat_catalog_search(up_func: Action, context: Context, data_dict: DataDict) -> Any:
    """Search the disclosed datasets and answer with the catalogue page in DCAT-AP 3.

    :param q: the search text (Thai is segmented as in package_search)
    :param format: ttl, jsonld, rdf, xml or n3
    :param page: the page number (from 1)
    """
    return _public_catalogue(context, data_dict, "dcat_catalog_search")


@tk.side_effect_free
def thgov_datapackage_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """A disclosed dataset as a Frictionless Data Package, with each tabular resource's Table
    Schema (the one given on the resource, else the one validation inferred).

    :param id: the dataset id or name
    """
    from ckanext.thgov import datapackage

    tk.check_access("thgov_datapackage_show", context, data_dict)
    dataset = _disclosed_dataset(context, data_dict)
    reports = {row.resource_id: row.as_dict() for row in model.Session.query(Validation)
               .filter(Validation.package_id == dataset["id"])}
    return datapackage.build(dataset, reports, tk.config.get("ckan.site_url", ""))


# -- catalogue spreadsheets (issue 7) -------------------------------------------------------

def _upload_content(data_dict: DataDict) -> tuple[str, bytes]:
    upload = data_dict.get("upload")
    limit = tk.config["ckanext.thgov.import.max_bytes"]
    if upload is None or not hasattr(upload, "read"):
        raise tk.ValidationError({"upload": [disclosure.bilingual(
            "โปรดแนบไฟล์บัญชีข้อมูล (XLSX หรือ CSV)", "Attach the catalogue file (XLSX or CSV)")]})
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise tk.ValidationError({"upload": [disclosure.bilingual(
            f"ไฟล์ใหญ่เกิน {limit // 1_048_576} MB", f"The file is larger than {limit // 1_048_576} MB")]})
    if not content:
        raise tk.ValidationError({"upload": [disclosure.bilingual("ไฟล์ว่างเปล่า", "The file is empty")]})
    return str(getattr(upload, "filename", None) or "upload"), content


def thgov_catalog_import(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Check an organization's catalogue spreadsheet (XLSX or CSV, the portal's template or the
    Thai GDC template) and, unless it is a dry run or has errors, import it in the background.

    Nothing is written while any row has an error. Poll ``thgov_catalog_import_show``.

    :param id: the organization id or name
    :param upload: the file (multipart upload)
    :param dry_run: only check, write nothing (default false); start later with
        ``thgov_catalog_import_start``
    :returns: the import: status (invalid, checked, queued, running, done, failed), total, done,
        error_count and the per-row issues (row, column, value, message_th, message_en)
    """
    from ckanext.thgov import catalog

    org = catalog.organization(tk.get_or_bust(data_dict, "id"))
    tk.check_access("thgov_catalog_import", context, {"id": org.id})
    filename, content = _upload_content(data_dict)
    run = catalog.start_check(org, context["user"], filename, content, tk.asbool(data_dict.get("dry_run", False)))
    return run.as_dict()


def _catalog_import(data_dict: DataDict) -> CatalogImport:
    run = CatalogImport.get(tk.get_or_bust(data_dict, "id"))
    if run is None:
        raise tk.ObjectNotFound(disclosure.bilingual("ไม่พบการนำเข้านี้", "Import not found"))
    return run


@tk.side_effect_free
def thgov_catalog_import_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """An import's status and progress (rows done of total) and its per-row report.

    :param id: the import id
    :param issues: include the per-row issues (default true)
    """
    from ckanext.thgov import catalog

    run = _catalog_import(data_dict)
    tk.check_access("thgov_catalog_import_show", context, {"id": run.id})
    if run.status in ("checking", "queued", "running"):
        catalog.sweep_stalled(2 * tk.config["ckanext.thgov.import.job_timeout"])
    return _catalog_import(data_dict).as_dict(with_issues=tk.asbool(data_dict.get("issues", True)))


def thgov_catalog_import_start(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Import a checked upload (a dry run without errors) in the background.

    :param id: the import id
    """
    from ckanext.thgov import catalog

    run = _catalog_import(data_dict)
    tk.check_access("thgov_catalog_import_start", context, {"id": run.id})
    catalog.queue(run.id)
    return _catalog_import(data_dict).as_dict(with_issues=False)
