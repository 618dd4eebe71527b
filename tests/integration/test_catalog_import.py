"""Issue 7, parts 4 and 5 in CKAN: a catalogue spreadsheet checked with the same validation as
package_create before anything is written, imported by a real RQ worker in one transaction,
re-imported without duplicates, and exported to the same template (round trip)."""

from __future__ import annotations

import csv
import io
import os

import pytest
from werkzeug.datastructures import FileStorage

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import jobs
from ckan.tests import factories, helpers

from ckanext.thgov import catalog as glue
from ckanext.thgov.model import CatalogImport
from thgov_validators import catalog

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "empty_queue")


@pytest.fixture
def agency(run_worker):
    admin, editor = factories.User(), factories.User()
    org = factories.Organization(name="moi-test", users=[{"name": admin["name"], "capacity": "admin"},
                                                          {"name": editor["name"], "capacity": "editor"}])
    return {"org": org, "admin": admin, "editor": editor, "run_worker": run_worker}


COMMON = {
    "maintainer": "กองสถิติ", "maintainer_email": "stat@example.go.th", "telephone_number": "02 123 4567",
    "notes": "รายละเอียดชุดข้อมูล\nบรรทัดที่สอง", "objective": ["พันธกิจหน่วยงาน", "อื่นๆ"],
    "objective_other": "เพื่อการวิจัย", "update_frequency_unit": "อื่นๆ", "update_frequency_unit_other": "ทุก 5 ปี",
    "update_frequency_interval": "1", "geo_coverage": "จังหวัด", "data_source": "กรมการปกครอง",
    "data_format": ["CSV", "XLS"], "data_category": "ข้อมูลสาธารณะ", "data_classification": "เปิดเผย",
    "license_id": "dga-ogl", "accessible_condition": "ไม่มีการจำกัดการเข้าถึงข้อมูล",
    "data_language": ["ไทย", "อังกฤษ"], "url": "https://example.go.th/data", "last_updated_date": "2024-03-01",
    "allow_harvest": "True",
}
BY_TYPE = {
    "record": {"data_type": "ข้อมูลระเบียน", "data_support": "อื่นๆ", "data_support_other": "มหาวิทยาลัย",
               "data_collect": "บุคคล", "created_date": "2020-01-15", "high_value_dataset": "True",
               "reference_data": "False"},
    "stat": {"data_type": "ข้อมูลสถิติ", "data_release_calendar": "2024-12-31", "first_year_of_data": "2560",
             "last_year_of_data": "2567", "disaggregate": ["เพศ", "อายุ/กลุ่มอายุ"], "unit_of_measure": "คน",
             "unit_of_multiplier": "พัน", "calculation_method": "นับรวม", "standard": "มาตรฐานสถิติ",
             "official_statistics": "True"},
    "gis": {"data_type": "ข้อมูลภูมิสารสนเทศเชิงพื้นที่", "geographic_data_set": "ชั้นข้อมูลแหล่งน้ำ",
            "equivalent_scale": "1:50,000", "west_bound_longitude": "97.3", "east_bound_longitude": "105.6",
            "north_bound_longitude": "20.4", "south_bound_longitude": "5.6", "positional_accuracy": "5 เมตร",
            "reference_period": "2566", "data_release_calendar": "2024-06-30", "data_release_date": "2024-07-01"},
    "multi": {"data_type": "ข้อมูลหลากหลายประเภท", "data_support": "ไม่มี", "data_collect": "ครัวเรือน/ครอบครัว",
              "created_date": "2019-05-01"},
    "other": {"data_type": "ข้อมูลประเภทอื่นๆ", "data_type_other": "ข้อมูลเสียง", "data_support": "ไม่มี",
              "data_collect": "ไม่ทราบ", "created_date": "2018-01-01"},
}


def thai_fields() -> list[str]:
    return [c.key for c in glue.columns() if c.key != catalog.IDENTIFIER]


def seed(agency) -> list[dict]:
    made = []
    for code, fields in BY_TYPE.items():
        made.append(helpers.call_action(
            "package_create", {"user": agency["editor"]["name"]}, name=f"moi-test-{code}-set",
            title=f"ชุดข้อมูล {fields['data_type']}", owner_org=agency["org"]["id"],
            tag_string="ประชากร, ทดสอบ", **COMMON, **fields))
    return made


def upload(content: bytes, filename: str) -> FileStorage:
    return FileStorage(stream=io.BytesIO(content), filename=filename)


