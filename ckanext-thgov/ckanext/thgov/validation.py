"""Validation of resource files in the background (RQ on Redis, `ckan jobs worker`).

A resource is queued when it is created or its file or URL changes (whatever path wrote it),
once the write is committed. The job validates with thgov_validators, keeps the report in
thgov_validation, and writes the outcome onto the resource (validation_status,
validation_timestamp, personal_data_found) through resource_patch, so the disclosure gate reads
it: a failed file or personal data makes a public dataset private. The upload is never removed.
"""

from __future__ import annotations

import json
import logging
import tempfile
from pathlib import Path
from typing import Any

import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import uploader

from ckanext.thgov import remote
from ckanext.thgov.model import Validation, now

log = logging.getLogger(__name__)

PENDING = "thgov_validation_pending"
WRITING = "thgov_validation_write"  # context flag: this write is the job's own, do not queue again
REPORT_LIMIT = 1_000_000  # bytes of report JSON kept in the database
TABULAR_FORMATS = frozenset({"csv", "tsv", "xlsx", "xls"})


def tabular_format(resource: model.Resource) -> str | None:
    """The tabular format to validate the resource's file as, or None (PDFs, APIs, ... are not checked)."""
    declared = (resource.format or "").strip().lower().lstrip(".")
    if declared in TABULAR_FORMATS:
        return declared
    extension = Path(str(resource.url or "").split("?")[0]).suffix.lower().lstrip(".")
    return extension if extension in TABULAR_FORMATS else None


# -- queueing, after the write is committed --------------------------------------------------

def note_changes(package_id: str) -> None:
    """Within a dataset write: resources whose file is new or changed since their last validation
    become pending, and are queued once the write is committed."""
    package = model.Package.get(package_id)
    if package is None:
        return
    pending = model.Session.info.setdefault(PENDING, set())
    for resource in package.resources:
        if not resource.url or tabular_format(resource) is None:
            continue
        row = Validation.get(resource.id)
        source = _source_key(resource)
        if row is not None and row.source == source:
            continue
        if row is None:
            row = Validation(resource_id=resource.id, created=now(), attempts=0)
            model.Session.add(row)
        row.package_id, row.status, row.source = package.id, "pending", source
        row.started = row.finished = row.report = row.message = None
        row.attempts = 0
        pending.add(resource.id)


def _source_key(resource: model.Resource) -> str:
    # what identifies the validated file: its URL and, for uploads, when it was last written
    return f"{resource.url}|{resource.url_type or ''}|{resource.last_modified or resource.created}"


def enqueue_pending(session: Any) -> None:
    """SQLAlchemy after_commit hook: queue what note_changes collected, now that a worker can see it.
    No SQL may run here; the job marks itself running."""
    pending = session.info.pop(PENDING, None)
    for resource_id in sorted(pending or ()):
        try:
            enqueue(resource_id)
        except Exception:  # Redis down: the resource stays pending and the sweep marks it; the write stands
            log.exception("could not queue validation of resource %s", resource_id)


def forget_pending(session: Any, *args: Any) -> None:
    """SQLAlchemy after_rollback hook: nothing of a rolled-back write is queued."""
    session.info.pop(PENDING, None)


def enqueue(resource_id: str) -> str:
    from rq import Retry

    job = tk.enqueue_job(
        validate_resource, [resource_id], title=f"thgov validation {resource_id}",
        rq_kwargs={"retry": Retry(max=2, interval=[10, 60]),
                   "timeout": tk.config["ckanext.thgov.validation.job_timeout"]},
    )
    return job.id


def _mark(resource_id: str, status: str, **values: Any) -> Validation:
    row = Validation.get(resource_id)
    resource = model.Resource.get(resource_id)
    if row is None:
        row = Validation(resource_id=resource_id, status=status, created=now(), attempts=0)
        model.Session.add(row)
    row.status = status
    row.package_id = resource.package_id if resource is not None else row.package_id
    for name, value in values.items():
        setattr(row, name, value)
    model.Session.commit()
    return row


# -- the job ------------------------------------------------------------------------------

