"""Pages of ckanext-thgov: a dataset's publication (disclosure check, approval, audit log), validation
reports, and the action API documentation."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint

import ckan.plugins.toolkit as tk
from ckan.types import Context

__all__ = ["publication", "validation_report", "api_docs", "open_data", "catalog_import"]

publication = Blueprint("thgov_publication", __name__)
validation_report = Blueprint("thgov_validation", __name__)
api_docs = Blueprint("thgov_api_docs", __name__)
open_data = Blueprint("thgov_open_data", __name__)
catalog_import = Blueprint("thgov_catalog", __name__)

STEPS = {
    "request": "thgov_publication_request",
    "approve": "thgov_publication_approve",
    "reject": "thgov_publication_reject",
}


def _context() -> Context:
    return {"user": tk.current_user.name if tk.current_user.is_authenticated else ""}  # type: ignore[typeddict-item]


def _flash_errors(error: tk.ValidationError) -> None:
    """A refused action's messages, in the page's language, shown on the page it returns to."""
    for messages in error.error_dict.values():
        for message in messages if isinstance(messages, list) else [messages]:
            tk.h.flash_error(tk.h.thgov_localised_error(str(message)))


def _allowed(action: str, data: dict[str, Any]) -> bool:
    try:
        tk.check_access(action, _context(), data)
        return True
    except tk.NotAuthorized:
        return False


def _post(action: str, data: dict[str, Any], back: str, not_found: str) -> Any:
    """Runs a form's action: its result, or the response for a refusal (errors flashed on the way back)."""
    try:
        return tk.get_action(action)(_context(), data)
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Unauthorized to update dataset"))
    except tk.ObjectNotFound:
        return tk.abort(404, not_found)
    except tk.ValidationError as error:
        _flash_errors(error)
        return tk.redirect_to(back)


@publication.route("/dataset/<id>/publication")
def show(id: str) -> str:
    """Whether the dataset may be public and why not, its approval, and (for admins) its audit log."""
    try:
        pkg = tk.get_action("package_show")(_context(), {"id": id})
        check = tk.get_action("thgov_disclosure_check")(_context(), {"id": pkg["id"]})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return tk.abort(404, tk._("Dataset not found"))
    may_update = _allowed("package_update", {"id": pkg["id"]})
    is_admin = _allowed("thgov_publication_approve", {"id": pkg["id"]})
    audit = tk.get_action("thgov_audit_list")(_context(), {"id": pkg["id"]}) if is_admin else []
    return tk.render("thgov/publication.html", {
        "pkg": pkg, "pkg_dict": pkg, "check": check, "may_request": may_update, "may_decide": is_admin,
        "audit": audit, "dataset_type": pkg["type"],
    })


@publication.route("/dataset/<id>/publication/<step>", methods=["POST"])
def decide(id: str, step: str) -> Any:
    """Request, approve or reject publication (a form post with the CSRF token, never a GET)."""
    action = STEPS.get(step)
    if action is None:
        return tk.abort(404)
    back = tk.url_for("thgov_publication.show", id=id)
    result = _post(action, {"id": id, "note": tk.request.form.get("note", "")}, back, tk._("Dataset not found"))
    if not isinstance(result, dict):
        return result
    if step == "approve" and result.get("private"):
        tk.h.flash_notice(tk._("Approved, but the dataset cannot be public yet: see the conditions below."))
    else:
        tk.h.flash_success({
            "request": tk._("Publication requested: an organization admin will review it."),
            "approve": tk._("Approved and published."),
            "reject": tk._("Publication refused; the dataset is private."),
        }[step])
    return tk.redirect_to("thgov_publication.show", id=id)


