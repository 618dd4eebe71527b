"""The Thai GDC -> DCAT-AP 3 vocabulary mappings (pure logic, no CKAN)."""

from __future__ import annotations

import pytest

from ckanext.thgov import dcat_mapping as mapping

AR = mapping.ACCESS_RIGHT
FREQ = mapping.FREQUENCY


@pytest.mark.parametrize("category,level,expected", [
    ("ข้อมูลสาธารณะ", "เปิดเผย", "PUBLIC"),
    ("ข้อมูลใช้ภายใน", "ชั้นเผยแพร่ภายในองค์กร", "RESTRICTED"),
    ("ข้อมูลสาธารณะ", "ชั้นเผยแพร่ภายในองค์กร", "RESTRICTED"),
    ("ข้อมูลส่วนบุคคล", "ลับ", "NON_PUBLIC"),
    ("ข้อมูลความมั่นคง", "ลับที่สุด", "NON_PUBLIC"),
    ("ข้อมูลใช้ภายใน", "ลับมาก", "NON_PUBLIC"),
    (None, None, "RESTRICTED"),
])
def test_only_public_open_data_is_public_in_dcat(category, level, expected):
    assert mapping.access_right(category, level) == AR + expected


@pytest.mark.parametrize("unit,interval,expected", [
    ("ปี", None, "ANNUAL"), ("ปี", "1", "ANNUAL"), ("ปี", 2, "ANNUAL_2"), ("ปี", "12", "MONTHLY"),
    ("ครึ่งปี", "", "ANNUAL_2"), ("ไตรมาส", 1, "QUARTERLY"), ("เดือน", "2", "MONTHLY_2"),
    ("สัปดาห์", 1, "WEEKLY"), ("วัน", 1, "DAILY"), ("ชั่วโมง", 1, "HOURLY"), ("ปี", 7, "OTHER"),
    ("ตามเวลาจริง", None, "UPDATE_CONT"), ("ไม่มีการปรับปรุงหลังจากการจัดเก็บข้อมูล", None, "NEVER"),
    ("ไม่ทราบ", None, "UNKNOWN"), ("อื่นๆ", None, "OTHER"), ("วันทำการ", 1, "OTHER"), ("ปี", "x", "OTHER"),
])
def test_update_frequency_is_times_per_unit_in_the_eu_vocabulary(unit, interval, expected):
    assert mapping.frequency(unit, interval) == FREQ + expected


def test_frequencies_and_languages_read_back():
    assert mapping.frequency_back(FREQ + "ANNUAL_2") == ("ปี", 2)
    assert mapping.frequency_back("http://example.org/x") == (None, None)
    for thai in mapping.LANGUAGES:
        assert mapping.language_back(mapping.language_uri(thai)) == thai
    assert mapping.language_uri("ไม่ทราบ") is None


def test_terms_and_kinds_follow_the_schema_field():
    assert mapping.term("data_classification") == "dataClassification"
    assert mapping.term("resource_first_year_of_data") == mapping.term("first_year_of_data") == "firstYearOfData"
    assert mapping.term("schema") == "tableSchema"
    assert mapping.kind({"field_name": "x", "validators": "ignore_missing thgov_be_year"}) == "be_year"
    assert mapping.kind({"field_name": "x", "preset": "multiple_checkbox", "choices": [{}]}) == "choices"
    assert mapping.kind({"field_name": "x", "validators": "thgov_boolean_choice scheming_choices",
                         "choices": [{}]}) == "boolean"
    assert mapping.text_language("ประชากร 2566") == "th"
    assert mapping.text_language("Population") == "en"
    assert mapping.text_language("2566") is None
    assert mapping.file_type_uri(".csv") == mapping.FILE_TYPE + "CSV"
    assert mapping.file_type_uri("WMS") is None
