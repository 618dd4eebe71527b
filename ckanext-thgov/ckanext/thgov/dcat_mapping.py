"""How Thai GDC metadata maps to DCAT-AP 3 and to the thgov: vocabulary (pure logic, no CKAN).

The thgov RDF profile (dcat_profile.py) and the vocabulary page (views.py) both read these
tables, so the published vocabulary always describes what the profile writes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

# The thgov: namespace. Fixed (not the portal's address) so that every agency portal writes the
# same terms and a national catalogue can harvest them all; each portal serves the vocabulary
# at /ns/thgov.ttl.
THGOV_NS = "https://w3id.org/thgov/ns#"

EU = "http://publications.europa.eu/resource/authority/"
ACCESS_RIGHT = EU + "access-right/"
FREQUENCY = EU + "frequency/"
LANGUAGE = EU + "language/"
FILE_TYPE = EU + "file-type/"

PUBLIC_CATEGORY = "ข้อมูลสาธารณะ"
OPEN_CLASSIFICATION = "เปิดเผย"
CLOSED = frozenset({"ข้อมูลส่วนบุคคล", "ข้อมูลความมั่นคง", "ข้อมูลความลับทางราชการ", "ลับ", "ลับมาก", "ลับที่สุด"})


def access_right(category: str | None, classification: str | None) -> str:
    """dct:accessRights: PUBLIC only for public data classified open (the metadata half of the
    disclosure rule); personal, security and secret data NON_PUBLIC; internal data RESTRICTED."""
    if category == PUBLIC_CATEGORY and classification == OPEN_CLASSIFICATION:
        return ACCESS_RIGHT + "PUBLIC"
    if category in CLOSED or classification in CLOSED:
        return ACCESS_RIGHT + "NON_PUBLIC"
    return ACCESS_RIGHT + "RESTRICTED"


# update_frequency_unit x update_frequency_interval (times per unit, "ครั้ง/หน่วยความถี่";
# empty means once) -> EU frequency. Combinations not listed are OTHER.
_PER_UNIT: dict[str, dict[int, str]] = {
    "ปี": {1: "ANNUAL", 2: "ANNUAL_2", 3: "ANNUAL_3", 4: "QUARTERLY", 12: "MONTHLY", 52: "WEEKLY"},
    "ครึ่งปี": {1: "ANNUAL_2", 2: "QUARTERLY", 6: "MONTHLY"},
    "ไตรมาส": {1: "QUARTERLY", 3: "MONTHLY"},
    "เดือน": {1: "MONTHLY", 2: "MONTHLY_2", 3: "MONTHLY_3", 4: "WEEKLY"},
    "สัปดาห์": {1: "WEEKLY", 2: "WEEKLY_2", 3: "WEEKLY_3", 7: "DAILY"},
    "วัน": {1: "DAILY", 2: "DAILY_2", 24: "HOURLY"},
    "ชั่วโมง": {1: "HOURLY"},
}
_WHOLE_UNIT = {
    "ไม่ทราบ": "UNKNOWN",
    "ตามเวลาจริง": "UPDATE_CONT",
    "นาที": "UPDATE_CONT",
    "ไม่มีการปรับปรุงหลังจากการจัดเก็บข้อมูล": "NEVER",
    "อื่นๆ": "OTHER",
    "วันทำการ": "OTHER",  # no EU term for working days
}
# EU frequency -> (unit, interval), for DCAT from other catalogues that has no thgov: terms.
_FREQUENCY_BACK = {
    "ANNUAL": ("ปี", 1), "ANNUAL_2": ("ปี", 2), "ANNUAL_3": ("ปี", 3), "QUARTERLY": ("ไตรมาส", 1),
    "MONTHLY": ("เดือน", 1), "MONTHLY_2": ("เดือน", 2), "MONTHLY_3": ("เดือน", 3), "WEEKLY": ("สัปดาห์", 1),
    "WEEKLY_2": ("สัปดาห์", 2), "WEEKLY_3": ("สัปดาห์", 3), "DAILY": ("วัน", 1), "DAILY_2": ("วัน", 2),
    "HOURLY": ("ชั่วโมง", 1), "UPDATE_CONT": ("ตามเวลาจริง", None), "CONT": ("ตามเวลาจริง", None),
    "NEVER": ("ไม่มีการปรับปรุงหลังจากการจัดเก็บข้อมูล", None), "UNKNOWN": ("ไม่ทราบ", None),
}


def frequency(unit: str | None, interval: Any) -> str | None:
    if not unit:
        return None
    if unit in _WHOLE_UNIT:
        return FREQUENCY + _WHOLE_UNIT[unit]
    try:
        times = int(interval) if interval not in (None, "") else 1
    except (TypeError, ValueError):
        times = 0
    code = _PER_UNIT.get(unit, {}).get(times)
    return FREQUENCY + (code or "OTHER")


def frequency_back(uri: str) -> tuple[str | None, int | None]:
    return _FREQUENCY_BACK.get(uri.rsplit("/", 1)[-1], ("อื่นๆ", None)) if uri.startswith(FREQUENCY) else (None, None)


# data_language -> EU language authority (ISO 639-2/B-like codes of the EU table).
LANGUAGES = {
    "ไทย": "THA", "อังกฤษ": "ENG", "จีน": "ZHO", "มลายู": "MSA", "พม่า": "MYA", "ลาว": "LAO",
    "เขมร": "KHM", "ญี่ปุ่น": "JPN", "เกาหลี": "KOR", "ฝรั่งเศส": "FRA", "เยอรมัน": "DEU", "อารบิก": "ARA",
}
_LANGUAGES_BACK = {code: thai for thai, code in LANGUAGES.items()}


def language_uri(value: str) -> str | None:
    code = LANGUAGES.get(value)
    return LANGUAGE + code if code else None


def language_back(uri: str) -> str | None:
    return _LANGUAGES_BACK.get(uri.rsplit("/", 1)[-1]) if uri.startswith(LANGUAGE) else None


# Resource formats -> EU file types (the ones Thai agencies publish; others stay a label).
FILE_TYPES = {
    "CSV": "CSV", "TSV": "TSV", "XLS": "XLS", "XLSX": "XLSX", "JSON": "JSON", "GEOJSON": "GEOJSON",
    "XML": "XML", "PDF": "PDF", "HTML": "HTML", "ZIP": "ZIP", "DOC": "DOC", "DOCX": "DOCX",
    "ODS": "ODS", "RDF": "RDF", "TXT": "TXT", "SHP": "SHP", "KML": "KML", "GML": "GML",
    "TIFF": "TIFF", "GEOTIFF": "TIFF", "JPEG": "JPEG", "JPG": "JPEG", "PNG": "PNG", "PARQUET": "PARQUET",
}


def file_type_uri(fmt: str | None) -> str | None:
    code = FILE_TYPES.get((fmt or "").strip().upper().lstrip("."))
    return FILE_TYPE + code if code else None


# -- which fields go where ---------------------------------------------------------------

# Dataset fields written with DCAT-AP properties only (the profile maps them itself).
DCAT_ONLY = frozenset({
    "title", "name", "owner_org", "notes", "tag_string", "url", "license_id",
    "maintainer", "maintainer_email", "telephone_number", "data_source",
})
RESOURCE_DCAT_ONLY = frozenset({"url", "name", "description", "format", "resource_accessible_condition"})
# Set by the validation job, not by the agency: not part of the exchanged metadata.
RESOURCE_SKIPPED = frozenset({"validation_status", "validation_timestamp", "personal_data_found",
                              "validation_options"})


def term(field_name: str) -> str:
    """thgov: local name of a field: camelCase, without the resource_ prefix
    (resource_first_year_of_data and first_year_of_data are the same property)."""
    name = field_name.removeprefix("resource_")
    if name == "schema":
        return "tableSchema"
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def kind(field: Mapping[str, Any]) -> str:
    """How a scheming field's value is written: choice, choices, date, be_year, decimal,
    integer, boolean, json or text."""
    validators = str(field.get("validators") or "")
    preset = field.get("preset") or ""
    if "thgov_boolean_choice" in validators:
        return "boolean"
    if preset == "multiple_checkbox" or "scheming_multiple_choice" in validators:
        return "choices"
    if field.get("choices"):
        return "choice"
    if preset == "date" or "isodate" in validators:
        return "date"
    if "thgov_be_year" in validators:
        return "be_year"
    if "thgov_longitude" in validators or "thgov_latitude" in validators:
        return "decimal"
    if "int_validator" in validators:
        return "integer"
    if "thgov_json_object" in validators:
        return "json"
    return "text"


def thgov_fields(fields: Iterable[Mapping[str, Any]], resource: bool = False) -> list[Mapping[str, Any]]:
    """The schema fields written with thgov: properties."""
    skipped = RESOURCE_DCAT_ONLY | RESOURCE_SKIPPED if resource else DCAT_ONLY
    return [f for f in fields if f["field_name"] not in skipped]


_THAI = re.compile(r"[\u0e00-\u0e7f]")
_LATIN = re.compile(r"[A-Za-z]")


def text_language(text: str) -> str | None:
    """th for text with Thai script, en for Latin-only text, None otherwise (numbers, codes)."""
    if _THAI.search(text):
        return "th"
    if _LATIN.search(text):
        return "en"
    return None


def choice_label(field: Mapping[str, Any], value: str, lang: str) -> str | None:
    for choice in field.get("choices") or []:
        if choice.get("value") == value:
            label = choice.get("label")
            return label.get(lang) if isinstance(label, Mapping) else label
    return None


def be_to_ce(year: Any) -> int | None:
    try:
        return int(year) - 543
    except (TypeError, ValueError):
        return None
