"""Issue 4: only disclosable, approved data becomes public, whatever write path is used."""

from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.thgov import validation

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

SECRET = {"data_category": "ข้อมูลความลับทางราชการ", "data_classification": "ลับที่สุด"}
PERSONAL = {"data_category": "ข้อมูลส่วนบุคคล", "data_classification": "ลับ"}
INTERNAL = {"data_category": "ข้อมูลใช้ภายใน", "data_classification": "ชั้นเผยแพร่ภายในองค์กร"}


@pytest.fixture
def agency():
    """An organization with an admin, an editor and a member, and a user of another organization."""
    admin, editor, member, outsider = (factories.User() for _ in range(4))
    org = factories.Organization(users=[
        {"name": admin["name"], "capacity": "admin"},
        {"name": editor["name"], "capacity": "editor"},
        {"name": member["name"], "capacity": "member"},
    ])
    factories.Organization(users=[{"name": outsider["name"], "capacity": "admin"}])
    return {"org": org, "admin": admin, "editor": editor, "member": member, "outsider": outsider}


def act(user, action, **data):
    """Call an action as this user, with authorization checked (call_action skips it by default)."""
    return helpers.call_action(action, {"user": user["name"] if user else "", "ignore_auth": False}, **data)


def draft(agency, gdc_fields, **overrides):
    data = dict(gdc_fields, name=overrides.pop("name", "population"), title="ประชากร", owner_org=agency["org"]["id"])
    data.update(overrides)
    return act(agency["editor"], "package_create", **data)


def published(agency, gdc_fields, **overrides):
    dataset = draft(agency, gdc_fields, **overrides)
    act(agency["editor"], "thgov_publication_request", id=dataset["id"])
    result = act(agency["admin"], "thgov_publication_approve", id=dataset["id"])
    assert result["may_be_public"] and result["private"] is False, result
    return helpers.call_action("package_show", id=dataset["id"])


def refusal(call) -> dict:
    with pytest.raises(tk.ValidationError) as error:
        call()
    return error.value.error_dict


def codes_in(messages: list[str]) -> str:
    return " ".join(messages)


def visible_to_anonymous(dataset_id: str) -> bool:
    try:
        act(None, "package_show", id=dataset_id)
        return True
    except tk.NotAuthorized:
        return False


def test_new_datasets_are_private_until_approved(agency, gdc_fields) -> None:
    dataset = draft(agency, gdc_fields)
    assert dataset["private"] is True
    check = act(agency["editor"], "thgov_disclosure_check", id=dataset["id"])
    assert check["may_be_public"] is False
    assert [f["code"] for f in check["failures"]] == ["not_approved"]


@pytest.mark.parametrize("classification", [SECRET, PERSONAL, INTERNAL], ids=["secret", "personal", "internal"])
def test_create_public_is_refused_with_every_condition_named(agency, gdc_fields, classification) -> None:
    errors = refusal(lambda: draft(agency, gdc_fields, private=False, license_id="cc-by-nc", **classification))
    text = codes_in(errors["private"])
    assert "Only category ข้อมูลสาธารณะ with classification เปิดเผย may be public" in text
    assert "not an open licence" in text and "Not approved" in text
    assert "เผยแพร่เป็นข้อมูลเปิดได้เฉพาะหมวดหมู่" in text  # and in Thai
    assert helpers.call_action("package_search", {"ignore_auth": True}, include_private=True)["count"] == 0


@pytest.mark.parametrize("path", ["package_update", "package_patch", "package_revise"])
def test_every_update_path_refuses_publishing_a_secret_dataset(agency, gdc_fields, path) -> None:
    dataset = draft(agency, gdc_fields, **SECRET)
    if path == "package_update":
        call = lambda: act(agency["admin"], "package_update", **dict(dataset, private=False))  # noqa: E731
    elif path == "package_patch":
        call = lambda: act(agency["admin"], "package_patch", id=dataset["id"], private=False)  # noqa: E731
    else:
        call = lambda: act(agency["admin"], "package_revise", match={"id": dataset["id"]},  # noqa: E731
                           update={"private": False})
    errors = refusal(call)
    assert "private" in errors or "private" in str(errors)
    assert not visible_to_anonymous(dataset["id"])


def test_unapproved_public_dataset_is_refused_over_http_with_409(app, agency, gdc_fields) -> None:
    dataset = draft(agency, gdc_fields)
    token = factories.APIToken(user=agency["admin"]["name"])["token"]
    response = app.post("/api/3/action/package_patch", json={"id": dataset["id"], "private": False},
                        headers={"Authorization": token}, status=409)
    assert "Not approved for publication" in response.json["error"]["private"][0]