@validation_report.route("/dataset/<id>/resource/<resource_id>/validation")
def report(id: str, resource_id: str) -> str:
    """A resource's validation report, errors by row and column, in the page's language."""
    try:
        pkg = tk.get_action("package_show")(_context(), {"id": id})
        resource = tk.get_action("resource_show")(_context(), {"id": resource_id})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return tk.abort(404, tk._("Resource not found"))
    if resource.get("package_id") != pkg["id"]:
        return tk.abort(404, tk._("Resource not found"))
    try:
        result = tk.get_action("resource_validation_show")(_context(), {"resource_id": resource_id})
    except tk.ObjectNotFound:
        result = None
    report_dict = (result or {}).get("report") or {}
    errors = [e for task in report_dict.get("tasks", []) for e in task.get("errors", [])]
    errors += report_dict.get("errors", [])
    errors = _blank_runs_joined(errors)
    return tk.render("thgov/validation_report.html", {
        "pkg": pkg, "pkg_dict": pkg, "res": resource, "validation": result, "report": report_dict,
        "errors": errors, "may_run": _allowed("resource_validation_run", {"resource_id": resource_id}),
        "dataset_type": pkg["type"],
    })


@validation_report.route("/dataset/<id>/resource/<resource_id>/validation/run", methods=["POST"])
def run(id: str, resource_id: str) -> Any:
    """The "validate again" button (a form post with the CSRF token)."""
    back = tk.url_for("thgov_validation.report", id=id, resource_id=resource_id)
    result = _post("resource_validation_run", {"resource_id": resource_id}, back, tk._("Resource not found"))
    if not isinstance(result, dict):
        return result
    tk.h.flash_success(tk._("Validation queued: refresh this page in a moment."))
    return tk.redirect_to("thgov_validation.report", id=id, resource_id=resource_id)


@api_docs.route("/api-docs")
def api_page() -> str:
    """Every extension action with its parameters, who may call it, errors and tested examples."""
    from ckanext.thgov import api_docs as content

    return tk.render("thgov/api_docs.html", {
        "actions": content.action_docs(), "core_actions": content.core_action_docs(),
        "copy_steps": content.catalogue_copy_steps(),
        "site_url": tk.config["ckan.site_url"].rstrip("/"),
    })


def _blank_runs_joined(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Consecutive blank rows (a spreadsheet's trailing empty rows) as one line of the report
    page, with the first and last row and how many (the report itself keeps them all)."""
    out: list[dict[str, Any]] = []
    for error in errors:
        last = out[-1] if out else None
        if (error.get("type") == "blank-row" and last is not None and last.get("type") == "blank-row"
                and isinstance(error.get("rowNumber"), int)
                and last.get("last_row", last.get("rowNumber")) == error["rowNumber"] - 1):
            if "run_length" not in last:
                out[-1] = last = dict(last, run_length=1)
            last["run_length"] += 1
            last["last_row"] = error["rowNumber"]
            continue
        out.append(error)
    return out


# -- open data for machines: Data Packages, the thgov: vocabulary, DCAT content types ----------

def _json_response(body: Any, status: int = 200, mimetype: str = "application/json") -> Any:
    from flask import Response

    return Response(json.dumps(body, ensure_ascii=False, indent=2), status=status,
                    content_type=f"{mimetype}; charset=utf-8")


@open_data.route("/dataset/<id>/datapackage.json")
def datapackage(id: str) -> Any:
    """The dataset as a Frictionless Data Package; 404 unless the dataset is disclosed."""
    try:
        package = tk.get_action("thgov_datapackage_show")(_context(), {"id": id})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return _json_response({"error": "ไม่พบชุดข้อมูล / Dataset not found"}, status=404)
    return _json_response(package)


@open_data.route("/ns/thgov.ttl")
def vocabulary() -> Any:
    """The thgov: vocabulary (Turtle), generated from the dataset schema the profile writes from."""
    from flask import Response

    from ckanext.thgov import dcat_vocabulary

    schema = tk.get_action("scheming_dataset_schema_show")({}, {"type": "dataset"})
    return Response(dcat_vocabulary.turtle(schema), content_type="text/turtle; charset=utf-8")


@open_data.after_app_request
def rdf_charset(response: Any) -> Any:
    """ckanext-dcat's endpoints send UTF-8 without saying so: Thai text must not be read as Latin-1."""
    if tk.request.endpoint in ("dcat.read_dataset", "dcat.read_catalog", "dcat.read_dataset_series"):
        content_type = response.headers.get("Content-Type", "")
        if content_type and "charset" not in content_type:
            response.headers["Content-Type"] = f"{content_type}; charset=utf-8"
    return response


# -- catalogue spreadsheets (issue 7) -------------------------------------------------------

SPREADSHEET_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def _organization(id: str) -> dict[str, Any]:
    try:
        return tk.get_action("organization_show")(_context(), {"id": id, "include_datasets": False})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return tk.abort(404, tk._("Organization not found"))


def _download(content: bytes, filename: str, file_format: str) -> Any:
    from urllib.parse import quote

    from flask import Response

    return Response(content, mimetype=SPREADSHEET_TYPES[file_format], headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}",
        "Cache-Control": "no-store",
    })


