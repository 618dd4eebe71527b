"""Bad input gets a report with a clear error, never an exception; real files; the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from thgov_validators import validate

REAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "real"
SCHEMA = {"fields": [{"name": "a", "type": "integer"}, {"name": "b", "type": "string"}]}


def kinds(report: dict[str, Any]) -> set[str]:
    return {e["type"] for e in report["tasks"][0]["errors"]}


def file_error(report: dict[str, Any]) -> dict[str, Any]:
    json.dumps(report, ensure_ascii=False)
    assert report["valid"] is False
    errors = report["tasks"][0]["errors"]
    assert len(errors) == 1, errors
    error = errors[0]
    assert error["note"] and error["messageTh"]
    return error


def test_missing_file_and_folder(tmp_path: Path) -> None:
    assert file_error(validate(tmp_path / "none.csv"))["type"] == "scheme-error"
    assert file_error(validate(tmp_path))["type"] == "scheme-error"


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    error = file_error(validate(path))
    assert error["type"] == "source-error" and "empty" in error["note"]


def test_blank_lines_only(tmp_path: Path) -> None:
    path = tmp_path / "blank.csv"
    path.write_bytes(b"\n\n\n")
    assert file_error(validate(path))["type"] == "source-error"


def test_binary_named_csv(tmp_path: Path) -> None:
    path = tmp_path / "image.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    assert file_error(validate(path))["type"] == "format-error"
    xlsx = tmp_path / "book.csv"
    with zipfile.ZipFile(xlsx, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    error = file_error(validate(xlsx))
    assert error["type"] == "format-error" and "zip" in error["note"]


def test_truncated_files(tmp_path: Path) -> None:
    quoted = tmp_path / "quote.csv"
    quoted.write_text('a,b\n1,"unterminated\n2,x\n', encoding="utf-8")
    report = validate(quoted, SCHEMA)
    json.dumps(report)
    # Python's csv module (so frictionless) reads the rest of the file into the open quote.
    assert report["thgov"]["rows"] == 1
    cut = tmp_path / "cut.csv"
    cut.write_bytes("a,b\n1,เชียงใหม่\n2,น่".encode()[:-1])  # cut inside a Thai character
    assert file_error(validate(cut, SCHEMA))["type"] == "encoding-error"
    truncated_xlsx = tmp_path / "cut.xlsx"
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["a", "b"])
    book.save(tmp_path / "ok.xlsx")
    truncated_xlsx.write_bytes((tmp_path / "ok.xlsx").read_bytes()[:500])
    assert file_error(validate(truncated_xlsx))["type"] == "format-error"


def test_zip_bomb_xlsx_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b" " * (64 << 20) + b">")
    assert path.stat().st_size < 1 << 20
    error = file_error(validate(path))
    assert error["type"] == "source-error" and "zip bomb" in error["note"]
    small_limit = file_error(validate(path, max_xlsx_bytes=1 << 20))
    assert small_limit["type"] == "source-error"


def test_ten_thousand_columns(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    header = ",".join(f"c{i}" for i in range(10_000))
    row = ",".join(str(i) for i in range(10_000))
    path.write_text(f"{header}\n{row}\n{row},extra\n", encoding="utf-8")
    report = validate(path)
    assert report["tasks"][0]["stats"]["fields"] == 10_000
    assert "extra-cell" in kinds(report)
    assert len(json.dumps(report, ensure_ascii=False).encode()) < 1_100_000


def test_100_mb_single_line(tmp_path: Path) -> None:
    path = tmp_path / "line.csv"
    with path.open("wb") as handle:
        handle.write(b"a,b\n1,")
        handle.write(b"x" * (100 << 20))
        handle.write(b"\n")
    error = file_error(validate(path, SCHEMA))
    assert error["type"] == "source-error" and "field" in error["note"]


@pytest.mark.parametrize("schema", [
    "{not json",
    {"fields": [{"name": "a", "type": "integerx"}]},
    {"fields": [{"name": "a", "type": "integer"}], "primaryKey": ["zz"]},
    {"fields": "a"},
    ["a"],
    "/no/such/schema.json",
])
def test_wrong_schemas(tmp_path: Path, schema: Any) -> None:
    path = tmp_path / "t.csv"
    path.write_text("a,b\n1,x\n", encoding="utf-8")
    assert file_error(validate(path, schema))["type"] == "schema-error"


def test_report_capped_when_every_cell_is_wrong(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    cols = 20
    path.write_text(",".join(f"c{i}" for i in range(cols)) + "\n"
                    + ("\n".join(",".join("x" * 200 for _ in range(cols)) for _ in range(600))),
                    encoding="utf-8")
    schema = {"fields": [{"name": f"c{i}", "type": "integer"} for i in range(cols)]}
    report = validate(path, schema, limit_errors=20_000)
    size = len(json.dumps(report, ensure_ascii=False).encode())
    assert size <= 1_000_000
    assert report["thgov"]["truncated"] is True
    assert report["thgov"]["error_counts"]["type-error"] > len(report["tasks"][0]["errors"])
    capped = validate(path, schema)
    assert len(capped["tasks"][0]["errors"]) <= 1000


REAL_FILES = sorted(p for p in REAL.glob("*") if p.suffix in (".csv", ".xlsx"))


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: p.name)
def test_real_files_give_sensible_reports(path: Path) -> None:
    report = validate(path)
    json.dumps(report, ensure_ascii=False)
    meta = report["thgov"]
    assert meta["engine"].startswith("thgov"), meta
    assert not kinds(report) & {"source-error", "format-error", "encoding-error", "schema-error"}
    assert meta["rows"] > 0
    labels = report["tasks"][0]["labels"]
    assert all("\ufffd" not in label for label in labels)
    assert len(json.dumps(report, ensure_ascii=False).encode()) <= 1_000_000
    assert meta["personal_data_found"] is False, meta.get("personal_data_counts")


def test_real_messy_files_have_their_known_problems() -> None:
    dopa = validate(REAL / "dopa_population_by_age_group_province_2563.csv")
    assert "blank-row" in kinds(dopa)
    dmsc = validate(REAL / "dmsc_covid19_testing_daily_2020-2021.csv")
    assert {"blank-label"} <= kinds(dmsc)
    arrivals = validate(REAL / "mots_international_arrivals_2564.xlsx")
    assert "thai-multirow-header" in kinds(arrivals)


def test_thousands_separators_after_the_inference_sample_are_not_errors(tmp_path: Path) -> None:
    path = tmp_path / "counts.csv"
    rows = [f"ต.{n},{n % 900}" for n in range(60)] + ["ต.ท้ายไฟล์,\"1,378\"", "ต.ผิด,\"12x\""]
    path.write_text("ตำบล,จำนวน\n" + "\n".join(rows) + "\n", encoding="utf-8")
    report = validate(path, infer_rows=50)
    fields = {f["name"]: f for f in report["thgov"]["schema"]["fields"]}
    assert fields["จำนวน"] == {"name": "จำนวน", "type": "number", "groupChar": ","}
    errors = report["tasks"][0]["errors"]
    assert [(e["type"], e["rowNumber"], e["cell"]) for e in errors] == [("type-error", 63, "12x")]


def test_the_real_tis620_file_has_no_false_type_errors() -> None:
    report = validate(REAL / "dld_livestock_farmers_by_tambon_2564_tis620.csv")
    assert report["thgov"]["encoding"] == "cp874"
    assert "type-error" not in kinds(report)


# CLI --------------------------------------------------------------------------------------


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "thgov_validators.validation.cli", *args],
                          capture_output=True, text=True, timeout=120)


def test_cli_summary_in_thai_and_english(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("a,b\n1,x\ny,z\n", encoding="utf-8")
    schema = tmp_path / "s.json"
    schema.write_text(json.dumps(SCHEMA), encoding="utf-8")
    th = cli(str(path), "--schema", str(schema))
    assert th.returncode == 1
    assert "ไม่ผ่าน" in th.stdout and "ชนิดข้อมูลไม่ถูกต้อง" in th.stdout and "แถวที่ 3" in th.stdout
    en = cli(str(path), "--schema", str(schema), "--lang", "en")
    assert "INVALID: 1 errors found" in en.stdout and "type-error" in en.stdout
    ok = cli(str(path), "--schema", json.dumps({"fields": [{"name": "a"}, {"name": "b"}]}), "--lang", "en")
    assert ok.returncode == 0 and "VALID" in ok.stdout


def test_cli_json_and_file_errors(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("a,b\n1,x\n", encoding="utf-8")
    out = cli(str(path), "--json")
    report = json.loads(out.stdout)
    assert report["valid"] is True and report["thgov"]["schema_inferred"] is True
    missing = cli(str(tmp_path / "nope.csv"), "--lang", "en")
    assert missing.returncode == 2 and "does not exist" in missing.stdout
