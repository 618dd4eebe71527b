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
    "thgov_catalog_import",
    "thgov_catalog_import_show",
    "thgov_catalog_import_start",
]


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
    model.Session.add(publication)
    model.Session.flush()  # the audit reads it back
    disclosure.record_changes(package.id, context["user"], publication.note or disclosure.bilingual(
        "ขอเผยแพร่", "publication requested"))
    model.repo.commit()
    return thgov_disclosure_check(dict(context), {"id": package.id})


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
    model.Session.add(publication)
    model.Session.flush()  # the audit reads it back
    disclosure.record_changes(package.id, context["user"], publication.note or disclosure.bilingual(
        "อนุมัติ", "approved"))
    model.repo.commit()
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
    model.Session.flush()  # the audit reads it back
    if not disclosure.demote(package.id, context["user"], note):
        disclosure.record_changes(package.id, context["user"], note)
        model.repo.commit()
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
    """All or nothing: every dataset that may not be public is named before any is changed."""
    tk.check_access("bulk_update_public", context, data_dict)
    org = model.Group.get(data_dict.get("org_id") or "")
    failures = []
    for dataset_id in data_dict.get("datasets") or []:
        package = model.Package.get(dataset_id)
        # CKAN changes only the organization's own datasets, and public ones stay as they are
        if package is None or org is None or package.owner_org != org.id or not package.private:
            continue
        dataset = tk.get_action("package_show")({"ignore_auth": True, "use_cache": False}, {"id": package.id})
        decision = disclosure.decide(dataset)
        failures += [f"{package.name}: {message}" for message in disclosure.failure_messages(decision)]
    if failures:
        raise tk.ValidationError({"datasets": failures})
    return up_func(context, data_dict)


@tk.chained_action
def package_owner_org_update(up_func: Action, context: Context, data_dict: DataDict) -> Any:
    """An approval belongs to the organization it was given in: moving a public dataset demotes it.

    CKAN's action does not reindex the dataset; reconcile does (see disclosure.reconcile).
    """
    result = up_func(context, data_dict)
    if not context.get("defer_commit"):  # inside package_update the gate decides and CKAN reindexes
        package = model.Package.get(tk.get_or_bust(data_dict, "id"))
        if package is not None:
            disclosure.reconcile(package.id, context.get("user"), "ย้ายหน่วยงาน", "organization changed")
    return result


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
