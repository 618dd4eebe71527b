"""thgov_validators finds exactly the errors frictionless 5.21 finds, on files with seeded errors.

Compared: the set of (row, field, error type, constraint) of every error, with the same Table
Schema. Each case runs stock frictionless (``validation.reference``) in the same test.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest
from frictionless import Schema

from thgov_validators import validate
from thgov_validators.validation import STANDARD_TYPES
from thgov_validators.validation.reference import frictionless_report

REPO = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("thai_table", REPO / "bench" / "thai_table.py")
thai_table = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(thai_table)  # type: ignore[union-attr]


def _key(error: dict[str, Any]) -> tuple[Any, ...]:
    note = error.get("note", "") if error["type"] == "constraint-error" else ""
    return (error.get("rowNumber"), error.get("fieldNumber"), error["type"], note)


def assert_parity(path: Path, schema: dict[str, Any] | None, **options: Any) -> dict[str, Any]:
    report = validate(path, schema, thai_checks=False, max_report_bytes=0,
                      limit_errors=100_000, **options)
    ours = {_key(e) for e in report["tasks"][0]["errors"] if e["type"] in STANDARD_TYPES}
    fmt = path.suffix.lstrip(".")
    errors, _, _ = frictionless_report(str(path), Schema.from_descriptor(schema) if schema else None,
                                       fmt, options.get("encoding"), 100_000)
    theirs = {_key(e) for e in errors}
    assert ours == theirs, (sorted(ours - theirs, key=str)[:10], sorted(theirs - ours, key=str)[:10])
    assert report["thgov"]["engine"].startswith("thgov")
    return report


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("parity")
    files = {"csv": folder / "thai.csv", "xlsx": folder / "thai.xlsx"}
    thai_table.write_csv(str(files["csv"]), 6000, errors_every=37)
    thai_table.write_xlsx(str(files["xlsx"]), 2000, errors_every=23)
    return files


def test_generated_csv_every_seeded_error(generated: dict[str, Path]) -> None:
    report = assert_parity(generated["csv"], thai_table.SCHEMA)
    assert report["thgov"]["engine"] == "thgov-arrow"
    kinds = set(report["thgov"]["error_counts"])
    assert {"type-error", "constraint-error", "primary-key", "unique-error", "blank-row",
            "extra-cell", "missing-cell"} <= kinds


def test_generated_xlsx(generated: dict[str, Path]) -> None:
    report = assert_parity(generated["xlsx"], thai_table.SCHEMA)
    assert report["thgov"]["engine"] == "thgov-calamine"


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


CASES: dict[str, tuple[str, dict[str, Any]]] = {
    "ragged-blank-multiline": (
        'id,name,score\n1,a,5\n2,b\n\n"3","x\ny",7\n4,c,8,9\n5,d,\n,,\n6,e,x\n',
        {"fields": [{"name": "id", "type": "integer"}, {"name": "name", "type": "string"},
                    {"name": "score", "type": "integer", "constraints": {"required": True}}]},
    ),
    "header-blank-duplicate-extra-missing": (
        "a,,a,d,e\n1,2,3,4,5\n6,7,8,9,10\n",
        {"fields": [{"name": "a", "type": "integer"}, {"name": "b", "type": "integer"},
                    {"name": "c", "type": "integer"}, {"name": "d", "type": "string"}]},
    ),
    "fewer-labels-than-fields": (
        "a,b\n1,2\n3,4\n",
        {"fields": [{"name": "a", "type": "integer"}, {"name": "b", "type": "integer"},
                    {"name": "c", "type": "integer"}]},
    ),
    "integer-edge-forms": (
        "n\n1\n 2\n+3\n-4\n007\n1.0\n1e3\n๑๒\n1_000\n99999999999999999999\n\nabc\n-0\n",
        {"fields": [{"name": "n", "type": "integer", "constraints": {"minimum": -4, "maximum": 100}}]},
    ),
    "number-edge-forms": (
        "x\n1.5\n-0.25\n.5\n5.\n1e3\nNaN\ninf\n 2.5 \n10\n10.0000000001\n9.9999999999\n1,5\n",
        {"fields": [{"name": "x", "type": "number", "constraints": {"minimum": -1, "maximum": 10}}]},
    ),
    "dates-and-booleans": (
        "d,b\n2020-01-01,true\n2020-02-30,yes\n2019-12-31,1\n2020-1-5,FALSE\n20200101,0\n"
        "0999-01-01,True\n2024-02-29,x\n",
        {"fields": [{"name": "d", "type": "date", "constraints": {"minimum": "2020-01-01"}},
                    {"name": "b", "type": "boolean", "constraints": {"required": True}}]},
    ),
    "string-constraints": (
        "code,kind,t\nAB12,x,สวัสดี\nab12,y,ก\nAB123,z,กขคงจฉช\n,x,\nAB12\n,x,ok\nCD34,Y,abc\n",
        {"fields": [{"name": "code", "type": "string", "constraints": {"pattern": "[A-Z]{2}[0-9]{2}|CD34"}},
                    {"name": "kind", "type": "string", "constraints": {"enum": ["x", "y"]}},
                    {"name": "t", "type": "string", "constraints": {"minLength": 2, "maxLength": 6}}]},
    ),
    "unique-and-composite-key": (
        "a,b,u,f\n1,x,10,1.5\n1,y,11,1.50\n1,x,12,2\n2,,10,3\n,,13,3.0\n2,,14,\n,,,\n",
        {"fields": [{"name": "a", "type": "integer"}, {"name": "b", "type": "string"},
                    {"name": "u", "type": "integer", "constraints": {"unique": True}},
                    {"name": "f", "type": "number", "constraints": {"unique": True}}],
         "primaryKey": ["a", "b"]},
    ),
    "missing-values-and-enum-integers": (
        "n,s\n1,-\nNA,x\n3,\n-,NA\n7,y\n",
        {"fields": [{"name": "n", "type": "integer", "constraints": {"enum": [1, 3]}},
                    {"name": "s", "type": "string", "constraints": {"required": True}}],
         "missingValues": ["", "-", "NA"]},
    ),
    "semicolon-delimiter": (
        "a;b\n1;x\n2;y\nz;3\n",
        {"fields": [{"name": "a", "type": "integer"}, {"name": "b", "type": "string"}]},
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_edge_case_files(tmp_path: Path, name: str) -> None:
    text, schema = CASES[name]
    assert_parity(write(tmp_path / f"{name}.csv", text), schema)


def test_bom_crlf_and_tsv(tmp_path: Path) -> None:
    schema = {"fields": [{"name": "จังหวัด", "type": "string"}, {"name": "ปี", "type": "integer"}]}
    assert_parity(write(tmp_path / "bom.csv", "\ufeffจังหวัด,ปี\r\nเชียงใหม่,2564\r\nลำปาง,x\r\n"), schema)
    assert_parity(write(tmp_path / "tab.tsv", "จังหวัด\tปี\nเชียงใหม่\t2564\nลำปาง\t๒๕๖๔\n\t\n"), schema)


def test_tis620_file_with_explicit_encoding(tmp_path: Path) -> None:
    schema = {"fields": [{"name": "จังหวัด", "type": "string"}, {"name": "จำนวน", "type": "integer"}]}
    path = write(tmp_path / "tis.csv", "จังหวัด,จำนวน\nขอนแก่น,12\nน่าน,สิบ\n", "cp874")
    report = assert_parity(path, schema, encoding="cp874")
    assert report["tasks"][0]["labels"] == ["จังหวัด", "จำนวน"]


def test_limit_errors_truncates_like_frictionless(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.csv", "n\n" + "x\n" * 50)
    schema = {"fields": [{"name": "n", "type": "integer"}]}
    report = validate(path, schema, limit_errors=10)
    assert len(report["tasks"][0]["errors"]) == 10
    assert report["thgov"]["truncated"] is True
    assert "reached error limit: 10" in report["tasks"][0]["warnings"]
    errors, _, _ = frictionless_report(str(path), Schema.from_descriptor(schema), "csv", None, 10)
    assert [_key(e) for e in report["tasks"][0]["errors"]] == [_key(e) for e in errors]


def test_report_is_json_and_frictionless_shaped(generated: dict[str, Path]) -> None:
    report = validate(generated["csv"], thai_table.SCHEMA)
    json.dumps(report, ensure_ascii=False)
    assert set(report) >= {"valid", "stats", "warnings", "errors", "tasks", "thgov"}
    task = report["tasks"][0]
    assert set(task) >= {"name", "type", "valid", "place", "labels", "stats", "warnings", "errors"}
    error = next(e for e in task["errors"] if e["type"] == "type-error")
    assert set(error) >= {"type", "title", "description", "message", "tags", "note", "cells",
                          "rowNumber", "cell", "fieldName", "fieldNumber", "messageTh"}
    meta = report["thgov"]
    assert set(meta) >= {"encoding", "personal_data_found", "error_counts", "truncated", "rows"}
    assert meta["encoding"] == "utf-8" and meta["rows"] == 6000


def test_xlsx_rows_take_the_width_of_the_sheet_dimension(tmp_path: Path) -> None:
    """openpyxl (frictionless's reader) pads every row to the <dimension> of a sheet saved by a
    spreadsheet program; short rows there are not missing cells. Formula cells saved without a
    computed value are empty cells."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in (["a", "b", "c", "d"], ["x", 1, 2, 3], ["y", 1], ["z", 1, 2, "=B4+C4"], [], ["w", 5, 6, 7]):
        sheet.append(row)
    path = tmp_path / "dimension.xlsx"
    book.save(path)
    schema = {"fields": [{"name": n, "type": t} for n, t in
                         (("a", "string"), ("b", "integer"), ("c", "integer"), ("d", "integer"))]}
    assert_parity(path, schema)


def test_real_xlsx_files() -> None:
    real = REPO.parent.parent / "shared" / "data" / "real"
    files = sorted(real.glob("*.xlsx"))
    if not files:
        pytest.skip("no real files here")
    for path in files:  # with the schema our inference gives, for both engines
        assert_parity(path, validate(path, thai_checks=False)["thgov"]["schema"])
