"""Bulk catalogue import and export in CKAN: the template from the live schema, checking an
upload with the same validation as package_create (without writing), the background job that
writes it, and the export of an organization's catalogue. The spreadsheet logic itself is
thgov_validators.catalog.

Nothing is half-imported: the job writes every row in ONE database transaction (CKAN's actions
with defer_commit) and commits at the end, so a row that fails during the job rolls back all the
others; the search index is updated after the commit, so it never holds rolled-back datasets. Progress is written through a separate connection, which the poller can read while the
transaction is still open. (Undoing each row's committed write instead would leave other users
seeing half an import, and a crash between undo steps would still leave one.)
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from typing import Any, Callable

import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import plugins as lib_plugins

from ckanext.thgov.model import CatalogImport, now
from thgov_validators import catalog

log = logging.getLogger(__name__)

PROGRESS_EVERY = 25  # rows between progress writes
ISSUES_KEPT = 5000  # per-row problems kept in the report (the count is always exact)
_SEPARATOR = " / "


# -- the template's columns, from the live schema --------------------------------------------

def columns() -> list[catalog.Column]:
    from ckanext.scheming.helpers import scheming_get_dataset_schema

    schema = scheming_get_dataset_schema("dataset")
    register = model.Package.get_license_register()
    licences = [lic.license_dictize() for lic in register.values()]
    return catalog.columns_from_schema(schema["dataset_fields"], licences)


def template(file_format: str) -> bytes:
    cols = columns()
    return catalog.write_xlsx(cols) if file_format == "xlsx" else catalog.write_csv(cols)


def organization(id_or_name: str) -> model.Group:
    org = model.Group.get(id_or_name)
    if org is None or not org.is_organization or org.state != "active":
        raise tk.ObjectNotFound(_bilingual("ไม่พบหน่วยงาน", "Organization not found"))
    return org


def _bilingual(th: str, en: str) -> str:
    return f"{th}{_SEPARATOR}{en}"


# -- checking an upload ----------------------------------------------------------------------

def _split(message: str) -> tuple[str, str]:
    """A validator's message as (Thai, English): ours are "<thai> / <english>"; CKAN's own are
    English, shown in Thai through CKAN's translation when one exists."""
    from ckanext.thgov.helpers import _SEPARATOR as SEPARATOR, _THAI

    cuts = [m for m in SEPARATOR.finditer(message) if _THAI.search(message, 0, m.start())]
    if cuts:
        cut = cuts[len(cuts) // 2]
        return message[:cut.start()], message[cut.end():]
    return _in_thai(message), message


# CKAN's own validators answer in the worker's language (English) with the value inside, so
# the catalogue cannot look them up; the common ones, in Thai
_CORE_MESSAGES_TH = [
    (re.compile(r"^Email (.*) is not a valid format$"), "อีเมล {0} มีรูปแบบไม่ถูกต้อง"),
    (re.compile(r"^Missing value$"), "ต้องกรอกช่องนี้"),
    (re.compile(r"^Please provide a valid URL$"), "โปรดระบุ URL ที่ถูกต้อง"),
    (re.compile(r"^Invalid integer$"), "ต้องเป็นจำนวนเต็ม"),
    (re.compile(r"^That URL is already in use\.$"), "ชื่อ (URL) นี้ถูกใช้แล้ว"),
    (re.compile(r"^Date format incorrect$"), "รูปแบบวันที่ไม่ถูกต้อง"),
    (re.compile(r"^Value must be one of (.*)$"), "ค่าต้องเป็นหนึ่งใน {0}"),
    (re.compile(r"^unexpected choice (.*)$"), "ค่าไม่อยู่ในรายการ {0}"),
]


def _in_thai(message: str) -> str:
    for pattern, thai in _CORE_MESSAGES_TH:
        found = pattern.match(message)
        if found:
            return thai.format(*found.groups())
    try:
        from flask_babel import force_locale

        with force_locale("th"):
            return str(tk._(message))
    except Exception:  # no application context (a bare script): the English stands
        return message


def _messages(errors: Any) -> list[str]:
    if isinstance(errors, str):
        return [errors]
    if isinstance(errors, dict):
        return [m for value in errors.values() for m in _messages(value)]
    if isinstance(errors, (list, tuple)):
        return [m for value in errors for m in _messages(value)]
    return [str(errors)]


_ERROR_COLUMNS = {"tags": "tag_string", "name": catalog.IDENTIFIER}


def _packages_named(names: set[str]) -> dict[str, model.Package]:
    """The datasets holding any of these names, in one query (a check of 10,000 rows)."""
    found: dict[str, model.Package] = {}
    ordered = sorted(names)
    for start in range(0, len(ordered), 1000):
        chunk = ordered[start:start + 1000]
        for package in model.Session.query(model.Package).filter(model.Package.name.in_(chunk)):
            found[package.name] = package
    return found


def _candidates(org: model.Group, row: catalog.Row) -> list[str]:
    derived = catalog.dataset_name(org.name, row.identifier, row.values.get("title", ""))
    return ([row.identifier] if row.identifier else []) + [derived]


def _existing(org: model.Group, row: catalog.Row,
              packages: dict[str, model.Package]) -> tuple[str, model.Package | None, str | None]:
    """The dataset a row updates, or the name it creates: a dataset of this organization named
    by the identifier itself (one made by hand, or exported from here) or by the organization
    plus the identifier (one imported). A name held by another organization is refused."""
    candidates = _candidates(org, row)
    for name in candidates:
        package = packages.get(name)
        # a deleted dataset of the organization keeps its name: the row brings it back
        if package is not None and package.owner_org == org.id and package.type == "dataset":
            return package.name, package, None
    derived = candidates[-1]
    package = packages.get(derived)
    if package is not None:
        return derived, None, _bilingual(
            f"ชื่อ {derived} ใช้กับชุดข้อมูลของหน่วยงานอื่นแล้ว: เปลี่ยนตัวระบุชุดข้อมูล",
            f"The name {derived} is used by another organization's dataset: change the identifier")
    return derived, None, None


def _dataset_dict(org: model.Group, row: catalog.Row, name: str, package: model.Package | None,
                  template_keys: set[str]) -> dict[str, Any]:
    """What package_create/package_update receive: every template field of the row (an empty cell
    clears the field on update), the dataset's other fields and its resources untouched."""
    values = dict(row.values)
    if package is None:
        # new datasets are private until published through the approval (issue 4's gate)
        return dict(values, name=name, owner_org=org.id, type="dataset", private=True)
    current = tk.get_action("package_show")({"ignore_auth": True, "use_cache": False}, {"id": package.id})
    current.pop("resources", None)
    current.pop("tags", None)
    for key in template_keys - {catalog.IDENTIFIER}:
        current.pop(key, None)
    current.update(values, state="active")
    current["tag_string"] = values.get("tag_string", "")
    return current


def _validate(context: dict[str, Any], data_dict: dict[str, Any], package: model.Package | None) -> dict[str, Any]:
    """The schema validation of package_create/package_update, without writing anything."""
    from ckanext.thgov import disclosure

    plugin = lib_plugins.lookup_package_plugin("dataset")
    context = dict(context, package=package) if package is not None else dict(context)
    if package is None:
        schema, action = plugin.create_package_schema(), "package_create"
    else:
        schema, action = plugin.update_package_schema(), "package_update"
    _data, errors = lib_plugins.plugin_validate(plugin, context, dict(data_dict), schema, action)
    model.Session.info.pop(disclosure.DEMOTION_REASONS, None)  # a check demotes nothing
    return errors


def check_upload(org: model.Group, user: str, filename: str, content: bytes,
                 progress: Callable[[int, int], None] | None = None) -> tuple[catalog.CheckResult, list[dict[str, Any]]]:
    """Every problem of an upload, per row, and the datasets it would write (none written)."""
    cols = columns()
    max_rows = tk.config["ckanext.thgov.import.max_rows"]
    result = catalog.check_tables(catalog.read_tables(filename, content), cols, max_rows=max_rows)
    by_key = {c.key: c for c in cols}
    template_keys = set(by_key)
    user_obj = model.User.get(user)
    # the caller may create datasets in the organization (thgov_catalog_import's auth), and every
    # row's organization is that one: the per-row permission queries are skipped, not the rules
    context = {"model": model, "session": model.Session, "user": user, "auth_user_obj": user_obj,
               "ignore_auth": True}
    packages = _packages_named({name for row in result.rows for name in _candidates(org, row)})
    planned = []
    names: dict[str, int] = {}
    for index, row in enumerate(result.rows, start=1):
        if progress is not None and index % PROGRESS_EVERY == 0:
            progress(index, len(result.rows))
        name, package, refused = _existing(org, row, packages)

        def problem(key: str | None, message: str, row: catalog.Row = row) -> None:
            th, en = _split(message)
            column = by_key.get(_ERROR_COLUMNS.get(key or "", key or ""))
            value = row.values.get(column.key) if column else None
            result.issues.append(catalog.Issue(
                th, en, row.row, row.sheet, column.header_th if column else None, column.key if column else key,
                ", ".join(value) if isinstance(value, list) else (str(value) if value not in (None, "") else None)))

        if refused:
            problem(catalog.IDENTIFIER, refused)
            continue
        if name in names:
            problem(catalog.IDENTIFIER, _bilingual(f"ชุดข้อมูลเดียวกับแถว {names[name]}", f"Same dataset as row {names[name]}"))
            continue
        names[name] = row.row
        data_dict = _dataset_dict(org, row, name, package, template_keys)
        errors = _validate(context, data_dict, package)
        for key, value in errors.items():
            for message in _messages(value):
                problem(key, message)
        if not errors:
            planned.append({"row": row.row, "sheet": row.sheet, "name": name,
                            "update": package is not None, "values": row.values})
    result.issues.sort(key=lambda i: (i.level != "error", i.sheet or "", i.row or 0))
    return result, planned


def start_check(org: model.Group, user: str, filename: str, content: bytes, dry_run: bool,
                background: bool = True) -> CatalogImport:
    """Record an upload and check it in the background (or here); with no errors and not a dry
    run, the same job then imports it."""
    user_obj = model.User.get(user)
    run = CatalogImport(id=str(uuid.uuid4()), owner_org=org.id, user_id=user_obj.id if user_obj else None,
                        filename=filename[:200], status="checking", created=now(), total=0, done=0,
                        content=content)
    model.Session.add(run)
    model.Session.commit()
    import_id = run.id
    if background:
        try:
            tk.enqueue_job(check_catalog, [import_id, dry_run], title=f"thgov catalogue check {import_id}",
                           rq_kwargs={"timeout": tk.config["ckanext.thgov.import.job_timeout"]})
        except Exception:  # Redis down: the upload is refused with a reason, never a 500
            log.exception("could not queue the check of catalogue import %s", import_id)
            _progress(import_id, status="failed", content=None, finished=now(), message=_bilingual(
                "ระบบงานเบื้องหลังไม่พร้อม โปรดลองใหม่ภายหลัง", "The background job queue is unavailable: try again later"))
    else:
        check_catalog(import_id, dry_run=True, user=user)
    model.Session.remove()
    return CatalogImport.get(import_id)


def check_catalog(import_id: str, dry_run: bool = False, user: str | None = None) -> str:
    """Background job: check an upload row by row (progress shown), then import it if it is clean."""
    run = CatalogImport.get(import_id)
    if run is None or run.status != "checking":
        return "gone"
    org = model.Group.get(run.owner_org)
    user = user or _user_name(run)
    filename, content = run.filename or "", bytes(run.content or b"")
    started = time.perf_counter()
    values: dict[str, Any] = {"content": None}
    try:
        result, planned = check_upload(org, user, filename, content,
                                       lambda done, total: _progress(import_id, done=done, total=total))
    except catalog.FileRefused as refused:
        issue = catalog.Issue(refused.th, refused.en)
        values.update(status="invalid", error_count=1, issues=json.dumps([issue.as_dict()], ensure_ascii=False))
    except Exception as error:  # a bug or a lost database: the page says so instead of waiting forever
        model.Session.rollback()
        _progress(import_id, status="failed", content=None, finished=now(), message=_bilingual(
            f"ตรวจสอบไฟล์ไม่สำเร็จ ({type(error).__name__})", f"The check failed ({type(error).__name__}: {error})"))
        raise
    else:
        errors = len(result.errors)
        values.update(total=len(planned) if not errors else result.total, error_count=errors,
                      done=0 if not errors else result.total, status="invalid" if errors else "checked",
                      issues=json.dumps([i.as_dict() for i in result.issues[:ISSUES_KEPT]], ensure_ascii=False),
                      rows=json.dumps(planned, ensure_ascii=False) if not errors else None)
    model.Session.rollback()  # the checks wrote nothing; drop whatever the validators loaded
    values["check_seconds"] = round(time.perf_counter() - started, 3)
    if values["status"] == "checked" and not dry_run:
        values["status"] = "queued"
    _progress(import_id, **values)
    if values["status"] == "queued":
        return import_catalog(import_id, user)
    return str(values["status"])


def sweep_stalled(max_age_seconds: int) -> None:
    """Imports whose job died (worker killed, timed out: its transaction was rolled back) are failed."""
    import datetime as dt

    limit = now() - dt.timedelta(seconds=max_age_seconds)
    stalled = model.Session.query(CatalogImport).filter(
        CatalogImport.status.in_(["checking", "queued", "running"]),
        sa.func.coalesce(CatalogImport.started, CatalogImport.created) < limit)
    for run in stalled:
        run.status, run.finished = "failed", now()
        run.message = _bilingual("งานนำเข้าหยุดทำงาน ไม่มีชุดข้อมูลใดถูกบันทึก",
                                 "The import job stopped: no dataset was written")
    model.Session.commit()


def _user_name(run: CatalogImport) -> str:
    owner = model.User.get(run.user_id) if run.user_id else None
    return owner.name if owner else tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]


