"""Thai GDC metadata rules that do not need CKAN: data types, years, bounding boxes.

Stored values are those of the existing Thai GDC portals (thai_gdc 2.2.4 / data.go.th).
"""

from __future__ import annotations

import datetime as dt
import re

# data_type values and the short codes the portals use in URLs (?ctype=...).
DATA_TYPES = {
    "record": "ข้อมูลระเบียน",
    "stat": "ข้อมูลสถิติ",
    "gis": "ข้อมูลภูมิสารสนเทศเชิงพื้นที่",
    "multi": "ข้อมูลหลากหลายประเภท",
    "other": "ข้อมูลประเภทอื่นๆ",
}
DATA_TYPE_NAMES_EN = {
    "record": "record data", "stat": "statistical data", "gis": "geospatial data",
    "multi": "multi-type data", "other": "other type",
}
OTHER_CHOICES = frozenset({"อื่นๆ", "ข้อมูลประเภทอื่นๆ"})

BE_OFFSET = 543
EARLIEST_BE_YEAR = 2400  # 1857 CE: older than any Thai government statistics series


def data_types_for(codes: list[str] | tuple[str, ...]) -> frozenset[str]:
    """Thai data_type values for ctype codes such as ("stat", "gis"); unknown codes raise."""
    return frozenset(DATA_TYPES[code.strip()] for code in codes)


class InvalidValue(ValueError):
    """A value that cannot be accepted; carries Thai and English messages."""

    def __init__(self, th: str, en: str) -> None:
        super().__init__(en)
        self.th = th
        self.en = en


def to_be_year(value: object, today: dt.date | None = None) -> int:
    """A year in Buddhist Era. Christian Era years (before 2200) are converted.

    Accepts Thai digits and a พ.ศ./ค.ศ. prefix. The range is 2400 BE to ten years ahead.
    """
    text = str(value).strip().translate(str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789"))
    era = None
    for prefix, name in (("พ.ศ.", "BE"), ("ค.ศ.", "CE"), ("BE", "BE"), ("CE", "CE"), ("AD", "CE")):
        if text.upper().startswith(prefix):
            era, text = name, text[len(prefix):].strip()
            break
    if not re.fullmatch(r"\d{4}", text):
        raise InvalidValue(f"ปีต้องเป็นตัวเลข 4 หลัก เช่น 2567: {value!r}", f"A year must have 4 digits, e.g. 2567: {value!r}")
    year = int(text)
    if era == "CE" or (era is None and year < 2200):
        year += BE_OFFSET
    latest = (today or dt.date.today()).year + BE_OFFSET + 10
    if not EARLIEST_BE_YEAR <= year <= latest:
        raise InvalidValue(
            f"ปี พ.ศ. {year} อยู่นอกช่วงที่ยอมรับ ({EARLIEST_BE_YEAR}–{latest})",
            f"Year {year} BE is outside the accepted range ({EARLIEST_BE_YEAR}-{latest} BE)",
        )
    return year


def check_coordinate(value: object, axis: str) -> float:
    """A longitude (axis "lon") or latitude (axis "lat") in decimal degrees."""
    try:
        number = float(str(value).strip())
    except ValueError:
        raise InvalidValue(f"พิกัดต้องเป็นตัวเลขทศนิยม: {value!r}", f"A coordinate must be a decimal number: {value!r}") from None
    limit = 180.0 if axis == "lon" else 90.0
    if not -limit <= number <= limit or number != number:
        name_th, name_en = ("ลองจิจูด", "longitude") if axis == "lon" else ("ละติจูด", "latitude")
        raise InvalidValue(
            f"{name_th}ต้องอยู่ระหว่าง -{limit:g} ถึง {limit:g}: {number:g}",
            f"A {name_en} must be between -{limit:g} and {limit:g}: {number:g}",
        )
    return number


# Tags: Thai letters with their vowel and tone marks, Latin letters, digits, space, - _ .
# (CKAN's stock rule uses Python's \w, which refuses Thai vowel marks: 2,669 of 3,620 real
# data.go.th tags would be refused.)
TAG_PATTERN = re.compile(r"[\u0E01-\u0E3A\u0E40-\u0E4EA-Za-z0-9 _.\-]+")
TAG_MIN_LENGTH = 1
TAG_MAX_LENGTH = 100


def check_tag(tag: str) -> str:
    if not TAG_MIN_LENGTH <= len(tag) <= TAG_MAX_LENGTH:
        raise InvalidValue(
            f"คำสำคัญต้องยาว {TAG_MIN_LENGTH}–{TAG_MAX_LENGTH} ตัวอักษร: {tag!r}",
            f"A tag must be {TAG_MIN_LENGTH}-{TAG_MAX_LENGTH} characters long: {tag!r}",
        )
    if not TAG_PATTERN.fullmatch(tag):
        raise InvalidValue(
            f"คำสำคัญใช้ได้เฉพาะอักษรไทย อักษรละติน ตัวเลข ช่องว่าง - _ . : {tag!r}",
            f"A tag may contain only Thai and Latin letters, digits, space, - _ . : {tag!r}",
        )
    return tag


def licence_aliases(licences: list[dict]) -> dict[str, str]:
    """Map every accepted spelling (id, title, the Thai portals' stored titles) to a licence id."""
    aliases: dict[str, str] = {}
    for licence in licences:
        for name in (licence["id"], licence["title"], *licence.get("thgov_aliases", [])):
            aliases[name.strip().casefold()] = licence["id"]
    return aliases


THAI_MONTHS_ABBR = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")


def thai_date(iso: str) -> str:
    """An ISO date (stored in the Christian Era) as a Thai date in Buddhist Era: 3 พ.ค. 2564."""
    day = dt.date.fromisoformat(iso[:10])
    return f"{day.day} {THAI_MONTHS_ABBR[day.month - 1]} {day.year + BE_OFFSET}"


def field_applies(type_codes: list[str] | None, data_type: str | None) -> bool:
    """Whether a schema field belongs to a dataset of this data_type (fields without codes: all)."""
    return not type_codes or data_type in data_types_for(type_codes)


AGENCY_CODE = re.compile(r"[0-9A-Za-z][0-9A-Za-z\-]{1,19}")


def check_agency_code(code: str) -> str:
    """Agency codes (e.g. the 5-digit government department codes) are short ASCII identifiers."""
    code = code.strip()
    if not AGENCY_CODE.fullmatch(code):
        raise InvalidValue(
            f"รหัสหน่วยงานต้องเป็นตัวเลขหรืออักษรละติน 2–20 ตัว: {code!r}",
            f"An agency code is 2-20 digits or Latin letters: {code!r}",
        )
    return code