def do_import(agency, content: bytes, filename: str, dry_run: bool = False, user: str | None = None,
              org_id: str | None = None) -> dict:
    """Upload through the action, let the worker check (and import) it, and read the outcome."""
    user = user or agency["editor"]["name"]
    queued = helpers.call_action("thgov_catalog_import", {"user": user, "ignore_auth": False},
                                 id=org_id or agency["org"]["id"], upload=upload(content, filename), dry_run=dry_run)
    assert queued["status"] == "checking"  # the check itself runs in the background
    assert agency["run_worker"]() == 1
    return show(queued["id"], user)


def show(import_id: str, user: str) -> dict:
    return helpers.call_action("thgov_catalog_import_show", {"user": user, "ignore_auth": False}, id=import_id)


def csv_rows(rows: list[dict], cols=None) -> bytes:
    cols = cols or glue.columns()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([catalog.header_text(c) for c in cols])
    for row in rows:
        writer.writerow([row.get(c.key, "") for c in cols])
    return out.getvalue().encode("utf-8")


def a_row(n: int, **changes) -> dict:
    row = {"identifier": f"set-{n}", "title": f"ชุดข้อมูลที่ {n}", "data_type": "ข้อมูลสถิติ", "tag_string": "ทดสอบ",
           "maintainer": "กองสถิติ", "maintainer_email": "stat@example.go.th", "notes": "คำอธิบาย",
           "objective": "พันธกิจหน่วยงาน", "update_frequency_unit": "ปี", "geo_coverage": "ประเทศ",
           "data_source": "กรม", "data_format": "CSV", "data_category": "ข้อมูลสาธารณะ",
           "data_classification": "เปิดเผย", "license_id": "cc-by", "unit_of_multiplier": "หน่วย",
           "data_release_calendar": "2567-12-31"}
    row.update(changes)
    return row


def org_datasets(org_id: str) -> list[dict]:
    """The organization's datasets as the search index has them, private ones included."""
    sysadmin = factories.Sysadmin()
    return helpers.call_action("package_search", {"user": sysadmin["name"]}, fq=f'owner_org:"{org_id}"',
                               include_private=True, rows=1000, sort="name asc")["results"]


def test_a_file_with_errors_gets_a_per_row_report_and_nothing_is_written(agency):
    rows = [a_row(1), a_row(2, maintainer_email="not-an-email"), a_row(3, geo_coverage="จังหวัดๆ"),
            a_row(4, objective="อื่น ๆ", objective_other="วิจัย"), a_row(5, title="")]
    result = do_import(agency, csv_rows(rows), "catalog.csv")
    assert result["status"] == "invalid" and result["error_count"] == 3
    errors = [(i["row"], i["field"]) for i in result["issues"] if i["level"] == "error"]
    assert errors == [(3, "maintainer_email"), (4, "geo_coverage"), (6, "title")]
    email = next(i for i in result["issues"] if i["field"] == "maintainer_email")
    assert email["value"] == "not-an-email" and email["column"] == "อีเมลสำหรับติดต่อ"
    assert email["message_en"] and email["message_th"]
    notice = next(i for i in result["issues"] if i["level"] == "notice")
    assert notice["row"] == 5 and notice["value"] == "อื่น ๆ" and "อื่นๆ" in notice["message_th"]
    assert org_datasets(agency["org"]["id"]) == [] and jobs.get_queue().count == 0
    assert CatalogImport.get(result["id"]).content is None  # the upload is not kept once checked


def test_a_clean_file_is_imported_by_the_worker_private_and_a_second_upload_updates(agency):
    rows = [a_row(n) for n in range(1, 4)] + [a_row(4, identifier="", title="ชื่อภาษาไทยเท่านั้น")]
    shown = do_import(agency, csv_rows(rows), "catalog.csv")
    assert shown["status"] == "done" and shown["done"] == 4 and shown["created_count"] == 4
    datasets = {d["name"]: d for d in org_datasets(agency["org"]["id"])}
    assert set(datasets) >= {"moi-test-set-1", "moi-test-set-2", "moi-test-set-3"} and len(datasets) == 4
    assert all(d["private"] for d in datasets.values())  # imported datasets start private
    assert datasets["moi-test-set-1"]["data_release_calendar"] == "2024-12-31"  # BE read as CE
    # the same file again, one title changed: updates, never duplicates
    rows[0]["title"] = "ชื่อใหม่"
    again = do_import(agency, csv_rows(rows), "catalog.csv")
    assert again["status"] == "done" and again["updated_count"] == 4 and again["created_count"] == 0
    datasets = {d["name"]: d for d in org_datasets(agency["org"]["id"])}
    assert len(datasets) == 4 and datasets["moi-test-set-1"]["title"] == "ชื่อใหม่"