def queue_here(import_id: str) -> None:
    """Mark a checked upload queued, for a caller that runs the job itself (the CLI)."""
    run = CatalogImport.get(import_id)
    if run is None or run.status != "checked":
        raise tk.ValidationError({"id": [_bilingual("นำเข้าได้เฉพาะไฟล์ที่ตรวจแล้วไม่พบข้อผิดพลาด",
                                                    "Only a checked upload without errors can be imported")]})
    run.status = "queued"
    model.Session.commit()


def queue(import_id: str) -> None:
    queue_here(import_id)
    tk.enqueue_job(import_catalog, [import_id], title=f"thgov catalogue import {import_id}",
                   rq_kwargs={"timeout": tk.config["ckanext.thgov.import.job_timeout"]})


# -- the job ----------------------------------------------------------------------------------

def _progress(import_id: str, **values: Any) -> None:
    """Written on its own connection and committed at once: the job's transaction is still open."""
    table = CatalogImport.__table__
    with model.meta.engine.begin() as connection:
        connection.execute(sa.update(table).where(table.c.id == import_id).values(**values))


def import_catalog(import_id: str, user: str | None = None) -> str:
    """Background job: write every checked row in one transaction; all or nothing."""
    run = CatalogImport.get(import_id)
    if run is None or run.status not in ("queued", "checked"):
        return "gone"
    planned = json.loads(run.rows or "[]")
    user = user or _user_name(run)
    org = model.Group.get(run.owner_org)
    model.Session.rollback()
    _progress(import_id, status="running", started=now(), done=0, total=len(planned))
    by_key = {c.key for c in columns()}
    created = updated = 0
    written: list[str] = []
    current: dict[str, Any] = {}
    try:
        for index, item in enumerate(planned, start=1):
            current = item
            row = catalog.Row(item["row"], item["sheet"], "", item["values"])
            package = model.Package.get(item["name"])
            if package is not None and package.owner_org != run.owner_org:
                raise tk.ValidationError({"name": [_bilingual(
                    f"ชื่อ {item['name']} ถูกใช้โดยหน่วยงานอื่นระหว่างนำเข้า",
                    f"The name {item['name']} was taken by another organization meanwhile")]})
            data_dict = _dataset_dict(org, row, item["name"], package, by_key)
            # defer_commit: one transaction for the whole file; return_id_only: no package_show per row
            context = {"user": user, "defer_commit": True, "return_id_only": True}
            if package is None:
                written.append(tk.get_action("package_create")(context, data_dict))
                created += 1
            else:
                written.append(tk.get_action("package_update")(context, data_dict))
                updated += 1
            if index % PROGRESS_EVERY == 0:
                _progress(import_id, done=index)
        model.repo.commit()
    except Exception as error:  # noqa: BLE001 - recorded for the page, then the job fails
        model.Session.rollback()
        issues = [_failure_issue(current, error).as_dict()]
        _progress(import_id, status="failed", finished=now(), done=0, error_count=1,
                  issues=json.dumps(issues, ensure_ascii=False),
                  message=_bilingual("นำเข้าไม่สำเร็จ ไม่มีชุดข้อมูลใดถูกบันทึก",
                                     "The import failed: no dataset was written"))
        if isinstance(error, tk.ValidationError):
            return "failed"
        raise
    # CKAN indexes a write with defer_commit only when told to: after the commit, so the index
    # never holds a dataset that was rolled back
    _progress(import_id, done=len(planned), message=_bilingual(
        "บันทึกแล้ว กำลังปรับปรุงดัชนีค้นหา", "Written; updating the search index"))
    _index(written)
    _progress(import_id, status="done", finished=now(), created_count=created, updated_count=updated,
              rows=None, message=None)
    return "done"