@catalog_import.route("/organization/<id>/import", methods=["GET", "POST"])
def upload(id: str) -> Any:
    """The import page: template downloads, the upload form and the organization's recent imports."""
    from ckanext.thgov.model import CatalogImport
    from ckan import model

    org = _organization(id)
    if not _allowed("thgov_catalog_import", {"id": org["id"]}):
        return tk.abort(403, tk._("Only the organization's editors and admins may import its catalogue"))
    if tk.request.method == "POST":
        data = {"id": org["id"], "upload": tk.request.files.get("upload"),
                "dry_run": True}  # the page always shows the report first; the import is a second click
        try:
            result = tk.get_action("thgov_catalog_import")(_context(), data)
        except tk.ValidationError as error:
            _flash_errors(error)
            return tk.redirect_to("thgov_catalog.upload", id=org["name"])
        return tk.redirect_to("thgov_catalog.status", id=org["name"], import_id=result["id"])
    recent = (model.Session.query(CatalogImport).filter(CatalogImport.owner_org == org["id"])
              .order_by(CatalogImport.created.desc()).limit(10).all())
    return tk.render("thgov/catalog_import.html", {
        "organization": org, "group_dict": org, "group_type": "organization",
        "recent": [r.as_dict(with_issues=False) for r in recent],
    })


@catalog_import.route("/organization/<id>/import/<import_id>")
def status(id: str, import_id: str) -> str:
    """One upload: the per-row report, then the import's progress (the page polls the status action)."""
    org = _organization(id)
    try:
        result = tk.get_action("thgov_catalog_import_show")(_context(), {"id": import_id})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return tk.abort(404, tk._("Import not found"))
    if result["owner_org"] != org["id"]:
        return tk.abort(404, tk._("Import not found"))
    return tk.render("thgov/catalog_import_status.html", {
        "organization": org, "group_dict": org, "group_type": "organization", "run": result,
        "errors": [i for i in result["issues"] if i["level"] == "error"],
        "notices": [i for i in result["issues"] if i["level"] == "notice"],
    })


@catalog_import.route("/organization/<id>/import/<import_id>/start", methods=["POST"])
def start(id: str, import_id: str) -> Any:
    """The "import these datasets" button of a checked upload (a form post with the CSRF token)."""
    try:
        tk.get_action("thgov_catalog_import_start")(_context(), {"id": import_id})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only the organization's editors and admins may import its catalogue"))
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Import not found"))
    except tk.ValidationError as error:
        _flash_errors(error)
    return tk.redirect_to("thgov_catalog.status", id=id, import_id=import_id)


@catalog_import.route("/organization/<id>/import/template.<file_format>")
def template(id: str, file_format: str) -> Any:
    """The empty template, from the live schema (drop-down lists of the allowed values)."""
    from ckanext.thgov import catalog

    if file_format not in SPREADSHEET_TYPES:
        return tk.abort(404)
    org = _organization(id)
    return _download(catalog.template(file_format), f"thgov-catalog-template-{org['name']}.{file_format}", file_format)


@catalog_import.route("/organization/<id>/export.<file_format>")
def export(id: str, file_format: str) -> Any:
    """The organization's catalogue (private datasets included, for its members) in the template."""
    from ckanext.thgov import catalog

    if file_format not in SPREADSHEET_TYPES:
        return tk.abort(404)
    org = _organization(id)
    if not _allowed("thgov_catalog_export", {"id": org["id"]}):
        return tk.abort(403, tk._("Only the organization's members may export its catalogue"))
    content = catalog.export(catalog.organization(org["id"]), _context()["user"], file_format)
    return _download(content, f"{org['name']}-catalog.{file_format}", file_format)
