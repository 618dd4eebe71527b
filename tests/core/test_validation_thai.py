"""Thai checks, encoding detection and schema inference of thgov_validators."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from thgov_validators import validate
from thgov_validators.validation.encoding import detect_encoding
from thgov_validators.validation.infer import infer_schema
from thgov_validators.validation.messages import THAI_TYPES
from thgov_validators.validation.thai import national_id_valid, provinces

REAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "real"


def _with_check_digit(first12: str) -> str:
    total = sum(int(d) * (13 - i) for i, d in enumerate(first12))
    return first12 + str((11 - total % 11) % 10)


VALID_ID = _with_check_digit("110170020345")


def findings(report: dict[str, Any], kind: str) -> list[tuple[int, int, str]]:
    return [(e["rowNumber"], e["fieldNumber"], e["cell"]) for e in report["tasks"][0]["errors"]
            if e["type"] == kind]


def run(tmp_path: Path, text: str, schema: dict[str, Any] | None = None, name: str = "t.csv",
        encoding: str = "utf-8") -> dict[str, Any]:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return validate(path, schema)


def test_national_id_check_digit() -> None:
    assert national_id_valid(VALID_ID)
    assert national_id_valid(f"{VALID_ID[0]}-{VALID_ID[1:5]}-{VALID_ID[5:10]}-{VALID_ID[10:12]}-{VALID_ID[12]}")
    wrong = VALID_ID[:12] + str((int(VALID_ID[12]) + 1) % 10)
    assert not national_id_valid(wrong)
    assert not national_id_valid("123456789012")


def test_personal_data_is_found_and_flagged(tmp_path: Path) -> None:
    wrong = VALID_ID[:12] + str((int(VALID_ID[12]) + 1) % 10)
    report = run(tmp_path, "ชื่อ,เลขบัตร,โทร,อีเมล\n"
                           f"สมชาย,{VALID_ID},081-234-5678,somchai@gmail.com\n"
                           f"สมหญิง,{wrong},02-123-4567,saraban@moph.go.th\n")
    assert report["thgov"]["personal_data_found"] is True
    assert findings(report, "thai-national-id") == [(2, 2, VALID_ID)]
    assert findings(report, "thai-phone-number") == [(2, 3, "081-234-5678")]
    assert findings(report, "email-address") == [(2, 4, "somchai@gmail.com")]
    assert report["valid"] is False
    error = next(e for e in report["tasks"][0]["errors"] if e["type"] == "thai-national-id")
    assert error["titleTh"] == "เลขประจำตัวประชาชน" and "#personal-data" in error["tags"]
    assert "national ID" in error["message"] and error["messageTh"]


def test_national_id_in_an_integer_column_of_a_schema(tmp_path: Path) -> None:
    schema = {"fields": [{"name": "pid", "type": "integer"}, {"name": "n", "type": "integer"}]}
    report = run(tmp_path, f"pid,n\n{VALID_ID},1\n1234567890123,2\n", schema)
    assert findings(report, "thai-national-id") == [(2, 1, VALID_ID)]
    assert report["thgov"]["personal_data_found"] is True


def test_no_personal_data_in_a_clean_file(tmp_path: Path) -> None:
    report = run(tmp_path, "จังหวัด,จำนวน\nเชียงใหม่,10\nน่าน,-5\n")
    assert report["thgov"]["personal_data_found"] is False
    assert report["valid"] is True, report["tasks"][0]["errors"]


def test_formula_cells_but_not_negative_numbers(tmp_path: Path) -> None:
    report = run(tmp_path, 'a,b\n=1+1,-5\n"+HYPERLINK(""x"")",-1.5\n@SUM(A1),-\n-cmd|calc,+66\nok,-๕\n')
    cells = [cell for _, _, cell in findings(report, "formula-injection")]
    assert cells == ["=1+1", '+HYPERLINK("x")', "@SUM(A1)", "-cmd|calc"]


def test_formulas_in_xlsx_text_cells_and_formula_cells(tmp_path: Path) -> None:
    """Text cells that start like a formula, and real formula cells (whose computed value is
    all calamine and openpyxl give), in Thai and English, with one stable type."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["ชื่อ", "a", "b", "รวม"])
    sheet.append(["สมชาย", 1, 2, "=B2+C2"])
    sheet.append(["@SUM(A1)", 3, 4, 7])
    sheet.append(["-cmd|calc", 5, 6, '=HYPERLINK("http://example.com","คลิก")'])
    sheet["A3"].data_type = "s"  # a text cell, not a formula
    sheet["A4"].data_type = "s"
    path = tmp_path / "formulas.xlsx"
    book.save(path)
    report = validate(path)
    errors = [e for e in report["tasks"][0]["errors"] if e["type"] == "formula-injection"]
    assert [(e["rowNumber"], e["fieldNumber"], e["cell"]) for e in errors] == [
        (2, 4, "=B2+C2"), (3, 1, "@SUM(A1)"), (4, 1, "-cmd|calc"),
        (4, 4, '=HYPERLINK("http://example.com","คลิก")')]
    assert all(e["message"] and e["messageTh"] and e["title"] and e["titleTh"] for e in errors)
    assert "formula cell" in errors[0]["note"] and "เซลล์สูตร" in errors[0]["noteTh"]
    assert report["thgov"]["formula_cells"] == 2
    assert not [e for e in report["tasks"][0]["errors"] if e["type"] == "missing-cell"]


