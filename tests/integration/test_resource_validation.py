"""Issue 5 in CKAN: uploads validated by a real RQ worker on the real Redis, reports stored, the
disclosure gate reading the outcome, and nothing lost."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import jobs
from ckan.tests import factories, helpers

from ckanext.thgov.model import Validation

REAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "real"
TIS620 = REAL / "dld_livestock_farmers_by_tambon_2564_tis620.csv"

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "empty_queue")


@pytest.fixture
def agency():
    admin, editor = factories.User(), factories.User()
    org = factories.Organization(users=[{"name": admin["name"], "capacity": "admin"},
                                        {"name": editor["name"], "capacity": "editor"}])
    return {"org": org, "admin": admin, "editor": editor}


def dataset_of(agency, gdc_fields, **overrides):
    data = dict(gdc_fields, name=overrides.pop("name", "livestock"), title="เกษตรกรผู้เลี้ยงสัตว์",
                owner_org=agency["org"]["id"])
    data.update(overrides)
    return helpers.call_action("package_create", {"user": agency["editor"]["name"]}, **data)


def upload(create_with_upload, agency, dataset, content: bytes, filename: str, **extra):
    return create_with_upload(content, filename, package_id=dataset["id"], name=filename,
                              context={"user": agency["editor"]["name"]}, **extra)


def test_a_tis620_upload_is_validated_in_the_background_and_read_as_thai(
    agency, gdc_fields, create_with_upload, run_worker
):
    dataset = dataset_of(agency, gdc_fields)
    resource = upload(create_with_upload, agency, dataset, TIS620.read_bytes(), "livestock.csv", format="CSV")
    assert Validation.get(resource["id"]).status == "pending"  # queued once the upload was committed
    assert run_worker() == 1
    result = helpers.call_action("resource_validation_show", resource_id=resource["id"])
    assert result["status"] in ("success", "failure")
    assert result["encoding"] in ("cp874", "tis-620", "TIS-620")
    assert "สถานที่เลี้ยงสัตว์ จังหวัด" in result["report"]["tasks"][0]["labels"]  # headers read as Thai
    shown = helpers.call_action("resource_show", id=resource["id"])
    assert shown["validation_status"] == result["status"] and shown["validation_timestamp"]
    assert shown["url_type"] == "upload"  # the upload is kept whatever the outcome


def test_national_id_numbers_block_publication(agency, gdc_fields, create_with_upload, publish, run_worker):
    dataset = dataset_of(agency, gdc_fields)
    publish(dataset["id"])
    assert helpers.call_action("package_show", id=dataset["id"])["private"] is False
    people = "ชื่อ,เลขประจำตัวประชาชน,จังหวัด\nสมชาย,1101700203450,กรุงเทพมหานคร\nสมหญิง,3100600512341,เชียงใหม่\n"
    resource = upload(create_with_upload, agency, dataset, people.encode(), "people.csv", format="CSV")
    run_worker()
    result = helpers.call_action("resource_validation_show", resource_id=resource["id"])
    assert result["personal_data_found"] is True and result["status"] == "failure"
    shown = helpers.call_action("package_show", id=dataset["id"])
    assert shown["private"] is True  # made private by the job's result
    check = helpers.call_action("thgov_disclosure_check", id=dataset["id"])
    assert "resource_has_personal_data" in {f["code"] for f in check["failures"]}
    audit = helpers.call_action("thgov_audit_list", id=dataset["id"])
    assert any(e["field"] == "private" and "Personal data" in (e["reason"] or "") for e in audit)


def test_non_tables_are_not_validated(agency, gdc_fields, create_with_upload):
    dataset = dataset_of(agency, gdc_fields)
    resource = upload(create_with_upload, agency, dataset, b"%PDF-1.4 not a table", "report.pdf", format="PDF")
    assert Validation.get(resource["id"]) is None and jobs.get_queue().count == 0
    with pytest.raises(tk.ValidationError):
        helpers.call_action("resource_validation_run", resource_id=resource["id"])


def test_a_link_into_the_servers_network_is_not_fetched(agency, gdc_fields, run_worker):
    dataset = dataset_of(agency, gdc_fields, resources=[
        {"url": "http://127.0.0.1:5432/secret.csv", "name": "ภายใน", "format": "CSV"}])
    run_worker()
    result = helpers.call_action("resource_validation_show", resource_id=dataset["resources"][0]["id"])
    assert result["status"] == "error"
    assert "internal or private addresses" in result["message"]


def test_a_lost_file_is_reported_and_a_job_that_died_is_swept(
    agency, gdc_fields, create_with_upload, run_worker
):
    dataset = dataset_of(agency, gdc_fields)
    resource = upload(create_with_upload, agency, dataset, b"a,b\n1,2\n", "small.csv", format="CSV")
    # the stored file disappears before the worker runs: a report says so; the job never hangs
    from ckan.lib import uploader

    location = uploader.get_resource_uploader(dict(resource)).get_path(resource["id"])
    storage_root = Path(tk.config["ckan.storage_path"])
    removed = {c for c in (Path(str(location)), storage_root / "resources" / str(location)) if c.exists()}
    for candidate in removed:
        candidate.unlink()
    assert removed, location
    run_worker()
    result = helpers.call_action("resource_validation_show", resource_id=resource["id"])
    assert result["status"] in ("failure", "error") and result["finished"]
    # a worker killed mid-job leaves 'running': reading the status sweeps it to error
    row = Validation.get(resource["id"])
    row.status, row.started = "running", dt.datetime.utcnow() - dt.timedelta(days=1)
    model.Session.commit()
    assert helpers.call_action("resource_validation_show", resource_id=resource["id"])["status"] == "error"


def test_validate_again_and_the_report_page(app, agency, gdc_fields, create_with_upload, run_worker):
    dataset = dataset_of(agency, gdc_fields)
    content = "จังหวัด,ปี,จำนวน\nกรุงเทพมหานคร,2564,12\nเชียงใหม่,2564,ไม่ทราบ\n"
    schema = '{"fields": [{"name": "จังหวัด", "type": "string"}, {"name": "ปี", "type": "integer"},' \
             ' {"name": "จำนวน", "type": "integer"}]}'
    resource = upload(create_with_upload, agency, dataset, content.encode(), "counts.csv", format="CSV", schema=schema)
    run_worker()
    token = {"Authorization": factories.APIToken(user=agency["editor"]["name"])["token"]}
    page = app.get(f"/dataset/{dataset['name']}/resource/{resource['id']}/validation", headers=token).body
    assert "รายงานการตรวจสอบไฟล์" in page and "ไม่ผ่านการตรวจสอบ" in page
    assert 'data-type="type-error"' in page and "ตรวจสอบอีกครั้ง" in page
    english = app.get(f"/en/dataset/{dataset['name']}/resource/{resource['id']}/validation", headers=token).body
    assert "Validation report" in english and "Invalid" in english
    app.post(f"/dataset/{dataset['name']}/resource/{resource['id']}/validation/run", headers=token)
    assert jobs.get_queue().count == 1
    # a user cannot claim the file is valid
    helpers.call_action("resource_patch", {"user": agency["editor"]["name"]}, id=resource["id"],
                        validation_status="success")
    assert helpers.call_action("resource_show", id=resource["id"])["validation_status"] == "failure"


def test_validation_status_is_a_facet(agency, gdc_fields, create_with_upload, run_worker):
    dataset = dataset_of(agency, gdc_fields)
    upload(create_with_upload, agency, dataset, b"a,b\n1,2\n", "ok.csv", format="CSV")
    other = dataset_of(agency, gdc_fields, name="other")
    upload(create_with_upload, agency, other, "ชื่อ,เลขประจำตัวประชาชน\nสมชาย,1101700203450\n".encode(),
           "people.csv", format="CSV")
    run_worker()
    result = helpers.call_action("package_search", {"ignore_auth": True}, include_private=True,
                                 **{"facet.field": '["thgov_validation_status"]'})
    items = {i["name"]: i["count"] for i in result["search_facets"]["thgov_validation_status"]["items"]}
    assert items == {"success": 1, "failure": 1}  # whole words: the statuses are not stemmed


def _zip_bomb() -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b" " * (64 << 20) + b">")
    return buffer.getvalue()


BAD_UPLOADS = {
    "empty.csv": (b"", "ไฟล์ว่าง"),
    "image.csv": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40, "ไบนารี"),
    "cut.csv": ("a,b\n1,เชียงใหม่\n2,น่".encode()[:-1], "ตัดขาด"),
    "bomb.xlsx": (_zip_bomb(), "zip bomb"),
    "wide.csv": ((",".join(f"c{i}" for i in range(10_000)) + "\n" + ",".join(["1"] * 10_001) + "\n").encode(),
                 "เซลล์เกิน"),
}


@pytest.mark.parametrize("filename", sorted(BAD_UPLOADS))
def test_bad_uploads_get_a_report_and_are_kept(
    app, agency, gdc_fields, create_with_upload, filename, run_worker
):
    """Issue 5's bad input through the portal: a report with a clear Thai error, never a crash,
    the upload kept, and the report page shown."""
    content, thai_words = BAD_UPLOADS[filename]
    dataset = dataset_of(agency, gdc_fields)
    fmt = "XLSX" if filename.endswith(".xlsx") else "CSV"
    resource = upload(create_with_upload, agency, dataset, content, filename, format=fmt)
    assert run_worker() == 1
    result = helpers.call_action("resource_validation_show", resource_id=resource["id"])
    assert result["status"] == "failure" and result["finished"], result
    errors = result["report"]["tasks"][0]["errors"] + result["report"]["errors"]
    assert any(thai_words in (e.get("messageTh") or "") for e in errors), [e.get("messageTh") for e in errors[:3]]
    shown = helpers.call_action("resource_show", id=resource["id"])
    assert shown["url_type"] == "upload" and shown["validation_status"] == "failure"
    token = {"Authorization": factories.APIToken(user=agency["editor"]["name"])["token"]}
    page = app.get(f"/dataset/{dataset['name']}/resource/{resource['id']}/validation", headers=token)
    assert page.status_code == 200 and thai_words in page.body
