"""Tables of ckanext-thgov (created by the alembic migrations in migration/thgov)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Boolean, Column, DateTime, Float, Integer, LargeBinary, UnicodeText
from sqlalchemy.orm import Mapped, deferred

from ckan.model import meta
from ckan.model.base import BaseModel


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class Publication(BaseModel):  # type: ignore[misc, valid-type]
    """The publication request and decision of one dataset (statuses: pending, approved, rejected)."""

    __tablename__ = "thgov_publication"

    package_id: Mapped[str] = Column(UnicodeText, primary_key=True)  # type: ignore[assignment]
    owner_org: Mapped[str | None] = Column(UnicodeText)  # type: ignore[assignment]
    status: Mapped[str] = Column(UnicodeText, nullable=False)  # type: ignore[assignment]
    requested_by: Mapped[str | None] = Column(UnicodeText)  # type: ignore[assignment]
    requested_at: Mapped[dt.datetime | None] = Column(DateTime)  # type: ignore[assignment]
    decided_by: Mapped[str | None] = Column(UnicodeText)  # type: ignore[assignment]
    decided_at: Mapped[dt.datetime | None] = Column(DateTime)  # type: ignore[assignment]
    note: Mapped[str | None] = Column(UnicodeText)  # type: ignore[assignment]

    @classmethod
    def get(cls, package_id: str) -> "Publication | None":
        return meta.Session.get(cls, package_id)

    def as_dict(self) -> dict[str, Any]:
        return {
            "package_id": self.package_id, "owner_org": self.owner_org, "status": self.status,
            "requested_by": self.requested_by, "decided_by": self.decided_by, "note": self.note,
            "requested_at": self.requested_at.isoformat() if self.requested_at else None,
            "decided_at": self.decided_at.isoformat() if self.decided_at else None,
        }


class AuditEntry(BaseModel):  # type: ignore[misc, valid-type]
    """One change of category, classification, visibility, organization or approval."""

    __tablename__ = "thgov_audit"

    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)  # type: ignore[assignment]
    package_id: Mapped[str] = Column(UnicodeText, nullable=False, index=True)  # type: ignore[assignment]
    owner_org: Mapped[str | None] = Column(UnicodeText, index=True)  # type: ignore[assignment]
    actor: Mapped[str | None] = Column(UnicodeText)  # type: ignore[assignment]
    created: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=_now)  # type: ignore[assignment]
    field: Mapped[str] = Column(UnicodeText, nullable=False)  # type: ignore[assignment]
    old_value: Mapped[str | None] = Column(UnicodeText)  # type: ignore[assignment]
    new_value: Mapped[str | None] = Column(UnicodeText)  # type: ignore[assignment]
    reason: Mapped[str | None] = Column(UnicodeText)  # type: ignore[assignment]

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "package_id": self.package_id, "owner_org": self.owner_org, "actor": self.actor,
            "created": self.created.isoformat(), "field": self.field, "old_value": self.old_value,
            "new_value": self.new_value, "reason": self.reason,
        }


class DisclosureState(BaseModel):  # type: ignore[misc, valid-type]
    """The last audited values of a dataset, so each change is logged once whatever path made it."""

    __tablename__ = "thgov_disclosure_state"

    package_id: Mapped[str] = Column(UnicodeText, primary_key=True)  # type: ignore[assignment]
    owner_org: Mapped[str | None] = Column(UnicodeText)  # type: ignore[assignment]
    data_category: Mapped[str | None] = Column(UnicodeText)  # type: ignore[assignment]
    data_classification: Mapped[str | None] = Column(UnicodeText)  # type: ignore[assignment]
    private: Mapped[bool | None] = Column(Boolean)  # type: ignore[assignment]
    publication: Mapped[str | None] = Column(UnicodeText)  # type: ignore[assignment]

    @classmethod
    def get(cls, package_id: str) -> "DisclosureState | None":
        return meta.Session.get(cls, package_id)


def now() -> dt.datetime:
    return _now()


class Validation(BaseModel):  # type: ignore[misc, valid-type]
    """The latest validation of one resource (status pending, running, success, failure, error)."""

    __tablename__ = "thgov_validation"

    resource_id: Mapped[str] = Column(UnicodeText, primary_key=True)  # type: ignore[assignment]
    package_id: Mapped[str | None] = Column(UnicodeText, index=True)  # type: ignore[assignment]
    status: Mapped[str] = Column(UnicodeText, nullable=False)  # type: ignore[assignment]
    source: Mapped[str | None] = Column(UnicodeText)  # type: ignore[assignment]
    job_id: Mapped[str | None] = Column(UnicodeText)  # type: ignore[assignment]
    attempts: Mapped[int] = Column(Integer, nullable=False, default=0)  # type: ignore[assignment]
    created: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=_now)  # type: ignore[assignment]
    started: Mapped[dt.datetime | None] = Column(DateTime)  # type: ignore[assignment]
    finished: Mapped[dt.datetime | None] = Column(DateTime)  # type: ignore[assignment]
    encoding: Mapped[str | None] = Column(UnicodeText)  # type: ignore[assignment]
    error_count: Mapped[int | None] = Column(Integer)  # type: ignore[assignment]
    personal_data_found: Mapped[bool | None] = Column(Boolean)  # type: ignore[assignment]
    report: Mapped[str | None] = Column(UnicodeText)  # type: ignore[assignment]
    message: Mapped[str | None] = Column(UnicodeText)  # type: ignore[assignment]

    @classmethod
    def get(cls, resource_id: str) -> "Validation | None":
        return meta.Session.get(cls, resource_id)

    def as_dict(self, with_report: bool = True) -> dict[str, Any]:
        import json

        result: dict[str, Any] = {
            "resource_id": self.resource_id, "package_id": self.package_id, "status": self.status,
            "job_id": self.job_id, "attempts": self.attempts, "encoding": self.encoding,
            "error_count": self.error_count, "personal_data_found": self.personal_data_found,
            "message": self.message,
            "created": self.created.isoformat() if self.created else None,
            "started": self.started.isoformat() if self.started else None,
            "finished": self.finished.isoformat() if self.finished else None,
        }
        if with_report:
            result["report"] = json.loads(self.report) if self.report else None
        return result


class CatalogImport(BaseModel):  # type: ignore[misc, valid-type]
    """One upload of an organization's catalogue spreadsheet (statuses: checking, invalid, checked,
    queued, running, done, failed). The file is kept until it is checked, then the checked rows
    until they are written, so the jobs need no shared file storage."""

    __tablename__ = "thgov_catalog_import"

    id: Mapped[str] = Column(UnicodeText, primary_key=True)  # type: ignore[assignment]
    owner_org: Mapped[str] = Column(UnicodeText, nullable=False, index=True)  # type: ignore[assignment]
    user_id: Mapped[str | None] = Column(UnicodeText)  # type: ignore[assignment]
    filename: Mapped[str | None] = Column(UnicodeText)  # type: ignore[assignment]
    status: Mapped[str] = Column(UnicodeText, nullable=False)  # type: ignore[assignment]
    total: Mapped[int] = Column(Integer, nullable=False, default=0)  # type: ignore[assignment]
    done: Mapped[int] = Column(Integer, nullable=False, default=0)  # type: ignore[assignment]
    error_count: Mapped[int] = Column(Integer, nullable=False, default=0)  # type: ignore[assignment]
    created_count: Mapped[int] = Column(Integer, nullable=False, default=0)  # type: ignore[assignment]
    updated_count: Mapped[int] = Column(Integer, nullable=False, default=0)  # type: ignore[assignment]
    created: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=_now)  # type: ignore[assignment]
    started: Mapped[dt.datetime | None] = Column(DateTime)  # type: ignore[assignment]
    finished: Mapped[dt.datetime | None] = Column(DateTime)  # type: ignore[assignment]
    check_seconds: Mapped[float | None] = Column(Float)  # type: ignore[assignment]
    issues: Mapped[str | None] = Column(UnicodeText)  # type: ignore[assignment]
    rows: Mapped[str | None] = Column(UnicodeText)  # type: ignore[assignment]
    message: Mapped[str | None] = Column(UnicodeText)  # type: ignore[assignment]
    content: Mapped[bytes | None] = deferred(Column(LargeBinary))  # type: ignore[assignment]

    @classmethod
    def get(cls, import_id: str) -> "CatalogImport | None":
        return meta.Session.get(cls, import_id)

    def as_dict(self, with_issues: bool = True) -> dict[str, Any]:
        import json

        result: dict[str, Any] = {
            "id": self.id, "owner_org": self.owner_org, "user_id": self.user_id, "filename": self.filename,
            "status": self.status, "total": self.total, "done": self.done, "error_count": self.error_count,
            "created_count": self.created_count, "updated_count": self.updated_count, "message": self.message,
            "check_seconds": self.check_seconds,
            "created": self.created.isoformat() if self.created else None,
            "started": self.started.isoformat() if self.started else None,
            "finished": self.finished.isoformat() if self.finished else None,
        }
        if with_issues:
            result["issues"] = json.loads(self.issues) if self.issues else []
        return result