def test_a_dry_run_writes_nothing_and_can_be_started_later(agency):
    result = do_import(agency, csv_rows([a_row(1)]), "catalog.csv", dry_run=True)
    assert result["status"] == "checked" and jobs.get_queue().count == 0
    started = helpers.call_action("thgov_catalog_import_start", {"user": agency["editor"]["name"]}, id=result["id"])
    assert started["status"] == "queued"
    agency["run_worker"]()
    assert [d["name"] for d in org_datasets(agency["org"]["id"])] == ["moi-test-set-1"]
    with pytest.raises(tk.ValidationError):  # an import runs once
        helpers.call_action("thgov_catalog_import_start", {"user": agency["editor"]["name"]}, id=result["id"])


def test_a_row_failing_in_the_job_rolls_back_every_row(agency):
    rows = [a_row(n) for n in range(1, 40)]
    result = do_import(agency, csv_rows(rows), "catalog.csv", dry_run=True)
    assert result["status"] == "checked"
    # between the check and the import, another organization takes the name of row 30
    other = factories.Organization()
    helpers.call_action("package_create", {"ignore_auth": True, "user": agency["admin"]["name"]},
                        name="moi-test-set-30", title="x", owner_org=other["id"],
                        **{k: v for k, v in a_row(0).items() if k not in ("identifier", "title", "data_release_calendar")},
                        data_release_calendar="2024-12-31")
    helpers.call_action("thgov_catalog_import_start", {"user": agency["editor"]["name"]}, id=result["id"])
    agency["run_worker"]()
    shown = show(result["id"], agency["editor"]["name"])
    assert shown["status"] == "failed" and shown["issues"][0]["row"] == 31
    assert "no dataset was written" in shown["message"]
    assert org_datasets(agency["org"]["id"]) == []  # rows 1-29 were rolled back, in search too
    assert model.Session.query(model.Package).filter(model.Package.owner_org == agency["org"]["id"]).count() == 0


def test_others_may_not_import_or_read_an_import(agency):
    stranger = factories.User()
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action("thgov_catalog_import", {"user": stranger["name"], "ignore_auth": False},
                            id=agency["org"]["id"], upload=upload(csv_rows([a_row(1)]), "catalog.csv"))
    result = do_import(agency, csv_rows([a_row(1)]), "catalog.csv", dry_run=True)
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action("thgov_catalog_import_show", {"user": stranger["name"], "ignore_auth": False},
                            id=result["id"])


@pytest.mark.parametrize("content, filename", [
    (b"PK\x03\x04 broken zip", "catalog.xlsx"), (b"", "empty.csv"), ("ก,ข\n1,2\n".encode(), "wrong.csv")])
def test_bad_files_get_a_clear_report_never_a_crash(agency, content, filename):
    if not content:
        with pytest.raises(tk.ValidationError):
            helpers.call_action("thgov_catalog_import", {"user": agency["editor"]["name"]}, id=agency["org"]["id"],
                                upload=upload(content, filename))
        return
    result = do_import(agency, content, filename)
    assert result["status"] == "invalid" and result["issues"]
    assert all(i["message_th"] and i["message_en"] for i in result["issues"])


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_export_then_import_into_another_organization_keeps_every_thai_field(agency, file_format):
    made = {d["name"]: d for d in seed(agency)}
    exported = glue.export(glue.organization(agency["org"]["id"]), agency["admin"]["name"], file_format)
    editor = factories.User()
    target = factories.Organization(name="target-org", users=[{"name": editor["name"], "capacity": "editor"}])
    result = do_import(agency, exported, f"export.{file_format}", user=editor["name"], org_id=target["id"])
    assert result["status"] == "done", result["issues"]
    assert result["issues"] == []  # exports read back exactly, without a single notice
    copies = {d["name"]: d for d in org_datasets(target["id"])}
    assert len(copies) == len(made)
    for name, original in made.items():
        copy = copies[name.replace("moi-test-", "target-org-")]
        for key in thai_fields():
            if key == "tag_string":
                assert sorted(t["name"] for t in copy["tags"]) == sorted(t["name"] for t in original["tags"])
                continue
            assert copy.get(key) == original.get(key), (name, key)
        assert copy["private"] is True
    # and exporting the copy gives the same file but for the organization
    again = glue.export(glue.organization(target["id"]), editor["name"], file_format)
    if file_format == "csv":
        assert again == exported