def test_bulk_publication_is_all_or_nothing(agency, gdc_fields) -> None:
    good = draft(agency, gdc_fields, name="good")
    act(agency["admin"], "thgov_publication_approve", id=good["id"], publish=False)
    secret = draft(agency, gdc_fields, name="secret", **SECRET)
    errors = refusal(lambda: act(agency["admin"], "bulk_update_public", org_id=agency["org"]["id"],
                                 datasets=[good["id"], secret["id"]]))
    assert any(message.startswith("secret: ") for message in errors["datasets"])
    assert not visible_to_anonymous(good["id"])  # nothing was changed
    act(agency["admin"], "bulk_update_public", org_id=agency["org"]["id"], datasets=[good["id"]])
    assert visible_to_anonymous(good["id"])


def test_reclassification_hides_a_public_dataset_at_once(app, agency, gdc_fields) -> None:
    dataset = published(agency, gdc_fields)
    resource = act(agency["editor"], "resource_create", package_id=dataset["id"], url="https://example.go.th/a.csv",
                   name="ไฟล์", format="CSV")
    assert app.get(f"/dataset/{dataset['name']}", status=200)
    org_activity = act(None, "organization_activity_list", id=agency["org"]["id"])
    assert any(a["object_id"] == dataset["id"] for a in org_activity)

    updated = act(agency["editor"], "package_patch", id=dataset["id"], **PERSONAL)
    assert updated["private"] is True  # demoted by the same request, not refused

    assert act(None, "package_search", q="*:*")["count"] == 0
    assert not visible_to_anonymous(dataset["id"])
    app.get(f"/dataset/{dataset['name']}", status=404)
    for page in (f"/dataset/{dataset['id']}/resource/{resource['id']}",
                 f"/dataset/{dataset['id']}/resource/{resource['id']}/download"):
        assert app.get(page, expect_errors=True).status_code in (403, 404), page
    assert dataset["name"] not in app.get("/feeds/dataset.atom").body
    org_activity = act(None, "organization_activity_list", id=agency["org"]["id"])
    assert not any(a["object_id"] == dataset["id"] for a in org_activity)
    assert act(None, "package_autocomplete", q="population") == []
    # the organization still sees it
    assert act(agency["member"], "package_show", id=dataset["id"])["name"] == dataset["name"]

    audit = act(agency["admin"], "thgov_audit_list", id=dataset["id"])
    changes = {(e["field"], e["old_value"], e["new_value"]) for e in audit}
    assert ("data_category", "ข้อมูลสาธารณะ", "ข้อมูลส่วนบุคคล") in changes
    assert ("private", "False", "True") in changes
    demotion = next(e for e in audit if e["field"] == "private" and e["new_value"] == "True")
    assert demotion["actor_name"] == agency["editor"]["name"] and "ข้อมูลสาธารณะ" in demotion["reason"]
    # the approval covered the old classification only
    assert act(agency["admin"], "thgov_disclosure_check", id=dataset["id"])["publication"]["status"] == "withdrawn"


def test_a_non_open_licence_or_resource_failure_demotes(agency, gdc_fields) -> None:
    dataset = published(agency, gdc_fields)
    assert act(agency["editor"], "package_patch", id=dataset["id"], license_id="cc-by-nc")["private"] is True
    other = published(agency, gdc_fields, name="other")
    resource = act(agency["editor"], "resource_create", package_id=other["id"], url="https://example.go.th/b.csv",
                   name="b", format="CSV", validation_status="success", personal_data_found="false")
    assert "validation_status" not in resource  # set by the validation job only
    assert helpers.call_action("package_show", id=other["id"])["private"] is False
    # the validation job finds national ID numbers in the file
    helpers.call_action("resource_patch", {"ignore_auth": True, "user": factories.Sysadmin()["name"],
                                           validation.WRITING: True},
                        id=resource["id"], validation_status="success", personal_data_found="true")
    assert helpers.call_action("package_show", id=other["id"])["private"] is True
    # and nobody can clear that by editing the resource
    act(agency["editor"], "resource_patch", id=resource["id"], personal_data_found="false", name="b2")
    assert helpers.call_action("resource_show", id=resource["id"])["personal_data_found"] == "true"


