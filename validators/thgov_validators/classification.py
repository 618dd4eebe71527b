"""When a dataset may be public: the disclosure rule of the Thai GDC standard, as pure code.

A dataset may be Open Data only if every registered condition holds. The built-in conditions:
(a) category ``ข้อมูลสาธารณะ`` with classification ``เปิดเผย``; (b) an open licence;
(c) the mandatory metadata complete; (d) no resource failed validation or holds personal data;
(e) approved for publication by an organization admin other than the one who prepared it
(unless self-approval is allowed). Other extensions add conditions with ``register``.

Input is a plain dataset dict (CKAN's package dict shape); nothing here imports ckan.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

PUBLIC_CATEGORY = "ข้อมูลสาธารณะ"
OPEN_CLASSIFICATION = "เปิดเผย"

# Stored values exactly as the Thai GDC portals store them (reference §4.1).
CATEGORIES = (
    "ข้อมูลสาธารณะ",
    "ข้อมูลใช้ภายใน",
    "ข้อมูลส่วนบุคคล",
    "ข้อมูลความมั่นคง",
    "ข้อมูลความลับทางราชการ",
)
CLASSIFICATIONS = ("เปิดเผย", "ชั้นเผยแพร่ภายในองค์กร", "ลับ", "ลับมาก", "ลับที่สุด")
SECRET_LEVELS = frozenset({"ลับ", "ลับมาก", "ลับที่สุด"})

# Allowed classification for each category (reference §4.2; enforced only in JavaScript before).
ALLOWED_CLASSIFICATIONS: Mapping[str, frozenset[str]] = {
    "ข้อมูลสาธารณะ": frozenset({"เปิดเผย"}),
    "ข้อมูลใช้ภายใน": frozenset({"ชั้นเผยแพร่ภายในองค์กร"}),
    "ข้อมูลส่วนบุคคล": frozenset({"ชั้นเผยแพร่ภายในองค์กร", "ลับ", "ลับมาก"}),
    "ข้อมูลความมั่นคง": frozenset({"ลับ", "ลับมาก", "ลับที่สุด"}),
    "ข้อมูลความลับทางราชการ": frozenset({"ลับ", "ลับมาก", "ลับที่สุด"}),
}

# The 14 mandatory items (reference §2.3); tags and organization are checked by their CKAN keys.
MANDATORY_FIELDS = (
    "data_type", "title", "owner_org", "maintainer", "maintainer_email", "tags", "notes",
    "objective", "update_frequency_unit", "geo_coverage", "data_source", "data_format",
    "data_category", "license_id",
)

# Licences whose terms meet the Open Definition; the CKAN adapter may pass its register's list.
DEFAULT_OPEN_LICENCES = frozenset({
    "cc-by", "cc-by-sa", "cc-zero", "cc-by-4.0", "cc-by-sa-4.0", "odc-by", "odc-odbl", "odc-pddl",
    "ogl", "dga-ogl", "open-data-common", "other-open", "gfdl", "uk-ogl",
})

FAILED_VALIDATION_STATES = frozenset({"failure", "error"})


@dataclass(frozen=True)
class Failure:
    """One unmet condition, with a stable code and messages in Thai and English."""

    code: str
    th: str
    en: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "th": self.th, "en": self.en}


@dataclass(frozen=True)
class Approval:
    """Who prepared the dataset for publication and who approved it."""

    prepared_by: str | None
    approved_by: str | None
    approver_is_org_admin: bool


@dataclass(frozen=True)
class RuleContext:
    approval: Approval | None = None
    open_licences: frozenset[str] = DEFAULT_OPEN_LICENCES
    allow_self_approval: bool = False


@dataclass(frozen=True)
class Decision:
    allowed: bool
    failures: tuple[Failure, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict[str, Any]:
        return {"may_be_public": self.allowed, "failures": [f.as_dict() for f in self.failures]}


Condition = Callable[[Mapping[str, Any], RuleContext], Iterable[Failure]]


def check_pair(category: str | None, classification: str | None) -> Failure | None:
    """The category/classification pairing of §4.2, for schema validation of any dataset."""
    if category not in ALLOWED_CLASSIFICATIONS:
        return Failure("unknown_category", f"หมวดหมู่ข้อมูลไม่ถูกต้อง: {category!r}", f"Unknown data category: {category!r}")
    if classification not in ALLOWED_CLASSIFICATIONS[category]:
        allowed = ", ".join(sorted(ALLOWED_CLASSIFICATIONS[category]))
        return Failure(
            "classification_not_allowed",
            f"ระดับชั้นข้อมูล {classification!r} ใช้กับหมวดหมู่ {category} ไม่ได้ (ใช้ได้: {allowed})",
            f"Classification {classification!r} is not allowed for category {category} (allowed: {allowed})",
        )
    return None


def implied_classification(category: str | None) -> str | None:
    """The classification a category allows alone (older Thai GDC exports lack the field)."""
    options = ALLOWED_CLASSIFICATIONS.get(category or "")
    return next(iter(options)) if options and len(options) == 1 else None


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str | list | tuple | dict) and len(value) == 0) or (
        isinstance(value, str) and not value.strip()
    )


def open_classification(dataset: Mapping[str, Any], ctx: RuleContext) -> Iterable[Failure]:
    category, classification = dataset.get("data_category"), dataset.get("data_classification")
    if category != PUBLIC_CATEGORY or classification != OPEN_CLASSIFICATION:
        yield Failure(
            "not_disclosable",
            f"เผยแพร่เป็นข้อมูลเปิดได้เฉพาะหมวดหมู่ {PUBLIC_CATEGORY} ระดับชั้น {OPEN_CLASSIFICATION} "
            f"(ชุดข้อมูลนี้: {category or '-'} / {classification or '-'})",
            f"Only category {PUBLIC_CATEGORY} with classification {OPEN_CLASSIFICATION} may be public "
            f"(this dataset: {category or '-'} / {classification or '-'})",
        )


def open_licence(dataset: Mapping[str, Any], ctx: RuleContext) -> Iterable[Failure]:
    if dataset.get("license_id") not in ctx.open_licences:
        yield Failure(
            "licence_not_open",
            f"สัญญาอนุญาต {dataset.get('license_id') or '-'} ไม่ใช่สัญญาอนุญาตแบบเปิด",
            f"Licence {dataset.get('license_id') or '-'} is not an open licence",
        )


def mandatory_metadata(dataset: Mapping[str, Any], ctx: RuleContext) -> Iterable[Failure]:
    missing = [name for name in MANDATORY_FIELDS if _blank(dataset.get(name))]
    if missing:
        names = ", ".join(missing)
        yield Failure("metadata_incomplete", f"ข้อมูลบังคับยังไม่ครบ: {names}", f"Mandatory metadata missing: {names}")


def resources_clean(dataset: Mapping[str, Any], ctx: RuleContext) -> Iterable[Failure]:
    for resource in dataset.get("resources") or []:
        label = resource.get("name") or resource.get("id") or "?"
        if resource.get("validation_status") in FAILED_VALIDATION_STATES:
            yield Failure(
                "resource_failed_validation",
                f"ทรัพยากร {label} ตรวจสอบความถูกต้องไม่ผ่าน",
                f"Resource {label} failed validation",
            )
        if str(resource.get("personal_data_found", "")).lower() in {"true", "1", "yes"}:
            yield Failure(
                "resource_has_personal_data",
                f"พบข้อมูลส่วนบุคคลในทรัพยากร {label}",
                f"Personal data was found in resource {label}",
            )


def approved(dataset: Mapping[str, Any], ctx: RuleContext) -> Iterable[Failure]:
    approval = ctx.approval
    if approval is None or not approval.approved_by:
        yield Failure(
            "not_approved",
            "ยังไม่ได้รับอนุมัติให้เผยแพร่จากผู้ดูแลหน่วยงาน",
            "Not approved for publication by an organization admin",
        )
        return
    if not approval.approver_is_org_admin:
        yield Failure(
            "approver_not_admin",
            "ผู้อนุมัติต้องเป็นผู้ดูแล (admin) ของหน่วยงาน",
            "The approver must be an admin of the organization",
        )
    if not ctx.allow_self_approval and approval.approved_by == approval.prepared_by:
        yield Failure(
            "self_approval",
            "ผู้จัดเตรียมชุดข้อมูลอนุมัติการเผยแพร่ด้วยตนเองไม่ได้",
            "The person who prepared the dataset cannot approve it alone",
        )


class DisclosureRules:
    """An ordered set of conditions; ``register`` is the hook for other extensions."""

    def __init__(self, conditions: Iterable[Condition] = ()) -> None:
        self._conditions: list[Condition] = list(conditions)

    def register(self, condition: Condition) -> Condition:
        if condition not in self._conditions:
            self._conditions.append(condition)
        return condition

    def unregister(self, condition: Condition) -> None:
        self._conditions.remove(condition)

    @property
    def conditions(self) -> tuple[Condition, ...]:
        return tuple(self._conditions)

    def check(self, dataset: Mapping[str, Any], ctx: RuleContext | None = None) -> Decision:
        ctx = ctx or RuleContext()
        failures = tuple(f for condition in self._conditions for f in condition(dataset, ctx))
        return Decision(allowed=not failures, failures=failures)


BUILTIN_CONDITIONS: tuple[Condition, ...] = (
    open_classification, open_licence, mandatory_metadata, resources_clean, approved,
)


def default_rules() -> DisclosureRules:
    return DisclosureRules(BUILTIN_CONDITIONS)


def may_be_public(dataset: Mapping[str, Any], ctx: RuleContext | None = None) -> Decision:
    """Decide with the built-in conditions only."""
    return default_rules().check(dataset, ctx)
