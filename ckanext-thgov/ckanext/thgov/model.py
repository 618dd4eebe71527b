"""Tables of ckanext-thgov (created by the alembic migrations in migration/thgov)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Boolean, Column, DateTime, Integer, UnicodeText
from sqlalchemy.orm import Mapped

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
