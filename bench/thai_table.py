"""A generated Thai table with a Table Schema and seeded errors, for benchmarks and parity tests.

12 columns (id, Thai name, province, district code, date, BE year, amount, count, score, flag,
code, note), deterministic for a seed. ``errors_every`` rows, one row gets one seeded error
from a fixed rotation: type, required, minimum, maximum, pattern, enum, maxLength, invalid date,
duplicate primary key, duplicate unique value, blank row, extra cell, missing cell.
"""

from __future__ import annotations

import csv
import random
from typing import Any, Iterator

PROVINCES = [
    "กรุงเทพมหานคร", "เชียงใหม่", "ขอนแก่น", "นครราชสีมา", "ภูเก็ต", "สงขลา", "ชลบุรี", "อุดรธานี",
    "พิษณุโลก", "สุราษฎร์ธานี", "นครศรีธรรมราช", "ลำปาง", "ระยอง", "เชียงราย", "อุบลราชธานี",
]
FIRST = ["สมชาย", "สมหญิง", "วิชัย", "มาลี", "ประเสริฐ", "สุดา", "อำนาจ", "กัญญา", "ธนา", "ปราณี"]
LAST = ["ใจดี", "รักไทย", "ศรีสุข", "บุญมา", "ทองดี", "แก้วมณี", "สายทอง", "พึ่งบุญ"]
NOTES = ["ปกติ", "ตรวจแล้ว", "รอดำเนินการ", "ส่งต่อ", ""]

SCHEMA: dict[str, Any] = {
    "fields": [
        {"name": "id", "type": "integer", "constraints": {"required": True, "minimum": 1}},
        {"name": "ชื่อ", "type": "string", "constraints": {"required": True, "maxLength": 40}},
        {"name": "จังหวัด", "type": "string", "constraints": {"enum": PROVINCES}},
        {"name": "district_code", "type": "string", "constraints": {"pattern": "[0-9]{4}"}},
        {"name": "date", "type": "date", "constraints": {"minimum": "2000-01-01"}},
        {"name": "ปี", "type": "integer", "constraints": {"minimum": 2500, "maximum": 2600}},
        {"name": "amount", "type": "number", "constraints": {"minimum": 0}},
        {"name": "count", "type": "integer", "constraints": {"minimum": 0, "maximum": 100000}},
        {"name": "score", "type": "number"},
        {"name": "flag", "type": "boolean"},
        {"name": "code", "type": "string", "constraints": {"unique": True}},
        {"name": "note", "type": "string"},
    ],
    "primaryKey": ["id"],
}
LABELS = [field["name"] for field in SCHEMA["fields"]]
SEEDS = ["type", "required", "minimum", "maximum", "pattern", "enum", "maxLength", "date",
         "duplicate-pk", "duplicate-unique", "blank-row", "extra-cell", "missing-cell"]


def rows(n: int, *, seed: int = 5, errors_every: int = 2000) -> Iterator[list[Any]]:
    rng = random.Random(seed)
    rotation = 0
    for i in range(1, n + 1):
        row: list[Any] = [
            str(i),
            f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            rng.choice(PROVINCES),
            f"{rng.randrange(1000, 9999)}",
            f"20{rng.randrange(0, 24):02d}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
            str(rng.randrange(2540, 2568)),
            f"{rng.randrange(0, 10_000_000) / 100:.2f}",
            str(rng.randrange(0, 100_000)),
            f"{rng.gauss(0, 50):.3f}",
            rng.choice(["true", "false"]),
            f"C{i:08d}",
            rng.choice(NOTES),
        ]
        if errors_every and i % errors_every == 0:
            kind = SEEDS[rotation % len(SEEDS)]
            rotation += 1
            row = _seed(row, kind, i)
        yield row


def _seed(row: list[Any], kind: str, i: int) -> list[Any]:
    if kind == "type":
        row[7] = "หนึ่งร้อย"
    elif kind == "required":
        row[1] = ""
    elif kind == "minimum":
        row[6] = "-5.50"
    elif kind == "maximum":
        row[5] = "2700"
    elif kind == "pattern":
        row[3] = "12a4"
    elif kind == "enum":
        row[2] = "กรุงเทพ"
    elif kind == "maxLength":
        row[1] = "ก" * 41
    elif kind == "date":
        row[4] = "2021-02-30"
    elif kind == "duplicate-pk":
        row[0] = "1"
    elif kind == "duplicate-unique":
        row[10] = "C00000002"
    elif kind == "blank-row":
        row = [""] * len(row)
    elif kind == "extra-cell":
        row = row + ["เกิน"]
    elif kind == "missing-cell":
        row = row[:-2]
    return row


def write_csv(path: str, n: int, **options: Any) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(LABELS)
        for row in rows(n, **options):
            writer.writerow(row)


def write_xlsx(path: str, n: int, **options: Any) -> None:
    """An XLSX of the same table, numbers and dates as typed cells (as agencies save them)."""
    import datetime as dt

    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("data")
    sheet.append(LABELS)
    for row in rows(n, **options):
        typed: list[Any] = []
        for position, value in enumerate(row):
            typed.append(_typed(position, value, dt))
        sheet.append(typed)
    workbook.save(path)


def _typed(position: int, value: Any, dt: Any) -> Any:
    if value == "":
        return None
    try:
        if position in (0, 5, 7):
            return int(value)
        if position in (6, 8):
            return float(value)
        if position == 4:
            return dt.datetime.strptime(value, "%Y-%m-%d")
    except ValueError:
        return value
    return value