def test_moving_a_public_dataset_to_another_organization_voids_its_approval(agency, gdc_fields) -> None:
    dataset = published(agency, gdc_fields)
    elsewhere = factories.Organization()
    helpers.call_action("package_owner_org_update", {"ignore_auth": True, "user": agency["admin"]["name"]},
                        id=dataset["id"], organization_id=elsewhere["id"])
    assert not visible_to_anonymous(dataset["id"])


def test_approval_needs_an_admin_who_did_not_prepare_it(agency, gdc_fields) -> None:
    dataset = draft(agency, gdc_fields)
    with pytest.raises(tk.NotAuthorized):
        act(agency["editor"], "thgov_publication_approve", id=dataset["id"])
    with pytest.raises(tk.NotAuthorized):
        act(agency["outsider"], "thgov_publication_approve", id=dataset["id"])
    own = act(agency["admin"], "package_create", **dict(gdc_fields, name="own", title="x", owner_org=agency["org"]["id"]))
    errors = refusal(lambda: act(agency["admin"], "thgov_publication_approve", id=own["id"]))
    assert "cannot approve it alone" in errors["approval"][0]
    assert not visible_to_anonymous(own["id"])


@pytest.mark.ckan_config("ckanext.thgov.publication.allow_self_approval", "true")
def test_a_setting_allows_self_approval_for_small_agencies(agency, gdc_fields) -> None:
    own = act(agency["admin"], "package_create", **dict(gdc_fields, name="own", title="x", owner_org=agency["org"]["id"]))
    assert act(agency["admin"], "thgov_publication_approve", id=own["id"])["private"] is False


def test_rejection_makes_a_public_dataset_private(agency, gdc_fields) -> None:
    dataset = published(agency, gdc_fields)
    assert refusal(lambda: act(agency["admin"], "thgov_publication_reject", id=dataset["id"]))["note"]
    act(agency["admin"], "thgov_publication_reject", id=dataset["id"], note="ข้อมูลไม่เป็นปัจจุบัน")
    assert not visible_to_anonymous(dataset["id"])
    audit = act(agency["admin"], "thgov_audit_list", org_id=agency["org"]["id"])
    assert any(e["field"] == "publication" and e["new_value"] == "rejected" for e in audit)


def test_secret_datasets_hold_metadata_only(agency, gdc_fields) -> None:
    dataset = draft(agency, gdc_fields, **SECRET)
    errors = refusal(lambda: act(agency["editor"], "resource_create", package_id=dataset["id"],
                                 url="https://example.go.th/secret.csv", name="ลับ", format="CSV"))
    assert "metadata only" in str(errors)
    # Reclassifying a dataset that has a file is never blocked, but nothing can be added or relinked then.
    with_file = published(agency, gdc_fields, name="with-file", resources=[
        {"url": "https://example.go.th/a.csv", "name": "a", "format": "CSV"}])
    hidden = act(agency["editor"], "package_patch", id=with_file["id"], **SECRET)
    assert hidden["private"] is True
    errors = refusal(lambda: act(agency["editor"], "resource_patch", id=hidden["resources"][0]["id"],
                                 url="https://example.go.th/b.csv"))
    assert "metadata only" in str(errors)
    act(agency["editor"], "resource_delete", id=hidden["resources"][0]["id"])


@pytest.mark.ckan_config("ckanext.thgov.secret.allow_files_for_lap", "true")
def test_a_setting_allows_files_for_the_lowest_secret_level(agency, gdc_fields) -> None:
    lap = draft(agency, gdc_fields, data_category="ข้อมูลความมั่นคง", data_classification="ลับ")
    act(agency["editor"], "resource_create", package_id=lap["id"], url="https://example.go.th/a.csv", name="a",
        format="CSV")
    top = draft(agency, gdc_fields, name="top", **SECRET)
    refusal(lambda: act(agency["editor"], "resource_create", package_id=top["id"],
                        url="https://example.go.th/b.csv", name="b", format="CSV"))


def test_private_datasets_are_seen_by_their_organization_only(agency, gdc_fields) -> None:
    dataset = draft(agency, gdc_fields, **SECRET)
    for role in ("admin", "editor", "member"):
        assert act(agency[role], "package_show", id=dataset["id"])["id"] == dataset["id"]
    with pytest.raises(tk.NotAuthorized):
        act(agency["outsider"], "package_show", id=dataset["id"])
    found = act(agency["outsider"], "package_search", q="*:*", include_private=True)
    assert found["count"] == 0