def test_thai_digits_in_numbers(tmp_path: Path) -> None:
    schema = {"fields": [{"name": "n", "type": "integer"}, {"name": "t", "type": "string"}]}
    report = run(tmp_path, "n,t\n๑๒,ประจำปี ๒๕๕๘\n5,๓๔\n", schema)
    assert findings(report, "thai-digits") == [(2, 1, "๑๒"), (3, 2, "๓๔")]
    # frictionless itself reads ๑๒ as the integer 12: no type error
    assert not findings(report, "type-error")


def test_be_ce_mix_and_implausible_years(tmp_path: Path) -> None:
    rows = "\n".join(["2564"] * 8 + ["2021", "2999"])
    report = run(tmp_path, "ปี\n" + rows + "\n")
    assert findings(report, "thai-year-era-mix") == [(10, 1, "2021")]
    assert findings(report, "thai-year-implausible") == [(11, 1, "2999")]
    dates = "\n".join(["1/1/2564"] * 5 + ["2/1/2021"])
    report = run(tmp_path, "วันที่\n" + dates + "\n", name="d.csv")
    assert findings(report, "thai-year-era-mix") == [(7, 1, "2/1/2021")]


def test_years_in_thai_digits(tmp_path: Path) -> None:
    rows = "\n".join(["๒๕๖๔"] * 4 + ["พ.ศ. ๒๕๖๓"] * 4 + ["2021"])
    report = run(tmp_path, "ปี\n" + rows + "\n", {"fields": [{"name": "ปี", "type": "string"}]})
    assert not findings(report, "source-error")
    assert findings(report, "thai-year-era-mix") == [(10, 1, "2021")]


def test_cells_the_regexes_see_only_after_the_byte_prefilter(tmp_path: Path) -> None:
    """Leading white space, พ.ศ. and Thai digits inside text still reach every check."""
    schema = {"fields": [{"name": "t", "type": "string"}]}
    report = run(tmp_path, f"t\n {VALID_ID} \n\t0812345678\nติดต่อ a.b@example.com\nปี ๒๕๖๔\n", schema)
    assert findings(report, "thai-national-id") == [(2, 1, f" {VALID_ID} ")]
    assert findings(report, "thai-phone-number") == [(3, 1, "\t0812345678")]
    assert findings(report, "email-address") == []  # not the whole cell
    assert findings(report, "thai-digits") == []  # not a number


def test_codes_that_look_like_years_are_not_years(tmp_path: Path) -> None:
    codes = "\n".join(str(c) for c in (1001, 2345, 5000, 7777, 9999, 1995, 2500))
    report = run(tmp_path, "district_code\n" + codes + "\n")
    assert not findings(report, "thai-year-era-mix")


