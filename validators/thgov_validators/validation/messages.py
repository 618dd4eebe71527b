"""Thai and English titles and messages for every error type the reports carry."""

from __future__ import annotations

import re
from typing import Any

# frictionless 5 error types the engine finds (parity with frictionless is tested on these).
STANDARD_TYPES = frozenset({
    "type-error", "constraint-error", "unique-error", "primary-key", "blank-row", "extra-cell",
    "missing-cell", "blank-label", "duplicate-label", "incorrect-label", "missing-label",
    "extra-label", "blank-header",
})

# Thai error types: stable names, (Thai title, English title, Thai description, English description).
THAI_TYPES: dict[str, tuple[str, str, str, str]] = {
    "thai-national-id": (
        "เลขประจำตัวประชาชน", "Thai national ID number",
        "เซลล์นี้เป็นเลขประจำตัวประชาชน 13 หลักที่เลขตรวจสอบถูกต้อง ซึ่งเป็นข้อมูลส่วนบุคคล ห้ามเผยแพร่เป็นข้อมูลเปิด",
        "The cell holds a 13-digit Thai national ID number with a valid check digit: personal data that must not be published as open data.",
    ),
    "thai-phone-number": (
        "หมายเลขโทรศัพท์", "Thai phone number",
        "เซลล์นี้เป็นหมายเลขโทรศัพท์ในประเทศไทย ซึ่งอาจเป็นข้อมูลส่วนบุคคล",
        "The cell holds a Thai phone number, which may be personal data.",
    ),
    "email-address": (
        "ที่อยู่อีเมล", "E-mail address",
        "เซลล์นี้เป็นที่อยู่อีเมล ซึ่งอาจเป็นข้อมูลส่วนบุคคล",
        "The cell holds an e-mail address, which may be personal data.",
    ),
    "thai-year-implausible": (
        "ปีไม่สมเหตุสมผล", "Implausible year",
        "ปีในเซลล์นี้ไม่อยู่ในช่วงที่เป็นไปได้ทั้งแบบ พ.ศ. และ ค.ศ.",
        "The year in this cell is outside the plausible range for both Buddhist Era and Common Era years.",
    ),
    "thai-year-era-mix": (
        "ปน พ.ศ. กับ ค.ศ.", "Buddhist and Common Era mixed",
        "คอลัมน์นี้ใช้ปี พ.ศ. เป็นส่วนใหญ่ แต่เซลล์นี้เป็น ค.ศ. (หรือกลับกัน)",
        "Most years in this column are in one era (BE or CE) but this cell is in the other.",
    ),
    "thai-digits": (
        "เลขไทยในคอลัมน์ตัวเลข", "Thai digits in a numeric column",
        "เซลล์นี้ใช้เลขไทย (๐-๙) ในคอลัมน์ตัวเลข โปรแกรมส่วนใหญ่อ่านเป็นตัวเลขไม่ได้ ควรใช้เลขอารบิก (0-9)",
        "The cell uses Thai digits (๐-๙) in a numeric column; most software cannot read them as numbers. Use 0-9.",
    ),
    "thai-province-unknown": (
        "ชื่อหรือรหัสจังหวัดไม่ถูกต้อง", "Unknown province",
        "ค่านี้ไม่ตรงกับชื่อหรือรหัสของจังหวัดใดใน 77 จังหวัด (ตามรหัสของกรมการปกครอง)",
        "The value matches no name or code of the 77 provinces (Department of Provincial Administration codes).",
    ),
    "formula-injection": (
        "เซลล์ที่โปรแกรมตารางคำนวณจะตีความเป็นสูตร", "Cell a spreadsheet would run as a formula",
        "เซลล์ขึ้นต้นด้วย = + - หรือ @ โปรแกรมตารางคำนวณอาจรันเป็นสูตรเมื่อผู้ใช้เปิดไฟล์ (CSV injection)",
        "The cell starts with =, +, - or @, so a spreadsheet may run it as a formula when the file is opened (CSV injection).",
    ),
    "thai-multirow-header": (
        "หัวตารางหลายแถวหรือเซลล์ผสาน", "Multi-row or merged header",
        "หัวตารางกินหลายแถวหรือมีเซลล์ผสาน ข้อมูลเปิดควรมีหัวตารางแถวเดียว ชื่อคอลัมน์ไม่ซ้ำและไม่ว่าง",
        "The header spans several rows or has merged cells; open data needs one header row of unique, non-blank names.",
    ),
}

PERSONAL_TYPES = frozenset({"thai-national-id", "thai-phone-number", "email-address"})