def test_audit_log_is_for_organization_admins(agency, gdc_fields) -> None:
    dataset = draft(agency, gdc_fields)
    for role in ("editor", "member", "outsider"):
        with pytest.raises(tk.NotAuthorized):
            act(agency[role], "thgov_audit_list", id=dataset["id"])
    entries = act(agency["admin"], "thgov_audit_list", id=dataset["id"])
    assert {e["field"] for e in entries} >= {"data_category", "data_classification", "private", "owner_org"}
    assert all(e["created"] and e["actor"] for e in entries)


def test_the_dataset_form_cannot_publish_an_unapproved_dataset(app, agency, gdc_fields) -> None:
    dataset = draft(agency, gdc_fields)
    form = {key: value for key, value in dataset.items() if isinstance(value, str)}
    form.update(private="False", tag_string="ตัวอย่าง", objective="เพื่อการให้บริการประชาชน", data_format="CSV",
                save="")
    response = app.post(f"/dataset/edit/{dataset['name']}", data=form,
                        headers={"Authorization": factories.APIToken(user=agency["admin"]["name"])["token"]})
    assert "Not approved for publication" in response.body or "ยังไม่ได้รับอนุมัติ" in response.body
    assert not visible_to_anonymous(dataset["id"])


def test_the_publication_page_walks_a_dataset_from_request_to_publication(app, agency, gdc_fields) -> None:
    dataset = draft(agency, gdc_fields)
    editor = {"Authorization": factories.APIToken(user=agency["editor"]["name"])["token"]}
    admin = {"Authorization": factories.APIToken(user=agency["admin"]["name"])["token"]}
    page = app.get(f"/dataset/{dataset['name']}/publication", headers=editor).body
    assert "ยังไม่ได้รับอนุมัติให้เผยแพร่จากผู้ดูแลหน่วยงาน" in page  # the unmet condition, in Thai
    assert "ขอเผยแพร่ชุดข้อมูล" in page and "อนุมัติและเผยแพร่" not in page  # editors request, not approve
    assert "บันทึกการเปลี่ยนแปลง" not in page  # the audit log is for admins

    requested = app.post(f"/dataset/{dataset['name']}/publication/request", data={"note": "พร้อมเผยแพร่"},
                         headers=editor, follow_redirects=True).body
    assert "ส่งคำขอเผยแพร่แล้ว" in requested, requested[requested.find("flash-messages"):][:1500]
    # no state change by GET
    assert app.get(f"/dataset/{dataset['name']}/publication/approve", headers=admin,
                   expect_errors=True).status_code in (404, 405)
    assert not visible_to_anonymous(dataset["id"])
    app.post(f"/dataset/{dataset['name']}/publication/approve", data={}, headers=editor, status=403)
    page = app.post(f"/dataset/{dataset['name']}/publication/approve", data={"note": "ตรวจแล้ว"}, headers=admin,
                    follow_redirects=True).body
    assert "อนุมัติและเผยแพร่แล้ว" in page
    assert visible_to_anonymous(dataset["id"])
    english = app.get(f"/en/dataset/{dataset['name']}/publication", headers=admin).body
    assert "Audit log" in english, english[english.find("<main"):][:3000]
    assert "พร้อมเผยแพร่" in english, english[english.find("thgov-audit"):][:4000]  # the editor's note
    assert "every condition for Open Data holds" in english
    app.get(f"/dataset/{dataset['name']}/publication", status=404)  # anonymous: nothing to see here


def test_a_private_dataset_moved_away_leaves_its_old_organizations_search(agency, gdc_fields) -> None:
    """CKAN's package_owner_org_update does not reindex: its old members kept finding it."""
    dataset = draft(agency, gdc_fields, **SECRET)
    elsewhere = factories.Organization()
    helpers.call_action("package_owner_org_update", {"ignore_auth": True, "user": agency["admin"]["name"]},
                        id=dataset["id"], organization_id=elsewhere["id"])
    found = act(agency["member"], "package_search", q="*:*", include_private=True)
    assert dataset["id"] not in {r["id"] for r in found["results"]}


def test_a_new_request_cannot_void_the_approval_of_a_public_dataset(agency, gdc_fields) -> None:
    """Found by the attack suite: a request reset the approval while the dataset stayed public."""
    dataset = published(agency, gdc_fields)
    errors = refusal(lambda: act(agency["editor"], "thgov_publication_request", id=dataset["id"]))
    assert "already public" in errors["id"][0]
    assert act(agency["admin"], "thgov_disclosure_check", id=dataset["id"])["may_be_public"] is True
