"""Authorization functions of ckanext-thgov."""

from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import AuthResult, Context, DataDict

from ckanext.thgov import disclosure

__all__ = [
    "thgov_version_show",
    "thgov_disclosure_check",
    "thgov_publication_request",
    "thgov_publication_approve",
    "thgov_publication_reject",
    "thgov_audit_list",
    "resource_validation_run",
    "resource_validation_show",
    "resource_validation_delete",
    "thgov_datapackage_show",
    "thgov_catalog_import",
    "thgov_catalog_import_show",
    "thgov_catalog_import_start",
    "thgov_catalog_export",
]


@tk.auth_allow_anonymous_access
def thgov_version_show(context: Context, data_dict: DataDict) -> AuthResult:
    return {"success": True}


def thgov_disclosure_check(context: Context, data_dict: DataDict) -> AuthResult:
    """Whoever may see the dataset may see why it can or cannot be public."""
    tk.check_access("package_show", context, data_dict)  # raises NotAuthorized otherwise
    return {"success": True}


def thgov_publication_request(context: Context, data_dict: DataDict) -> AuthResult:
    """Whoever may edit the dataset (its organization's editors and admins) may ask."""
    tk.check_access("package_update", context, data_dict)
    return {"success": True}


def _org_admin_of_dataset(context: Context, data_dict: DataDict) -> AuthResult:
    package = model.Package.get(data_dict.get("id") or "")
    if package is not None and disclosure.is_org_admin(context.get("user"), package.owner_org):
        return {"success": True}
    return {"success": False, "msg": disclosure.bilingual(
        "เฉพาะผู้ดูแล (admin) ของหน่วยงานเจ้าของชุดข้อมูลเท่านั้น",
        "Only an admin of the dataset's organization may do this")}


def thgov_publication_approve(context: Context, data_dict: DataDict) -> AuthResult:
    return _org_admin_of_dataset(context, data_dict)


def thgov_publication_reject(context: Context, data_dict: DataDict) -> AuthResult:
    return _org_admin_of_dataset(context, data_dict)


def thgov_audit_list(context: Context, data_dict: DataDict) -> AuthResult:
    """The audit log is for the organization's admins."""
    if disclosure.is_org_admin(context.get("user"), data_dict.get("owner_org")):
        return {"success": True}
    return {"success": False, "msg": disclosure.bilingual(
        "เฉพาะผู้ดูแล (admin) ของหน่วยงาน", "Only the organization's admins may read its audit log")}


def _resource_package(data_dict: DataDict) -> str:
    resource = model.Resource.get(data_dict.get("resource_id") or "")
    return resource.package_id if resource is not None else ""


def resource_validation_run(context: Context, data_dict: DataDict) -> AuthResult:
    """Whoever may edit the dataset may have its files validated again."""
    tk.check_access("package_update", context, {"id": _resource_package(data_dict)})
    return {"success": True}


@tk.auth_allow_anonymous_access
def resource_validation_show(context: Context, data_dict: DataDict) -> AuthResult:
    """Whoever may see the resource may see its report."""
    tk.check_access("resource_show", context, {"id": data_dict.get("resource_id")})
    return {"success": True}


def resource_validation_delete(context: Context, data_dict: DataDict) -> AuthResult:
    """Only sysadmins (who pass every check anyway) may remove a report."""
    return {"success": False, "msg": disclosure.bilingual("เฉพาะผู้ดูแลระบบ", "Only sysadmins")}


@tk.auth_allow_anonymous_access
def thgov_datapackage_show(context: Context, data_dict: DataDict) -> AuthResult:
    """Anyone: the action itself answers only for disclosed datasets."""
    return {"success": True}


def _may_create_in(context: Context, org_id: str | None) -> AuthResult:
    from ckan import authz

    if org_id and authz.has_user_permission_for_group_or_org(org_id, context.get("user"), "create_dataset"):
        return {"success": True}
    return {"success": False, "msg": disclosure.bilingual(
        "เฉพาะบรรณาธิการ (editor) หรือผู้ดูแล (admin) ของหน่วยงาน",
        "Only the organization's editors and admins may import its catalogue")}


def thgov_catalog_import(context: Context, data_dict: DataDict) -> AuthResult:
    """The organization's editors and admins: they may create its datasets one by one anyway."""
    org = model.Group.get(data_dict.get("id") or "")
    return _may_create_in(context, org.id if org is not None else None)


def _import_org(data_dict: DataDict) -> str | None:
    from ckanext.thgov.model import CatalogImport

    run = CatalogImport.get(data_dict.get("id") or "")
    return run.owner_org if run is not None else None


def thgov_catalog_import_show(context: Context, data_dict: DataDict) -> AuthResult:
    return _may_create_in(context, _import_org(data_dict))


def thgov_catalog_import_start(context: Context, data_dict: DataDict) -> AuthResult:
    return _may_create_in(context, _import_org(data_dict))


def thgov_catalog_export(context: Context, data_dict: DataDict) -> AuthResult:
    """Members of the organization (the export holds its private datasets too)."""
    from ckan import authz

    org = model.Group.get(data_dict.get("id") or "")
    if org is not None and authz.has_user_permission_for_group_or_org(org.id, context.get("user"), "read"):
        return {"success": True}
    return {"success": False, "msg": disclosure.bilingual(
        "เฉพาะสมาชิกของหน่วยงาน", "Only the organization's members may export its catalogue")}