def validate_resource(resource_id: str) -> str:
    """Background job: validate one resource's file and record the outcome."""
    resource = model.Resource.get(resource_id)
    if resource is None or resource.state != "active":
        return "gone"
    source = _source_key(resource)
    row = Validation.get(resource_id)
    _mark(resource_id, "running", started=now(), finished=None, source=source,
          attempts=((row.attempts or 0) if row else 0) + 1)
    try:
        report = _validate(resource)
    except remote.FetchRefused as refused:
        _finish(resource_id, "error", source, message=f"{refused.th} / {refused.en}")
        return "error"
    except Exception as error:  # noqa: BLE001 - recorded, and re-raised so RQ can retry
        model.Session.rollback()
        _finish(resource_id, "error", source, message=f"ตรวจสอบไม่สำเร็จ / Validation crashed: {error}")
        raise
    _finish(resource_id, outcome(report), source, report=report)
    return outcome(report)


def outcome(report: dict[str, Any]) -> str:
    """failure blocks publication: frictionless's errors, or personal data. Thai quality findings
    (an unknown province, a BE/CE mix, Thai digits) are listed in the report but do not block."""
    summary = report.get("thgov") or {}
    standard_valid = summary.get("standard_valid", report.get("valid"))
    return "success" if standard_valid and not summary.get("personal_data_found") else "failure"


def _validate(resource: model.Resource) -> dict[str, Any]:
    import thgov_validators

    resource_dict = {"id": resource.id, "url": resource.url, "url_type": resource.url_type,
                     "format": resource.format, **(resource.extras or {})}
    schema = _json_field(resource_dict.get("schema"))
    options = _json_field(resource_dict.get("validation_options")) or {}
    with tempfile.TemporaryDirectory(prefix="thgov-validation-") as tmp:
        path = _local_copy(resource_dict, Path(tmp))
        allowed = {"limit_errors", "encoding", "sheet", "thai_checks"}  # what a user may tune
        options = {k: v for k, v in options.items() if k in allowed}
        return thgov_validators.validate(str(path), schema=schema, format=tabular_format(resource), **options)


def _json_field(value: Any) -> Any:
    if value in (None, ""):
        return None
    if isinstance(value, dict):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return None


def _max_bytes() -> int:
    return int(tk.config["ckan.max_resource_size"]) * 1024 * 1024


def _local_copy(resource: dict[str, Any], tmp: Path) -> Path:
    name = Path(str(resource.get("url") or "data").split("?")[0]).name or "data"
    target = tmp / name
    if resource.get("url_type") != "upload":
        fetched = remote.fetch(resource["url"], target, max_bytes=_max_bytes(),
                               timeout=tk.config["ckanext.thgov.validation.fetch_timeout"])
        return fetched.path
    upload = uploader.get_resource_uploader(dict(resource))
    location = upload.get_path(resource["id"])
    storage = getattr(upload, "storage", None)
    if storage is None:  # the classic uploader: a path on this machine
        return Path(location)
    from ckan.lib import files

    with target.open("wb") as out:
        for chunk in storage.stream(files.FileData(location)):
            out.write(chunk)
    return target


def _capped(report: dict[str, Any]) -> str:
    text = json.dumps(report, ensure_ascii=False)
    if len(text.encode()) <= REPORT_LIMIT:
        return text
    trimmed = dict(report)
    for task in trimmed.get("tasks", []):
        task["errors"] = task.get("errors", [])[:200]
    trimmed["thgov_report_truncated"] = True
    return json.dumps(trimmed, ensure_ascii=False)[:REPORT_LIMIT * 2]


def _finish(resource_id: str, status: str, source: str, report: dict[str, Any] | None = None,
            message: str | None = None) -> None:
    summary = (report or {}).get("thgov") or {}
    personal = bool(summary.get("personal_data_found"))
    errors = report.get("stats", {}).get("errors") if report else None
    _mark(resource_id, status, finished=now(), report=_capped(report) if report else None,
          encoding=summary.get("encoding"), error_count=errors, personal_data_found=personal,
          message=message, source=source)
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    context = {"ignore_auth": True, "user": site_user["name"], WRITING: True}
    tk.get_action("resource_patch")(context, {
        "id": resource_id, "validation_status": status, "validation_timestamp": now().isoformat(),
        "personal_data_found": "true" if personal else "false",
    })


def sweep_stalled(max_age_seconds: int) -> int:
    """Jobs that died (worker killed, out of memory) leave 'running' or 'pending' rows: mark them error."""
    import datetime as dt

    limit = now() - dt.timedelta(seconds=max_age_seconds)
    stalled = model.Session.query(Validation).filter(
        Validation.status.in_(["running", "pending"]),
        sa.func.coalesce(Validation.started, Validation.created) < limit,
    ).all()
    for row in stalled:
        row.status = "error"
        row.finished = now()
        row.message = "งานตรวจสอบหยุดทำงาน / The validation job stopped"
    model.Session.commit()
    return len(stalled)