def _index(package_ids: list[str]) -> None:
    from ckan import logic
    from ckan.lib import search

    for package_id in package_ids:
        logic.index_update_package({"ignore_auth": True}, package_id, True)
    search.commit()


def _failure_issue(item: dict[str, Any], error: Exception) -> catalog.Issue:
    if isinstance(error, tk.ValidationError):
        messages = _messages(error.error_dict)
        th, en = _split(messages[0]) if messages else ("", str(error))
    else:
        th, en = f"เกิดข้อผิดพลาดของระบบ ({type(error).__name__})", f"System error ({type(error).__name__}: {error})"
    return catalog.Issue(th, en, item.get("row"), item.get("sheet"), value=item.get("name"))


# -- export ---------------------------------------------------------------------------------

def export(org: model.Group, user: str, file_format: str) -> bytes:
    """Every dataset of the organization the user may see, in the template's layout."""
    cols = columns()
    datasets = []
    start = 0
    while True:
        found = tk.get_action("package_search")({"user": user}, {
            "fq": f'owner_org:"{org.id}"', "include_private": True, "rows": 500, "start": start,
            "sort": "name asc"})
        datasets += found["results"]
        start += 500
        if start >= found["count"] or not found["results"]:
            break
    codes = {value: code for code, value in catalog.DATA_TYPES.items()}
    if file_format == "csv":
        rows = [catalog.export_row(cols, d, catalog.local_identifier(org.name, d["name"])) for d in datasets]
        return catalog.write_csv(cols, rows)
    by_type: dict[str, list[list[Any]]] = {}
    for dataset in datasets:
        code = codes.get(dataset.get("data_type") or "", "other")
        sheet_columns = catalog.columns_for_type(cols, code)
        by_type.setdefault(code, []).append(
            catalog.export_row(sheet_columns, dataset, catalog.local_identifier(org.name, dataset["name"])))
    return catalog.write_xlsx(cols, by_type)