STANDARD_TH: dict[str, str] = {
    "type-error": "ชนิดข้อมูลไม่ถูกต้อง",
    "constraint-error": "ไม่เป็นไปตามข้อกำหนด",
    "unique-error": "ค่าซ้ำในคอลัมน์ที่ห้ามซ้ำ",
    "primary-key": "คีย์หลักซ้ำหรือว่าง",
    "blank-row": "แถวว่าง",
    "extra-cell": "เซลล์เกิน",
    "missing-cell": "เซลล์ขาด",
    "blank-label": "ชื่อคอลัมน์ว่าง",
    "duplicate-label": "ชื่อคอลัมน์ซ้ำ",
    "incorrect-label": "ชื่อคอลัมน์ไม่ตรงกับ schema",
    "missing-label": "ไม่มีคอลัมน์ตาม schema",
    "extra-label": "คอลัมน์เกินจาก schema",
    "blank-header": "หัวตารางว่าง",
    "source-error": "อ่านไฟล์ไม่ได้",
    "format-error": "รูปแบบไฟล์ไม่ถูกต้อง",
    "encoding-error": "การเข้ารหัสอักขระไม่ถูกต้อง",
    "scheme-error": "ไม่พบไฟล์",
    "schema-error": "Table Schema ไม่ถูกต้อง",
}


# frictionless's English notes, in Thai (the report page shows the Thai message in Thai).
_NOTES_TH = (
    (re.compile(r'^type is "(\w+)/(.*)"$', re.S), lambda m: f"ต้องเป็นชนิด {m[1]}"
     + (f" รูปแบบ {m[2]}" if m[2] != "default" else "")),
    (re.compile(r'^constraint "required" is "True"$'), lambda m: "ห้ามว่าง"),
    (re.compile(r'^constraint "(\w+)" is "(.*)"$', re.S), lambda m: f'ข้อกำหนด {m[1]} คือ "{m[2]}"'),
    (re.compile(r"^the same as in an earlier row$"), lambda m: "ซ้ำกับแถวก่อนหน้า"),
    (re.compile(r'^cells composing the primary keys are all "None"$'), lambda m: "คีย์หลักว่างทุกเซลล์"),
)


def thai_note(note: str) -> str:
    for pattern, thai in _NOTES_TH:
        match = pattern.match(note)
        if match:
            return thai(match)
    return note


def thai_title(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    return STANDARD_TH.get(kind) or THAI_TYPES.get(kind, (error.get("title") or kind,))[0]


def thai_message(error: dict[str, Any]) -> str:
    """A Thai message for a frictionless error, with its row and column."""
    parts = [thai_title(error)]
    if error.get("rowNumber"):
        parts.append(f"แถวที่ {error['rowNumber']}")
    if error.get("fieldNumber"):
        name = error.get("fieldName") or ""
        parts.append(f"คอลัมน์ที่ {error['fieldNumber']}" + (f" ({name})" if name else ""))
    if error.get("cell") not in (None, ""):
        parts.append(f'ค่า "{error["cell"]}"')
    if error.get("noteTh"):
        parts.append(error["noteTh"])
    elif error.get("note"):
        parts.append(thai_note(error["note"]))
    return ": ".join([parts[0], " ".join(parts[1:])]) if len(parts) > 1 else parts[0]


def add_messages(error: dict[str, Any]) -> dict[str, Any]:
    error.setdefault("titleTh", thai_title(error))
    error.setdefault("messageTh", thai_message(error))
    return error


def source_error(kind: str, note: str, note_th: str) -> dict[str, Any]:
    """A file-level error in frictionless's shape (type is a frictionless error type)."""
    titles = {
        "source-error": "Source Error", "format-error": "Format Error",
        "encoding-error": "Encoding Error", "scheme-error": "Scheme Error",
        "schema-error": "Schema Error",
    }
    title = titles.get(kind, "Source Error")
    return {
        "type": kind,
        "title": title,
        "description": "The data source could not be read or validated.",
        "message": f"The data source has not supported or has inconsistent contents: {note}",
        "tags": [],
        "note": note,
        "noteTh": note_th,
        "messageTh": f"{STANDARD_TH.get(kind, 'อ่านไฟล์ไม่ได้')}: {note_th}",
    }


def thai_error(kind: str, *, row_number: int, field_number: int, field_name: str, cell: str,
               note: str = "", note_th: str = "", cells: list[str] | None = None) -> dict[str, Any]:
    th_title, en_title, th_desc, en_desc = THAI_TYPES[kind]
    message = (f'{en_title} in the cell "{cell}" in row "{row_number}" and field "{field_name}"'
               f' at position "{field_number}"' + (f": {note}" if note else ""))
    error = {
        "type": kind,
        "title": en_title,
        "description": en_desc,
        "message": message,
        "tags": ["#table", "#row", "#cell", "#thgov"] + (["#personal-data"] if kind in PERSONAL_TYPES else []),
        "note": note,
        "cells": cells or [],
        "rowNumber": row_number,
        "cell": cell,
        "fieldName": field_name,
        "fieldNumber": field_number,
        "titleTh": th_title,
        "descriptionTh": th_desc,
        "noteTh": note_th,
    }
    return error
