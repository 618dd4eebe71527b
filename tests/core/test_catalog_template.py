"""The catalogue spreadsheet without CKAN: template, reading, normalising, refusing (thgov_validators.catalog)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml

from thgov_validators import catalog

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"


def schema_fields() -> list[dict]:
    """The dataset fields with the thgov presets' choices expanded, as scheming does."""
    presets = yaml.safe_load((SCHEMAS / "presets.yaml").read_text(encoding="utf-8"))
    by_name = {p["preset_name"]: p["values"] for p in presets["presets"]}
    fields = yaml.safe_load((SCHEMAS / "thgov_dataset.yaml").read_text(encoding="utf-8"))["dataset_fields"]
    return [dict(by_name.get(f.get("preset"), {}), **f) for f in fields]


def licences() -> list[dict]:
    import json

    return json.loads((SCHEMAS / "licenses.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def columns():
    return catalog.columns_from_schema(schema_fields(), licences())


STAT_ROW = {
    "identifier": "pop-2567", "title": "ประชากรรายจังหวัด", "maintainer": "กองสถิติ",
    "maintainer_email": "stat@example.go.th", "tag_string": "ประชากร, จังหวัด", "notes": "จำนวนประชากร",
    "objective": "พันธกิจหน่วยงาน, อื่นๆ", "objective_other": "ใช้ภายใน", "update_frequency_unit": "ปี",
    "geo_coverage": "จังหวัด", "data_source": "กรมการปกครอง", "data_format": "CSV, XLS/XLSX",
    "data_category": "ข้อมูลสาธารณะ", "data_classification": "เปิดเผย", "license_id": "cc-by",
    "first_year_of_data": "2560", "last_year_of_data": "2567", "data_release_calendar": "2567-12-31",
    "unit_of_multiplier": "หน่วย", "official_statistics": "ใช่",
}


def csv_file(columns, rows: list[dict], headers: list[str] | None = None) -> bytes:
    out = io.StringIO()
    import csv

    writer = csv.writer(out)
    writer.writerow(headers or [catalog.header_text(c) for c in columns])
    for row in rows:
        writer.writerow([row.get(c.key, "") for c in columns])
    return out.getvalue().encode("utf-8")


def check(columns, filename: str, content: bytes) -> catalog.CheckResult:
    return catalog.check_tables(catalog.read_tables(filename, content), columns)


def test_the_template_has_a_sheet_per_data_type_with_thai_headers_and_drop_downs(columns):
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(catalog.write_xlsx(columns)))
    assert book.sheetnames[1:6] == ["ข้อมูลระเบียน", "ข้อมูลสถิติ", "ข้อมูลภูมิสารสนเทศเชิงพื้นที่",
                                    "ข้อมูลหลากหลายประเภท", "ข้อมูลประเภทอื่นๆ"]
    stat = book["ข้อมูลสถิติ"]
    headers = [c.value for c in stat[1]]
    assert "ชื่อชุดข้อมูล *" in headers and "หน่วยตัวคูณ" in headers and "ชุดข้อมูลภูมิศาสตร์" not in headers
    assert [c.value for c in stat[2]][:2] == ["Identifier", "Dataset Name"]
    # every choice column of the sheet has a drop-down list
    listed = {str(v.sqref).split(":")[0].rstrip("0123456789") for v in stat.data_validations.dataValidation}
    choice_letters = {stat.cell(row=1, column=i + 1).column_letter
                      for i, c in enumerate(catalog.columns_for_type(columns, "stat")) if c.choices}
    assert choice_letters <= listed
    lists = book[catalog.LISTS_SHEET]
    assert lists.sheet_state == "hidden"
    values = {c.value for col in lists.iter_cols() for c in col}
    assert "อื่นๆ" in values and "ครีเอทีฟคอมมอนส์ แบบแสดงที่มา 4.0" in values


def test_the_template_reads_back_empty_and_a_filled_one_is_clean(columns):
    empty = check(columns, "t.xlsx", catalog.write_xlsx(columns))
    assert empty.total == 0 and [i.message_en for i in empty.errors] == ["The file holds no datasets (no data rows)"]
    stat_columns = catalog.columns_for_type(columns, "stat")
    row = catalog.export_row(stat_columns, dict(STAT_ROW, objective=["พันธกิจหน่วยงาน"], data_format=["CSV"],
                                                tags=[{"name": "ประชากร"}], official_statistics="True"), "pop-2567")
    result = check(columns, "t.xlsx", catalog.write_xlsx(columns, {"stat": [row]}))
    assert result.errors == [] and len(result.rows) == 1
    values = result.rows[0].values
    assert values["data_type"] == "ข้อมูลสถิติ" and values["official_statistics"] == "True"
    assert values["license_id"] == "cc-by" and values["data_format"] == ["CSV"]
    assert result.rows[0].identifier == "pop-2567"


def test_close_thai_values_are_normalised_and_reported(columns):
    row = dict(STAT_ROW, data_type="ข้อมูลสถิติ", objective="อื่น ๆ", objective_other="x",
               geo_coverage="  จังหวัด ", data_classification="เปิด เผย",
               data_format="csv ; XLS/XLSX", update_frequency_unit="ปี\u200b")
    result = check(columns, "c.csv", csv_file(columns, [row]))
    assert result.errors == [], [i.as_dict() for i in result.errors]
    values = result.rows[0].values
    assert values["objective"] == ["อื่นๆ"] and values["data_classification"] == "เปิดเผย"
    assert values["data_format"] == ["CSV", "XLS"] and values["update_frequency_unit"] == "ปี"
    notices = {(i.field, i.value) for i in result.issues if i.level == "notice"}
    assert ("objective", "อื่น ๆ") in notices and ("data_classification", "เปิด เผย") in notices
    # spaces around a value are stripped, and said (shown as ␣ so a person sees them)
    assert values["geo_coverage"] == "จังหวัด"
    spaced = next(i for i in result.issues if i.field == "geo_coverage")
    assert spaced.level == "notice" and "'␣␣จังหวัด␣' was read as 'จังหวัด'" in spaced.message_en


def test_unknown_and_ambiguous_values_are_refused_with_row_and_column(columns):
    rows = [dict(STAT_ROW, data_type="ข้อมูลสถิติ", identifier=f"r{n}") for n in range(3)]
    rows[1]["data_category"] = "ข้อมูลสาธารณ"  # a letter missing: suggested, not applied
    rows[2]["data_release_calendar"] = "31-12-2567"
    result = check(columns, "c.csv", csv_file(columns, rows))
    errors = [(i.row, i.field) for i in result.errors]
    assert errors == [(3, "data_category"), (4, "data_release_calendar")]
    first = result.errors[0]
    assert first.column == "หมวดหมู่ข้อมูลตามธรรมาภิบาลข้อมูลภาครัฐ *" or first.column.startswith("หมวดหมู่")
    assert "did you mean 'ข้อมูลสาธารณะ'" in first.message_en and "ข้อมูลสาธารณะ" in first.message_th
    assert [r.identifier for r in result.rows] == ["r0"]


def test_wrong_and_missing_headers_are_reported_before_any_row(columns):
    headers = [catalog.header_text(c) for c in columns]
    headers[headers.index("ชื่อชุดข้อมูล *")] = "ชื่อชุดข้อมุล"  # a typo: suggested
    headers[headers.index("แหล่งที่มา *")] = "Sauce"
    result = check(columns, "c.csv", csv_file(columns, [dict(STAT_ROW, data_type="ข้อมูลสถิติ")], headers))
    messages = [i.message_en for i in result.errors]
    assert "Unknown column 'ชื่อชุดข้อมุล' (did you mean 'Dataset Name'?)" in messages
    assert "Unknown column 'Sauce'" in messages
    assert "The required column 'Data Source' is missing" in messages
    assert result.rows == []


@pytest.mark.parametrize("content", [b"PK\x03\x04garbage that is not a zip", b"\x00\x01\x02binary\x00"])
def test_a_malformed_file_is_refused_as_a_whole(columns, content):
    with pytest.raises(catalog.FileRefused) as refused:
        check(columns, "broken.xlsx", content)
    assert refused.value.th and refused.value.en


def test_rows_of_the_same_dataset_and_fields_of_another_type_are_refused(columns):
    rows = [dict(STAT_ROW, data_type="ข้อมูลสถิติ"), dict(STAT_ROW, data_type="ข้อมูลสถิติ"),
            dict(STAT_ROW, data_type="ข้อมูลระเบียน", identifier="rec")]
    result = check(columns, "c.csv", csv_file(columns, rows))
    assert ("Same dataset as row 2" in result.errors[0].message_en) and result.errors[0].row == 3
    assert any(i.row == 4 and i.field == "first_year_of_data" and "statistical data only" in i.message_en
               for i in result.errors)


def test_dataset_names_are_stable_per_organization():
    assert catalog.dataset_name("moi", "Pop-2567", "x") == "moi-pop-2567"
    thai = catalog.dataset_name("moi", "", "ประชากร รายจังหวัด")
    assert thai == catalog.dataset_name("moi", "", "ประชากร  รายจังหวัด") and thai.startswith("moi-")
    assert catalog.local_identifier("moi", "moi-pop-2567") == "pop-2567"
    assert catalog.local_identifier("moi", "population") == "population"
    assert len(catalog.dataset_name("o" * 90, "i" * 90, "")) <= 100


def test_dates_in_buddhist_era_and_excel_cells():
    import datetime as dt

    assert catalog.parse_date("2567-01-31") == "2024-01-31"
    assert catalog.parse_date("๓๑/๑๒/๒๕๖๖") == "2023-12-31"
    assert catalog.parse_date(dt.datetime(2024, 5, 1)) == "2024-05-01"
    with pytest.raises(ValueError):
        catalog.parse_date("2567-02-30")


def test_the_gdc_template_layout_is_read(columns):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Temp2_Meta_Record"
    keys = catalog.GDC_SHEETS["Temp2_Meta_Record"][1]
    for _ in range(3):
        sheet.append(["แม่แบบ GDC"])
    sheet.append(keys)  # row 4: the header
    sheet.append(["คำอธิบาย"] * len(keys))  # row 5: descriptions
    record = {"name": "rec-1", "title": "ทะเบียนโรงเรียน", "owner_org": "อื่น", "maintainer": "ฝ่าย",
              "maintainer_email": "a@example.go.th", "tag_string": "โรงเรียน", "notes": "รายละเอียด",
              "objective": "พันธกิจหน่วยงาน", "update_frequency_unit": "ปี", "geo_coverage": "ประเทศ",
              "data_source": "สพฐ.", "data_format": "CSV", "data_category": "ข้อมูลสาธารณะ",
              "license_id": "Creative Commons Attributions", "created_date": "2566-01-01",
              "high_value_dataset": "ไม่ใช่", "data_support": "ไม่มี", "data_collect": "บุคคล"}
    sheet.append([record.get(k, "") for k in keys])
    out = io.BytesIO()
    book.save(out)
    result = check(columns, "gdc.xlsx", out.getvalue())
    assert result.errors == [], [i.as_dict() for i in result.errors]
    row = result.rows[0]
    assert row.row == 6 and row.identifier == "rec-1" and row.values["data_type"] == "ข้อมูลระเบียน"
    assert row.values["created_date"] == "2023-01-01" and row.values["high_value_dataset"] == "False"
    assert "owner_org" not in row.values


def test_ten_thousand_rows_are_read_and_normalised_quickly(columns):
    import time

    rows = [dict(STAT_ROW, data_type="ข้อมูลสถิติ", identifier=f"r{n}", objective="อื่น ๆ") for n in range(10_000)]
    rows[6000]["geo_coverage"] = "จังหวัดดด"
    content = csv_file(columns, rows)
    started = time.perf_counter()
    result = check(columns, "big.csv", content)
    print(f"\n10,000 rows read and normalised in {time.perf_counter() - started:.2f}s")
    assert result.total == 10_000 and len(result.rows) == 9_999
    assert [(i.row, i.field) for i in result.errors] == [(6002, "geo_coverage")]
    assert sum(i.level == "notice" for i in result.issues) == 10_000


def test_too_many_rows_are_refused_before_any_check(columns):
    rows = [dict(STAT_ROW, data_type="ข้อมูลสถิติ", identifier=f"r{n}") for n in range(30)]
    with pytest.raises(catalog.FileRefused) as refused:
        catalog.check_tables(catalog.read_tables("c.csv", csv_file(columns, rows)), columns, max_rows=20)
    assert "more than 20 rows" in refused.value.en
