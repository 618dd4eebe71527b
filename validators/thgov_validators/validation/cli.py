"""``thgov-validate FILE [--schema S] [--json] [--lang th|en]``: check a file before uploading it.

Exit status: 0 valid, 1 errors found, 2 the file or schema could not be read.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from typing import Any

from .messages import PERSONAL_TYPES, STANDARD_TH, THAI_TYPES

TEXT = {
    "th": {
        "valid": "ผ่าน: ไม่พบข้อผิดพลาด",
        "invalid": "ไม่ผ่าน: พบข้อผิดพลาด {n:,} รายการ",
        "file": "ไฟล์", "encoding": "การเข้ารหัส", "rows": "จำนวนแถว", "engine": "ตัวตรวจ",
        "schema_inferred": "Table Schema: อนุมานจากข้อมูล (ไม่ได้ระบุ --schema)",
        "personal": "พบข้อมูลส่วนบุคคล: ห้ามเผยแพร่ชุดข้อมูลนี้เป็นข้อมูลเปิดจนกว่าจะลบออก",
        "truncated": "แสดงเฉพาะข้อผิดพลาดแรก ๆ (ถึงขีดจำกัด)",
        "by_type": "แยกตามประเภท", "first": "ข้อผิดพลาดแรก ๆ", "row": "แถว", "col": "คอลัมน์",
        "seconds": "เวลา {s:.2f} วินาที",
    },
    "en": {
        "valid": "VALID: no errors found",
        "invalid": "INVALID: {n:,} errors found",
        "file": "File", "encoding": "Encoding", "rows": "Rows", "engine": "Engine",
        "schema_inferred": "Table Schema: inferred from the data (no --schema given)",
        "personal": "Personal data found: do not publish this dataset as open data until it is removed",
        "truncated": "Only the first errors are listed (limit reached)",
        "by_type": "By type", "first": "First errors", "row": "row", "col": "column",
        "seconds": "took {s:.2f} s",
    },
}
FILE_ERRORS = {"source-error", "format-error", "encoding-error", "scheme-error", "schema-error"}


def _title(kind: str, lang: str) -> str:
    if kind in THAI_TYPES:
        return THAI_TYPES[kind][0 if lang == "th" else 1]
    if lang == "th":
        return STANDARD_TH.get(kind, kind)
    return kind


def summary(report: dict[str, Any], lang: str = "th", show: int = 20) -> str:
    t = TEXT[lang]
    meta = report.get("thgov", {})
    task = report["tasks"][0]
    errors = task["errors"]
    counts: dict[str, int] = meta.get("error_counts") or dict(Counter(e["type"] for e in errors))
    total = sum(counts.values())
    lines = [
        f"{t['file']}: {task['place']}",
        f"{t['encoding']}: {meta.get('encoding') or '-'}   {t['rows']}: {meta.get('rows', 0):,}   "
        f"{t['engine']}: {meta.get('engine')}   " + t["seconds"].format(s=report["stats"]["seconds"]),
    ]
    if meta.get("schema_inferred"):
        lines.append(t["schema_inferred"])
    lines.append("")
    lines.append(t["valid"] if report["valid"] else t["invalid"].format(n=total))
    if meta.get("personal_data_found"):
        lines.append("!! " + t["personal"])
    if meta.get("truncated"):
        lines.append(t["truncated"])
    if counts:
        lines.append("")
        lines.append(t["by_type"] + ":")
        for kind, n in sorted(counts.items(), key=lambda item: -item[1]):
            mark = " *" if kind in PERSONAL_TYPES else ""
            lines.append(f"  {n:>8,}  {kind}  ({_title(kind, lang)}){mark}")
        lines.append("")
        lines.append(t["first"] + ":")
        for error in errors[:show]:
            if lang == "th":
                text = error.get("messageTh") or error.get("message", "")
            else:
                text = error.get("message", "")
            lines.append(f"  - [{error['type']}] {text}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="thgov-validate",
        description="Validate a CSV/TSV/XLSX file for the Thai open data portal "
                    "(ตรวจไฟล์ก่อนอัปโหลดขึ้นพอร์ทัลข้อมูลเปิด)")
    parser.add_argument("file")
    parser.add_argument("--schema", help="Table Schema: a JSON file or inline JSON")
    parser.add_argument("--json", action="store_true", help="print the full report as JSON")
    parser.add_argument("--lang", choices=["th", "en"], default="th")
    parser.add_argument("--limit-errors", type=int, default=1000)
    parser.add_argument("--encoding", help="override encoding detection, e.g. cp874")
    parser.add_argument("--sheet", default="0", help="XLSX sheet: index from 0 or name")
    parser.add_argument("--no-thai-checks", action="store_true")
    args = parser.parse_args(argv)
    from . import validate

    sheet: int | str = int(args.sheet) if args.sheet.isdigit() else args.sheet
    report = validate(args.file, args.schema, limit_errors=args.limit_errors,
                      encoding=args.encoding, sheet=sheet, thai_checks=not args.no_thai_checks)
    if args.json:
        json.dump(report, sys.stdout, ensure_ascii=False, indent=1, default=str)
        sys.stdout.write("\n")
    else:
        print(summary(report, args.lang))
    if report["valid"]:
        return 0
    kinds = set(report.get("thgov", {}).get("error_counts", {}))
    return 2 if kinds & FILE_ERRORS else 1


if __name__ == "__main__":
    sys.exit(main())