# 10,000 rows take about 3 minutes to check on a loaded 2-core machine (each row goes through the
# package_create schema); CI checks 2,000, THGOV_IMPORT_ROWS=10000 runs the full size.
BIG = int(os.environ.get("THGOV_IMPORT_ROWS", "2000"))


def test_a_big_file_is_checked_with_a_precise_report(agency):
    rows = [a_row(n) for n in range(1, BIG + 1)]
    rows[BIG // 2 - 1]["data_category"] = "ข้อมูลสาธารณ"
    rows[BIG - 1]["maintainer_email"] = "ไม่ใช่อีเมล"
    result = do_import(agency, csv_rows(rows), "big.csv", dry_run=True)
    print(f"\n{BIG:,} rows checked in {result['check_seconds']:.1f}s")
    assert result["status"] == "invalid" and result["total"] == BIG
    assert [(i["row"], i["field"]) for i in result["issues"] if i["level"] == "error"] == [
        (BIG // 2 + 1, "data_category"), (BIG + 1, "maintainer_email")]
    assert org_datasets(agency["org"]["id"]) == []


def test_the_command_checks_then_imports(agency, tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    ckan = str(Path(sys.executable).parent / "ckan")
    ini = str(Path(__file__).resolve().parents[2] / "test.ini")
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_rows([a_row(1), a_row(2, geo_coverage="ดาวอังคาร")]))
    checked = subprocess.run([ckan, "-c", ini, "thgov", "import", str(bad), "--org", "moi-test", "--dry-run"],
                             capture_output=True, text=True)
    assert checked.returncode == 1
    assert "'ดาวอังคาร'" in checked.stdout and ":3 [" in checked.stdout
    assert "checked 2 rows" in checked.stdout and "1 errors" in checked.stdout
    good = tmp_path / "good.csv"
    good.write_bytes(csv_rows([a_row(1), a_row(2)]))
    imported = subprocess.run([ckan, "-c", ini, "thgov", "import", str(good), "--org", "moi-test"],
                              capture_output=True, text=True)
    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert "done: 2 created, 0 updated" in imported.stdout
    model.Session.remove()
    assert [d["name"] for d in org_datasets(agency["org"]["id"])] == ["moi-test-set-1", "moi-test-set-2"]


def test_template_and_export_downloads(app, agency):
    member = factories.User()
    helpers.call_action("organization_member_create", id=agency["org"]["id"], username=member["name"], role="member")
    seed(agency)
    headers = {"Authorization": factories.APIToken(user=agency["editor"]["name"])["token"]}
    page = app.get("/organization/moi-test/import", headers=headers)
    assert page.status_code == 200 and "template.xlsx" in page.body
    template = app.get("/organization/moi-test/import/template.xlsx", headers=headers)
    assert template.status_code == 200 and template.data[:2] == b"PK"
    csv_template = app.get("/organization/moi-test/import/template.csv", headers=headers)
    assert csv_template.data.decode("utf-8-sig").startswith("ตัวระบุชุดข้อมูล,ประเภทชุดข้อมูล *")
    member_headers = {"Authorization": factories.APIToken(user=member["name"])["token"]}
    exported = app.get("/organization/moi-test/export.csv", headers=member_headers)
    assert exported.status_code == 200 and "attachment" in exported.headers["Content-Disposition"]
    assert exported.data.decode("utf-8-sig").count("\r\n") == 2 + len(BY_TYPE)  # two header rows
    # a member may export but not import; a stranger may do neither
    assert app.get("/organization/moi-test/import", headers=member_headers).status_code == 403
    stranger = {"Authorization": factories.APIToken(user=factories.User()["name"])["token"]}
    assert app.get("/organization/moi-test/export.xlsx", headers=stranger).status_code == 403


def test_an_import_whose_job_died_is_shown_failed(agency):
    import datetime as dt

    result = do_import(agency, csv_rows([a_row(1)]), "catalog.csv", dry_run=True)
    run = CatalogImport.get(result["id"])
    run.status, run.started = "running", dt.datetime.utcnow() - dt.timedelta(days=1)  # a worker killed mid-job
    model.Session.commit()
    shown = show(result["id"], agency["editor"]["name"])
    assert shown["status"] == "failed" and "no dataset was written" in shown["message"]
