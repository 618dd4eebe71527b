"""The disclosure gate in CKAN: who approved what, when a write may make a dataset public,
what is demoted, and the audit log. The rule itself is thgov_validators.classification."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib.navl.dictization_functions import missing, unflatten
from ckan.types import Context, FlattenDataDict, FlattenErrorDict

from ckanext.thgov.interfaces import IThgovDisclosure
from ckanext.thgov.model import AuditEntry, DisclosureState, Publication, now
from thgov_validators import classification

DEMOTION_REASONS = "thgov_demotion_reasons"


def bilingual(th: str, en: str) -> str:
    return f"{th} / {en}"


def rules() -> classification.DisclosureRules:
    """The built-in conditions plus those other plugins add through IThgovDisclosure."""
    result = classification.default_rules()
    for plugin in p.PluginImplementations(IThgovDisclosure):
        for condition in plugin.thgov_disclosure_conditions():
            result.register(condition)
    return result


def _open_licences() -> frozenset[str]:
    register = model.Package.get_license_register()
    return frozenset(lic.id for lic in register.values() if lic.isopen())


def _user_id(name_or_id: str | None) -> str | None:
    user = model.User.get(name_or_id) if name_or_id else None
    return user.id if user else None


def is_org_admin(user: str | None, org_id: str | None) -> bool:
    user_obj = model.User.get(user) if user else None
    if user_obj is None:
        return False
    if user_obj.sysadmin:
        return True
    if not org_id:
        return False
    return bool(
        model.Session.query(model.Member)
        .filter(model.Member.group_id == org_id, model.Member.table_name == "user",
                model.Member.table_id == user_obj.id, model.Member.capacity == "admin",
                model.Member.state == "active")
        .count()
    )


def rule_context(package_id: str | None, owner_org: str | None, creator: str | None = None) -> classification.RuleContext:
    """What the rule needs besides the dataset: its approval (void if given in another organization)."""
    approval = None
    publication = Publication.get(package_id) if package_id else None
    if publication is not None and publication.owner_org == owner_org:
        approval = classification.Approval(
            prepared_by=publication.requested_by or creator,
            approved_by=publication.decided_by if publication.status == "approved" else None,
            # checked when the approval was given (thgov_publication_approve)
            approver_is_org_admin=publication.status == "approved",
        )
    return classification.RuleContext(
        approval=approval,
        open_licences=_open_licences(),
        allow_self_approval=tk.config["ckanext.thgov.publication.allow_self_approval"],
    )


def decide(dataset: Mapping[str, Any]) -> classification.Decision:
    return rules().check(dataset, rule_context(dataset.get("id"), dataset.get("owner_org"),
                                               dataset.get("creator_user_id")))


def is_disclosed(dataset: Mapping[str, Any]) -> bool:
    """What open-data outputs (DCAT, schema.org, Data Packages) may show: an active public
    dataset that passes the rule now (not only when it was last written)."""
    return (dataset.get("state", "active") == "active" and dataset.get("private") is False
            and decide(dataset).allowed)


def summary(decision: classification.Decision, th_prefix: str = "", en_prefix: str = "") -> str:
    """Every failed condition in one bilingual text (for the audit log's reason)."""
    return bilingual(th_prefix + "; ".join(f.th for f in decision.failures),
                     en_prefix + "; ".join(f.en for f in decision.failures))


def failure_messages(decision: classification.Decision) -> list[str]:
    return [bilingual(f.th, f.en) for f in decision.failures]


# -- the gate, run after every other validator of a dataset write -------------------------

def _as_dict(data: FlattenDataDict) -> dict[str, Any]:
    return unflatten({k: v for k, v in data.items() if v is not missing and k[0] not in ("__junk", "__extras")})


def _stored(resource: model.Resource) -> dict[str, Any]:
    return {"id": resource.id, "name": resource.name, "url": resource.url, **(resource.extras or {})}


def _resources_after_write(written: list[dict[str, Any]], existing: model.Package | None) -> list[dict[str, Any]]:
    """CKAN 2.12 validates only new and changed resources; the others stay as stored."""
    by_id = {r["id"]: r for r in written if r.get("id")}
    stored_ids = {r.id for r in existing.resources} if existing is not None else set()
    merged = [by_id.get(r.id) or _stored(r) for r in existing.resources] if existing is not None else []
    return merged + [r for r in written if r.get("id") not in stored_ids]


def _secret_files(dataset: Mapping[str, Any], existing: model.Package | None,
                  errors: FlattenErrorDict) -> None:
    """Secret levels are metadata only: no new or changed file or link. Reclassifying a dataset that
    has files is allowed (hiding it must never be blocked); its files are then seen by its
    organization only, and nothing can be added."""
    level = dataset.get("data_classification")
    if level not in classification.SECRET_LEVELS:
        return
    if level == "ลับ" and tk.config["ckanext.thgov.secret.allow_files_for_lap"]:
        return
    message = bilingual(
        f"ชุดข้อมูลระดับชั้น {level} เผยแพร่ได้เฉพาะคำอธิบายข้อมูล (metadata) ไม่สามารถแนบไฟล์หรือลิงก์ได้",
        f"A dataset classified {level} holds metadata only: files and links are not allowed",
    )
    stored_urls = {r.id: r.url for r in existing.resources} if existing is not None else {}
    for index, resource in enumerate(dataset.get("resources") or []):
        if stored_urls.get(resource.get("id") or "") != resource.get("url"):
            errors.setdefault(("resources", index, "url"), []).append(message)


def gate(key: Any, data: FlattenDataDict, errors: FlattenErrorDict, context: Context) -> None:
    """A dataset write may leave the dataset public only if the rule holds.

    New datasets are private unless they ask otherwise; asking to make a dataset public when the
    rule fails is an error naming every failed condition; a public dataset that an edit makes
    non-disclosable is made private in the same write (the audit log records why).
    """
    if any(messages for messages in errors.values()):
        return  # the write fails anyway; report the field errors first
    dataset = _as_dict(data)
    existing = model.Package.get(dataset["id"]) if dataset.get("id") else None
    if existing is not None and existing.type != "dataset":
        existing = None
    _secret_files(dataset, existing, errors)
    private = dataset.get("private")
    if private is None:
        private = True if existing is None else existing.private
        data[("private",)] = private
    if private:
        return
    if existing is not None:
        dataset.setdefault("id", existing.id)
        dataset.setdefault("creator_user_id", existing.creator_user_id)
    dataset["resources"] = _resources_after_write(dataset.get("resources") or [], existing)
    decision = decide(dataset)
    if decision.allowed:
        return
    if existing is not None and not existing.private:
        data[("private",)] = True
        # validators get a copy of the action's context; the session carries the reason to the audit log
        model.Session.info.setdefault(DEMOTION_REASONS, {})[existing.id] = summary(decision)
        return
    errors.setdefault(("private",), []).extend(failure_messages(decision))


# -- audit and the activity stream ---------------------------------------------------------

def _current(package: model.Package) -> dict[str, Any]:
    publication = Publication.get(package.id)
    return {
        "data_category": package.extras.get("data_category"),
        "data_classification": package.extras.get("data_classification"),
        "private": package.private,
        "owner_org": package.owner_org,
        "publication": publication.status if publication else None,
    }


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def record_changes(package_id: str, actor: str | None, reason: str | None = None) -> list[AuditEntry]:
    """Log every audited value that differs from what the log saw last (any write path)."""
    package = model.Package.get(package_id)
    if package is None:
        return []
    demotion = model.Session.info.get(DEMOTION_REASONS, {}).pop(package.id, None)
    reason = "; ".join(r for r in (demotion, reason) if r) or None
    state = DisclosureState.get(package.id)
    if state is None:
        state = DisclosureState(package_id=package.id)
        model.Session.add(state)
    _void_approval_if_reclassified(package, state, reason)
    entries = []
    for name, value in _current(package).items():
        old = getattr(state, name)
        if old == value:
            continue
        entry = AuditEntry(package_id=package.id, owner_org=package.owner_org, actor=_user_id(actor) or actor,
                           created=now(), field=name, old_value=_text(old), new_value=_text(value), reason=reason)
        model.Session.add(entry)
        entries.append(entry)
        setattr(state, name, value)
    if package.private:
        _restrict_past_activities(package)
    return entries


def _void_approval_if_reclassified(package: model.Package, state: DisclosureState, reason: str | None) -> None:
    """An approval covers the category and classification it was given for."""
    publication = Publication.get(package.id)
    if publication is None or publication.status != "approved" or state.package_id is None:
        return
    for name in ("data_category", "data_classification"):
        old = getattr(state, name)
        if old is not None and old != package.extras.get(name):
            publication.status = "withdrawn"
            publication.note = reason or f"{name} changed"
            return


def _restrict_past_activities(package: model.Package) -> None:
    """Activities recorded while a dataset was public keep a public label; once it is private
    they get its current labels, so the activity stream no longer shows them to outsiders."""
    if not p.plugin_loaded("activity"):
        return
    from ckan.lib.plugins import get_permission_labels

    labels = get_permission_labels().get_dataset_labels(package)
    model.Session.execute(
        sa.text("UPDATE activity SET permission_labels = :labels WHERE object_id = :package_id")
        .bindparams(sa.bindparam("labels", type_=ARRAY(sa.UnicodeText))),
        {"labels": labels, "package_id": package.id},
    )


def demote(package_id: str, actor: str | None, reason: str) -> bool:
    """Make a dataset private now (outside a dataset write); True if it was public."""
    package = model.Package.get(package_id)
    if package is None or package.private:
        return False
    package.private = True
    record_changes(package_id, actor, reason)
    model.repo.commit()
    reindex(package_id)
    return True


def reindex(package_id: str) -> None:
    from ckan.lib import search

    search.rebuild(package_id)


def reconcile(package_id: str, actor: str | None, th_reason: str, en_reason: str) -> None:
    """After a write that bypasses dataset validation: a public dataset that fails the rule is demoted."""
    package = model.Package.get(package_id)
    if package is None:
        return
    if not package.private:
        dataset = tk.get_action("package_show")({"ignore_auth": True, "use_cache": False}, {"id": package_id})
        decision = decide(dataset)
        if not decision.allowed:
            demote(package_id, actor, summary(decision, f"{th_reason}: ", f"{en_reason}: "))
            return
    record_changes(package_id, actor, bilingual(th_reason, en_reason))
    model.repo.commit()
    # The write may have bypassed the index (CKAN's package_owner_org_update does not reindex): a
    # private dataset moved to another organization would keep the old organization's permission
    # label in Solr, and that organization's members would still find it in search.
    reindex(package_id)
