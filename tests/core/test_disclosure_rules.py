"""The disclosure rule (issue 4, part 1) as pure code: no CKAN, no services."""

from __future__ import annotations

import subprocess
import sys

from hypothesis import given
from hypothesis import strategies as st

from thgov_validators import classification as rules
from thgov_validators.classification import Approval, RuleContext


def open_dataset(**overrides):
    dataset = {
        "data_type": "ข้อมูลระเบียน", "title": "จำนวนประชากร", "owner_org": "dopa",
        "maintainer": "ฝ่ายสถิติ", "maintainer_email": "stat@dopa.go.th", "tags": [{"name": "ประชากร"}],
        "notes": "คำอธิบาย", "objective": ["ยุทธศาสตร์ชาติ"], "update_frequency_unit": "ปี",
        "geo_coverage": "ประเทศ", "data_source": "กรมการปกครอง", "data_format": ["CSV"],
        "data_category": "ข้อมูลสาธารณะ", "data_classification": "เปิดเผย", "license_id": "cc-by",
        "resources": [{"name": "data.csv", "validation_status": "success"}],
    }
    dataset.update(overrides)
    return dataset


APPROVED = RuleContext(approval=Approval(prepared_by="editor", approved_by="admin", approver_is_org_admin=True))


def codes(decision) -> set[str]:
    return {f.code for f in decision.failures}


def test_a_complete_open_approved_dataset_may_be_public() -> None:
    decision = rules.may_be_public(open_dataset(), APPROVED)
    assert decision.allowed, decision.failures


def test_top_secret_is_never_public_and_every_failure_is_named() -> None:
    decision = rules.may_be_public(
        open_dataset(data_category="ข้อมูลความมั่นคง", data_classification="ลับที่สุด", license_id="notspecified"),
        RuleContext(),
    )
    assert not decision.allowed
    assert codes(decision) == {"not_disclosable", "licence_not_open", "not_approved"}
    for failure in decision.failures:
        assert failure.th and failure.en and failure.th != failure.en


def test_missing_mandatory_metadata_is_listed() -> None:
    decision = rules.may_be_public(open_dataset(objective=[], maintainer_email="  "), APPROVED)
    assert codes(decision) == {"metadata_incomplete"}
    assert "objective" in decision.failures[0].en and "maintainer_email" in decision.failures[0].en


def test_failed_validation_or_personal_data_blocks() -> None:
    resources = [{"name": "a.csv", "validation_status": "failure"}, {"name": "b.csv", "personal_data_found": True}]
    decision = rules.may_be_public(open_dataset(resources=resources), APPROVED)
    assert codes(decision) == {"resource_failed_validation", "resource_has_personal_data"}


def test_the_editor_cannot_approve_alone_unless_allowed() -> None:
    self_approved = Approval(prepared_by="somchai", approved_by="somchai", approver_is_org_admin=True)
    assert codes(rules.may_be_public(open_dataset(), RuleContext(approval=self_approved))) == {"self_approval"}
    relaxed = RuleContext(approval=self_approved, allow_self_approval=True)
    assert rules.may_be_public(open_dataset(), relaxed).allowed
    editor = Approval(prepared_by="a", approved_by="b", approver_is_org_admin=False)
    assert codes(rules.may_be_public(open_dataset(), RuleContext(approval=editor))) == {"approver_not_admin"}


def test_other_extensions_can_add_conditions() -> None:
    registry = rules.default_rules()

    def needs_spatial(dataset, ctx):
        if not dataset.get("spatial"):
            yield rules.Failure("no_spatial", "ไม่มีพื้นที่", "No spatial coverage")

    registry.register(needs_spatial)
    assert codes(registry.check(open_dataset(), APPROVED)) == {"no_spatial"}
    registry.unregister(needs_spatial)
    assert registry.check(open_dataset(), APPROVED).allowed


@given(st.sampled_from(rules.CATEGORIES), st.sampled_from(rules.CLASSIFICATIONS))
def test_only_the_public_open_pair_may_be_public(category: str, classification: str) -> None:
    decision = rules.may_be_public(open_dataset(data_category=category, data_classification=classification), APPROVED)
    assert decision.allowed == (category == "ข้อมูลสาธารณะ" and classification == "เปิดเผย")


@given(st.sampled_from(rules.CATEGORIES), st.sampled_from(rules.CLASSIFICATIONS))
def test_pairing_follows_the_gdc_table(category: str, classification: str) -> None:
    table = {
        "ข้อมูลสาธารณะ": {"เปิดเผย"},
        "ข้อมูลใช้ภายใน": {"ชั้นเผยแพร่ภายในองค์กร"},
        "ข้อมูลส่วนบุคคล": {"ชั้นเผยแพร่ภายในองค์กร", "ลับ", "ลับมาก"},
        "ข้อมูลความมั่นคง": {"ลับ", "ลับมาก", "ลับที่สุด"},
        "ข้อมูลความลับทางราชการ": {"ลับ", "ลับมาก", "ลับที่สุด"},
    }
    assert (rules.check_pair(category, classification) is None) == (classification in table[category])


@given(st.text(max_size=20), st.text(max_size=20))
def test_unknown_values_never_pass(category: str, classification: str) -> None:
    if category not in rules.CATEGORIES:
        assert rules.check_pair(category, classification) is not None
    decision = rules.may_be_public(open_dataset(data_category=category, data_classification=classification), APPROVED)
    assert decision.allowed == (category == "ข้อมูลสาธารณะ" and classification == "เปิดเผย")


def test_module_runs_without_ckan() -> None:
    code = "import sys, thgov_validators.classification; assert 'ckan' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_category_with_one_allowed_classification_implies_it() -> None:
    assert rules.implied_classification("ข้อมูลสาธารณะ") == "เปิดเผย"
    assert rules.implied_classification("ข้อมูลใช้ภายใน") == "ชั้นเผยแพร่ภายในองค์กร"
    assert rules.implied_classification("ข้อมูลส่วนบุคคล") is None
    assert rules.implied_classification(None) is None