def test_provinces(tmp_path: Path) -> None:
    data = provinces()["provinces"]
    assert len(data) == 77 and len({p["code"] for p in data}) == 77
    report = run(tmp_path, "จังหวัด,รหัสจังหวัด\nกรุงเทพมหานคร ,10\nจ.เชียงใหม่,50\nChiang Mai,38\n"
                           "เชียงไหม่,99\nภาคเหนือ,96\nทั่วราชอาณาจักร,11\n")
    assert findings(report, "thai-province-unknown") == [(5, 1, "เชียงไหม่"), (5, 2, "99")]


def test_multirow_header(tmp_path: Path) -> None:
    report = run(tmp_path, "จังหวัด,จำนวน,,รายได้,\n,ชาย,หญิง,บาท,ดอลลาร์\nน่าน,1,2,3,4\n")
    assert [e["rowNumber"] for e in report["tasks"][0]["errors"]
            if e["type"] == "thai-multirow-header"] == [2]


def test_every_thai_type_has_thai_and_english_text() -> None:
    for kind, (th_title, en_title, th_desc, en_desc) in THAI_TYPES.items():
        assert kind == kind.lower() and " " not in kind
        assert all([th_title, en_title, th_desc, en_desc])


# Encodings --------------------------------------------------------------------------------


@pytest.mark.parametrize(("data", "expected"), [
    ("จังหวัด,ปี\nน่าน,2564\n".encode(), "utf-8"),
    ("\ufeffจังหวัด,ปี\n".encode(), "utf-8-sig"),
    ("จังหวัด,ปี\nน่าน,2564\n".encode("cp874"), "cp874"),
    ("จังหวัด,ปี\nน่าน,2564\n".encode("tis-620"), "cp874"),
    (b"a,b\n1,2\n", "utf-8"),
])
def test_encoding_detection(data: bytes, expected: str) -> None:
    assert detect_encoding(data, complete=True).encoding == expected


def test_real_tis620_file_reads_as_thai() -> None:
    path = REAL / "dld_livestock_farmers_by_tambon_2564_tis620.csv"
    report = validate(path, limit_errors=50)
    assert report["thgov"]["encoding"] == "cp874"
    labels = report["tasks"][0]["labels"]
    assert any("จังหวัด" in label for label in labels), labels[:5]
    assert all("\ufffd" not in label for label in labels)


# Inference --------------------------------------------------------------------------------


def test_inference_thousands_be_dates_thai_headers() -> None:
    labels = ["จังหวัด", "ประชากร", "วันที่", "อัตรา", "", "จังหวัด"]
    rows = [["เชียงใหม่", "1,234,567", "25/12/2564", "1.5", "x", "a"],
            ["น่าน", "18,768", "1/1/2565", "2", "y", "b"]]
    schema = infer_schema(labels, rows).to_descriptor()
    fields = schema["fields"]
    assert [f["name"] for f in fields] == ["จังหวัด", "ประชากร", "วันที่", "อัตรา", "field5", "จังหวัด_2"]
    assert fields[1]["type"] == "number" and fields[1]["groupChar"] == ","
    assert fields[2]["type"] == "date" and fields[2]["format"] == "%d/%m/%Y"
    assert fields[2]["thgov:era"] == "BE"
    assert fields[3]["type"] == "number"


def test_inferred_schema_validates_its_own_file(tmp_path: Path) -> None:
    report = run(tmp_path, 'จังหวัด,ประชากร,วันที่\nเชียงใหม่,"1,234",25/12/2564\nน่าน,"18,768",1/1/2565\n')
    assert report["thgov"]["schema_inferred"] is True
    assert report["valid"] is True, report["tasks"][0]["errors"]
    assert report["thgov"]["schema"]["fields"][1]["groupChar"] == ","


def test_year_range_follows_today() -> None:
    from thgov_validators.validation.thai import era_of

    today = dt.date(2024, 1, 1)
    assert era_of(2567, today) == "BE" and era_of(2024, today) == "CE"
    assert era_of(2600, today) is None and era_of(1700, today) is None
