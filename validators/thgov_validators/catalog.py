"""The catalogue spreadsheet (บัญชีข้อมูล) of an organization: the template, reading an upload,
normalising its values and every template-level problem, and writing an export. No CKAN here:
the portal passes its scheming fields and licence register in, and validates the rows it gets
back with the same schema as package_create (ckanext.thgov.catalog).

Layouts read:
- the portal's template: one sheet per data type (named by the Thai data_type value), Thai
  headers on row 1, English on row 2, data from row 3; or one CSV/sheet with a data-type column;
- the Thai GDC template (thai_gdc 2.2.4): sheets Temp2_Meta_Record|Stat|GIS|Multi|Other, header on
  row 4, a description row 5, data from row 6, columns by position.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

from .metadata import BE_OFFSET, DATA_TYPE_NAMES_EN, DATA_TYPES

IDENTIFIER = "identifier"  # the column that keys a row to its dataset (see dataset_name)
SKIPPED_FIELDS = frozenset({"owner_org", "name"})  # the organization is the upload's; the name is derived
MULTI_PRESETS = frozenset({"multiple_checkbox", "thgov_disaggregate"})
INSTRUCTIONS_SHEET = "คำแนะนำ"
LISTS_SHEET = "รายการค่า"
MULTI_SEPARATORS = re.compile(r"\s*[,;\n|]\s*")
TAG_SEPARATORS = re.compile(r"\s*[,;\n]\s*")
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\ufeff\u00ad]")
_OTHER_FOR = re.compile(r"\bthgov_other_for\(\s*(\w+)\s*\)")
_SPACES = re.compile("[ \t\u00a0]+")

# thai_gdc 2.2.4's import: the columns of each Temp2_Meta_* sheet, by position ("d_type" is ignored)
_GDC_COMMON = ["name", "d_type", "title", "owner_org", "maintainer", "maintainer_email", "tag_string", "notes",
               "objective", "update_frequency_unit", "update_frequency_interval", "geo_coverage", "data_source",
               "data_format", "data_category", "license_id", "accessible_condition"]
GDC_SHEETS: dict[str, tuple[str, list[str]]] = {
    "Temp2_Meta_Record": ("record", _GDC_COMMON + [
        "created_date", "last_updated_date", "url", "data_support", "data_collect", "data_language",
        "high_value_dataset", "reference_data"]),
    "Temp2_Meta_Stat": ("stat", _GDC_COMMON + [
        "first_year_of_data", "last_year_of_data", "data_release_calendar", "last_updated_date", "disaggregate",
        "unit_of_measure", "unit_of_multiplier", "calculation_method", "standard", "url", "data_language",
        "official_statistics"]),
    "Temp2_Meta_GIS": ("gis", _GDC_COMMON + [
        "geographic_data_set", "equivalent_scale", "west_bound_longitude", "east_bound_longitude",
        "north_bound_longitude", "south_bound_longitude", "positional_accuracy", "reference_period",
        "last_updated_date", "data_release_calendar", "data_release_date", "url", "data_language"]),
    "Temp2_Meta_Multi": ("multi", _GDC_COMMON + [
        "created_date", "last_updated_date", "url", "data_support", "data_collect", "data_language",
        "high_value_dataset", "reference_data"]),
    "Temp2_Meta_Other": ("other", _GDC_COMMON + [
        "created_date", "last_updated_date", "url", "data_support", "data_collect", "data_language",
        "high_value_dataset", "reference_data"]),
}
GDC_HEADER_ROW, GDC_FIRST_DATA_ROW = 4, 6


# -- problems -------------------------------------------------------------------------------

@dataclass
class Issue:
    """One problem (level error: nothing is imported) or notice (a value read leniently)."""

    message_th: str
    message_en: str
    row: int | None = None  # the spreadsheet's row number, as the agency sees it
    sheet: str | None = None
    column: str | None = None  # the column's Thai header
    field: str | None = None
    value: str | None = None
    level: str = "error"

    def as_dict(self) -> dict[str, Any]:
        return {"level": self.level, "sheet": self.sheet, "row": self.row, "column": self.column,
                "field": self.field, "value": self.value, "message_th": self.message_th,
                "message_en": self.message_en}


class FileRefused(Exception):
    """The file as a whole cannot be read (not a spreadsheet, too large, no data sheet)."""

    def __init__(self, th: str, en: str) -> None:
        super().__init__(en)
        self.th, self.en = th, en


# -- the template's columns, from the dataset schema ---------------------------------------

@dataclass
class Column:
    key: str  # the schema field name, or IDENTIFIER
    header_th: str
    header_en: str
    kind: str = "text"  # text, choice, multi, date, tags
    required: bool = False
    data_types: frozenset[str] | None = None  # ctype codes the field belongs to; None: every type
    choices: list[tuple[str, str, str]] = field(default_factory=list)  # (value, label_th, label_en)
    aliases: dict[str, str] = field(default_factory=dict)  # other accepted spellings -> value

    def applies_to(self, code: str) -> bool:
        return self.data_types is None or code in self.data_types

    def display(self, value: str) -> str:
        """A stored choice as the template shows it (the Thai label)."""
        for stored, label_th, _label_en in self.choices:
            if stored == value:
                return label_th
        return value


def _label(label: Any, lang: str) -> str:
    if isinstance(label, dict):
        return str(label.get(lang) or label.get("en") or label.get("th") or "")
    return str(label or "")


def columns_from_schema(dataset_fields: list[dict[str, Any]],
                        licences: list[dict[str, Any]] | None = None) -> list[Column]:
    """The template's columns, in schema order: every dataset field but the organization and the
    name (replaced by the identifier column). `dataset_fields` are scheming fields with their
    presets' choices expanded; `licences` the register (id, title, title_th) for the licence list."""
    by_name = {f["field_name"]: f for f in dataset_fields}
    columns = [Column(IDENTIFIER, "ตัวระบุชุดข้อมูล", "Identifier")]
    for spec in dataset_fields:
        name = spec["field_name"]
        if name in SKIPPED_FIELDS:
            continue
        header_th, header_en = _label(spec.get("label"), "th"), _label(spec.get("label"), "en")
        other_for = _OTHER_FOR.search(str(spec.get("validators") or ""))
        if other_for and other_for.group(1) in by_name and name != "data_type_other":
            parent = by_name[other_for.group(1)]["label"]
            header_th = f"{_label(parent, 'th')} (อื่นๆ โปรดระบุ)"
            header_en = f"{_label(parent, 'en')} (other, please specify)"
        choices = [(str(c["value"]), _label(c.get("label"), "th") or str(c["value"]),
                    _label(c.get("label"), "en") or str(c["value"])) for c in spec.get("choices") or []]
        aliases = {}
        if name == "license_id" and licences:
            choices = [(lic["id"], lic.get("title_th") or lic["title"], lic["title"]) for lic in licences]
            aliases = {alias: lic["id"] for lic in licences for alias in lic.get("thgov_aliases", [])}
        validators = str(spec.get("validators") or "")
        if choices:
            multiple = spec.get("preset") in MULTI_PRESETS or "scheming_multiple_choice" in validators
            kind = "multi" if multiple else "choice"
        elif spec.get("preset") == "date":
            kind = "date"
        elif name == "tag_string":
            kind = "tags"
        else:
            kind = "text"
        codes = spec.get("thgov_data_types")
        if name == "data_type_other":
            codes = ["other"]
        # required in every row: the schema's required fields that apply to all types
        required = bool(spec.get("required")) and not codes
        columns.append(Column(name, header_th, header_en, kind, required,
                              frozenset(codes) if codes else None, choices, aliases))
    return columns


def columns_for_type(columns: list[Column], code: str | None) -> list[Column]:
    """A data type's sheet: its fields, without data_type (the sheet says it). None: the single
    table of a CSV, with every column."""
    if code is None:
        return list(columns)
    return [c for c in columns if c.key != "data_type" and c.applies_to(code)]


def header_text(column: Column) -> str:
    return f"{column.header_th} *" if column.required else column.header_th


# -- loose matching of Thai text ---------------------------------------------------------------

def loose_key(text: str) -> str:
    """What two spellings of one value share: NFKC (ำ and ํา, full-width forms), no spaces or
    invisible characters (so "อื่น ๆ" is "อื่นๆ"), Thai digits as Arabic, case folded."""
    text = unicodedata.normalize("NFKC", _INVISIBLE.sub("", text)).translate(_THAI_DIGITS)
    return re.sub(r"\s+", "", text).casefold()


def clean_text(value: Any) -> str:
    """A cell as text: NFC, invisible characters removed, outer spaces stripped, inner runs of
    spaces kept as one (line breaks kept: descriptions may have paragraphs)."""
    if value is None or value == "":
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    text = unicodedata.normalize("NFC", _INVISIBLE.sub("", str(value)))
    text = _SPACES.sub(" ", text).strip()
    if "\n" not in text and "\r" not in text:
        return text
    return "\n".join(line.strip() for line in text.splitlines())


class _ChoiceIndex:
    """Every accepted spelling of a column's choices (value, Thai and English label) by loose key."""

    def __init__(self, column: Column) -> None:
        self.column = column
        self.exact: dict[str, str] = {}
        self.loose: dict[str, set[str]] = {}
        spellings = [(s, value) for value, *labels in column.choices for s in (value, *labels)]
        for spelling, value in spellings + list(column.aliases.items()):
            self.exact.setdefault(spelling, value)
            self.loose.setdefault(loose_key(spelling), set()).add(value)

    def match(self, text: str) -> tuple[str | None, list[str]]:
        """(value, []) if the text names one choice; (None, candidates) if several or none."""
        if text in self.exact:
            return self.exact[text], []
        found = self.loose.get(loose_key(text), set())
        if len(found) == 1:
            return next(iter(found)), []
        if found:
            return None, sorted(found)
        return None, []

    def suggestions(self, text: str) -> list[str]:
        keys = difflib.get_close_matches(loose_key(text), list(self.loose), n=2, cutoff=0.75)
        return [self.column.display(sorted(self.loose[k])[0]) for k in keys]


# -- reading a file ---------------------------------------------------------------------------

@dataclass
class Table:
    """One sheet (or the CSV) as rows of cells, with the data type its name implies."""

    name: str
    rows: list[tuple[int, list[Any]]]  # (row number, cells)
    data_type: str | None = None  # ctype code implied by the sheet, or None
    gdc: bool = False


def sniff_format(filename: str, content: bytes) -> str:
    if content[:4] == b"PK\x03\x04":
        return "xlsx"
    if content[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "xls"
    if filename.lower().endswith((".xlsx", ".xlsm", ".xls")):
        return "broken"
    return "csv"


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "cp874"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileRefused("อ่านไฟล์ CSV ไม่ได้: ต้องเป็น UTF-8 หรือ TIS-620", "The CSV file must be UTF-8 or TIS-620 (cp874)")


def read_tables(filename: str, content: bytes) -> list[Table]:
    """The sheets of an XLSX/XLS workbook or the table of a CSV file. Raises FileRefused."""
    kind = sniff_format(filename, content)
    if kind == "broken":
        raise FileRefused("ไฟล์เสียหรือไม่ใช่ไฟล์ Excel (.xlsx)", "The file is damaged or not an Excel (.xlsx) workbook")
    if kind == "csv":
        if b"\x00" in content[:4096]:
            raise FileRefused("ไฟล์นี้ไม่ใช่ CSV หรือ Excel", "This file is neither CSV nor Excel")
        text = _decode(content)
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        try:
            rows = [(n, cells) for n, cells in enumerate(csv.reader(io.StringIO(text), dialect), start=1)]
        except csv.Error as error:
            raise FileRefused(f"อ่านไฟล์ CSV ไม่ได้: {error}", f"The CSV file cannot be read: {error}") from None
        return [Table(filename or "CSV", rows)]
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        tables = []
        for name in workbook.sheet_names:
            sheet = workbook.get_sheet_by_name(name)
            rows = [(n, list(cells)) for n, cells in enumerate(sheet.to_python(skip_empty_area=False), start=1)]
            tables.append(_classify(Table(name, rows)))
        return tables
    except FileRefused:
        raise
    except Exception as error:  # calamine raises its own error types for every kind of damage
        raise FileRefused(f"ไฟล์ Excel เสียหาย อ่านไม่ได้ ({type(error).__name__})",
                          f"The Excel file is damaged and cannot be read ({type(error).__name__}: {error})") from None


_SHEET_TYPES = {value: code for code, value in DATA_TYPES.items()}


def _classify(table: Table) -> Table:
    name = clean_text(table.name)
    if name in GDC_SHEETS:
        table.gdc, table.data_type = True, GDC_SHEETS[name][0]
    else:
        for value, code in _SHEET_TYPES.items():
            if loose_key(name) == loose_key(value):
                table.data_type = code
    return table


# -- checking rows ----------------------------------------------------------------------------

@dataclass
class Row:
    """One dataset of the upload, normalised to what package_create takes (no name yet)."""

    row: int
    sheet: str
    identifier: str
    values: dict[str, Any]


@dataclass
class CheckResult:
    rows: list[Row] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    total: int = 0

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.level == "error"]

    def error_rows(self) -> set[tuple[str, int]]:
        return {(i.sheet or "", i.row) for i in self.errors if i.row is not None}


def _is_blank(cells: Iterable[Any]) -> bool:
    return all(clean_text(c) == "" for c in cells)


def _header_keys(column: Column) -> set[str]:
    return {loose_key(column.header_th), loose_key(column.header_en), loose_key(column.key)}


def _match_headers(table: Table, header: list[Any], columns: list[Column],
                   result: CheckResult, header_row: int) -> dict[int, Column] | None:
    by_key: dict[str, Column] = {}
    for column in columns:
        for key in _header_keys(column):
            by_key.setdefault(key, column)
    mapping: dict[int, Column] = {}
    seen: dict[str, int] = {}
    problems = 0
    for index, cell in enumerate(header):
        text = clean_text(cell).rstrip("*").strip()
        if not text:
            continue
        column = by_key.get(loose_key(text))
        if column is None:
            near = difflib.get_close_matches(loose_key(text), list(by_key), n=1, cutoff=0.8)
            hint_th = f" (หรือหมายถึง '{by_key[near[0]].header_th}')" if near else ""
            hint_en = f" (did you mean '{by_key[near[0]].header_en}'?)" if near else ""
            result.issues.append(Issue(f"ไม่รู้จักคอลัมน์ '{text}'{hint_th}", f"Unknown column '{text}'{hint_en}",
                                       header_row, table.name, text, value=text))
            problems += 1
            continue
        if column.key in seen:
            result.issues.append(Issue(f"คอลัมน์ '{column.header_th}' ซ้ำกัน", f"Column '{column.header_en}' appears twice",
                                       header_row, table.name, column.header_th, column.key))
            problems += 1
            continue
        seen[column.key] = index
        mapping[index] = column
    for column in columns:
        if column.required and column.key not in seen:
            result.issues.append(Issue(f"ไม่มีคอลัมน์ '{column.header_th}' ที่ต้องมี",
                                       f"The required column '{column.header_en}' is missing",
                                       header_row, table.name, column.header_th, column.key))
            problems += 1
    return None if problems else mapping


def _is_english_header(cells: list[Any], columns: list[Column]) -> bool:
    keys = {loose_key(c.header_en) for c in columns} | {loose_key(c.key) for c in columns}
    texts = [clean_text(c).rstrip("*").strip() for c in cells]
    texts = [t for t in texts if t]
    return bool(texts) and all(loose_key(t) in keys for t in texts)


def check_tables(tables: list[Table], columns: list[Column], max_rows: int = 20_000) -> CheckResult:
    """Read every data sheet, check headers and values, normalise what is close to an allowed
    value (each such change is a notice) and refuse what is unknown or ambiguous."""
    result = CheckResult()
    indexes = {c.key: _ChoiceIndex(c) for c in columns if c.choices}
    by_key = {c.key: c for c in columns}
    identifiers: dict[str, tuple[str, int]] = {}
    data_tables = [t for t in tables if t.data_type or t.gdc or (len(tables) == 1)
                   or _has_type_column(t, columns)]
    if not data_tables:
        raise FileRefused(
            "ไม่พบแผ่นงานข้อมูล: ใช้แม่แบบของพอร์ทัล (แผ่นงานตามประเภทชุดข้อมูล) หรือแม่แบบ GDC (Temp2_Meta_*)",
            "No data sheet found: use the portal's template (one sheet per data type) or the GDC template (Temp2_Meta_*)")
    for table in data_tables:
        for row_number, values, sheet_columns in _table_rows(table, columns, result):
            result.total += 1
            if result.total > max_rows:
                raise FileRefused(f"ไฟล์มีเกิน {max_rows:,} แถว: แบ่งเป็นหลายไฟล์",
                                  f"The file has more than {max_rows:,} rows: split it into several files")
            row = _check_row(table, row_number, values, sheet_columns, by_key, indexes, result)
            if row is None:
                continue
            key = row_key(row.identifier, row.values.get("title", ""))
            if key in identifiers:
                first_sheet, first_row = identifiers[key]
                result.issues.append(Issue(
                    f"ชุดข้อมูลซ้ำกับแถว {first_row} ({first_sheet}): ตัวระบุหรือชื่อชุดข้อมูลเดียวกัน",
                    f"Same dataset as row {first_row} ({first_sheet}): same identifier or title",
                    row_number, table.name, by_key[IDENTIFIER].header_th, IDENTIFIER, row.identifier or row.values.get("title")))
                continue
            identifiers[key] = (table.name, row_number)
            result.rows.append(row)
    if not result.total and not result.errors:
        result.issues.append(Issue("ไม่มีข้อมูลในไฟล์ (ไม่มีแถวชุดข้อมูล)", "The file holds no datasets (no data rows)"))
    return result


def _has_type_column(table: Table, columns: list[Column]) -> bool:
    data_type = next(c for c in columns if c.key == "data_type")
    keys = _header_keys(data_type)
    return any(loose_key(clean_text(cell).rstrip("*").strip()) in keys for _n, cells in table.rows[:2] for cell in cells)


def _table_rows(table: Table, columns: list[Column],
                result: CheckResult) -> Iterator[tuple[int, dict[str, Any], list[Column]]]:
    if table.gdc:
        code, keys = GDC_SHEETS[clean_text(table.name)]
        by_key = {c.key: c for c in columns}
        sheet_columns = [by_key[k] for k in keys if k in by_key]
        for row_number, cells in table.rows:
            if row_number < GDC_FIRST_DATA_ROW or _is_blank(cells):
                continue
            values = {k: cells[i] for i, k in enumerate(keys) if i < len(cells) and k in by_key and k != "owner_org"}
            values[IDENTIFIER] = values.pop("name", None) if "name" in values else (cells[0] if cells else None)
            values["data_type"] = DATA_TYPES[code]
            yield row_number, values, sheet_columns
        return
    sheet_columns = columns_for_type(columns, table.data_type)
    if not table.rows or _is_blank(table.rows[0][1]):
        result.issues.append(Issue("แถวแรกต้องเป็นหัวคอลัมน์", "The first row must hold the column headers",
                                   1, table.name))
        return
    header_row, header = table.rows[0]
    mapping = _match_headers(table, header, sheet_columns if table.data_type else columns, result, header_row)
    if mapping is None:
        return
    body = table.rows[1:]
    if body and _is_english_header(body[0][1], columns):
        body = body[1:]
    for row_number, cells in body:
        if _is_blank(cells):
            continue
        values = {column.key: cells[index] for index, column in mapping.items() if index < len(cells)}
        if table.data_type:
            values["data_type"] = DATA_TYPES[table.data_type]
        yield row_number, values, list(mapping.values())


def _check_row(table: Table, row_number: int, raw: dict[str, Any], sheet_columns: list[Column],
               by_key: dict[str, Column], indexes: dict[str, _ChoiceIndex], result: CheckResult) -> Row | None:
    values: dict[str, Any] = {}
    failed: set[str] = set()  # this row's fields with an error

    def problem(column: Column, value: Any, th: str, en: str, level: str = "error") -> None:
        result.issues.append(Issue(th, en, row_number, table.name, column.header_th, column.key,
                                   clean_text(value) or None, level))
        if level == "error":
            failed.add(column.key)

    # data type first: the other columns depend on it
    type_column = by_key["data_type"]
    type_code = None
    type_value, _ = _choice(type_column, raw.get("data_type"), indexes["data_type"], problem)
    if type_value:
        values["data_type"] = type_value
        type_code = next(code for code, value in DATA_TYPES.items() if value == type_value)
    for key, cell in raw.items():
        if key in ("data_type",):
            continue
        column = by_key[key]
        text = clean_text(cell)
        if not text:
            continue
        if type_code and not column.applies_to(type_code):
            names = ", ".join(DATA_TYPES[c] for c in sorted(column.data_types or ()))
            names_en = ", ".join(DATA_TYPE_NAMES_EN[c] for c in sorted(column.data_types or ()))
            problem(column, cell, f"คอลัมน์นี้ใช้กับ {names} เท่านั้น ไม่ใช่ {DATA_TYPES[type_code]}",
                    f"This column is for {names_en} only, not {DATA_TYPE_NAMES_EN[type_code]}")
            continue
        if column.kind == "choice":
            value, _ = _choice(column, cell, indexes[key], problem)
            if value is not None:
                values[key] = value
        elif column.kind == "multi":
            chosen = []
            for part in MULTI_SEPARATORS.split(text):
                if part:
                    value, _ = _choice(column, part, indexes[key], problem)
                    if value is not None and value not in chosen:
                        chosen.append(value)
            if chosen:
                values[key] = chosen
        elif column.kind == "date":
            try:
                values[key] = parse_date(cell)
            except ValueError:
                problem(column, cell, "วันที่ไม่ถูกต้อง: ใช้ ปปปป-ดด-วว เช่น 2567-01-31 (พ.ศ.) หรือ 2024-01-31 (ค.ศ.)",
                        "Invalid date: use YYYY-MM-DD, e.g. 2567-01-31 (BE) or 2024-01-31 (CE)")
        elif column.kind == "tags":
            values[key] = ",".join(t for t in TAG_SEPARATORS.split(text) if t)
        elif key == IDENTIFIER:
            values[key] = text
        else:
            values[key] = text
    for column in sheet_columns:
        if column.required and column.key not in values and column.key != "data_type" and column.key not in failed:
            problem(column, "", "ต้องกรอกช่องนี้", "This cell is required")
    if failed:
        return None
    identifier = str(values.pop(IDENTIFIER, "") or "")
    return Row(row_number, table.name, identifier, values)


def _choice(column: Column, cell: Any, index: _ChoiceIndex, problem: Any) -> tuple[str | None, bool]:
    text = clean_text(cell)
    if not text:
        return None, False
    value, candidates = index.match(text)
    if value is not None:
        # a cell that was not exactly a listed spelling (spaces, อื่น ๆ, NFD...) is reported
        raw = cell if isinstance(cell, str) else text
        if text not in index.exact or raw != text:
            shown = raw.replace(" ", "␣") if raw.strip() != raw or "  " in raw else raw
            problem(column, raw, f"ปรับ '{shown}' เป็น '{column.display(value)}'",
                    f"'{shown}' was read as '{column.display(value)}'", "notice")
        return value, True
    if candidates:
        shown = " / ".join(column.display(c) for c in candidates)
        problem(column, cell, f"ค่า '{text}' กำกวม อาจเป็น {shown}: โปรดเลือกจากรายการ",
                f"'{text}' is ambiguous (could be {shown}): pick one from the list")
        return None, False
    near = index.suggestions(text)
    hint_th = f" หรือหมายถึง '{near[0]}'" if near else ""
    hint_en = f"; did you mean '{near[0]}'?" if near else ""
    problem(column, cell, f"ค่า '{text}' ไม่อยู่ในรายการที่กำหนด{hint_th}",
            f"'{text}' is not one of the allowed values{hint_en}")
    return None, False


def parse_date(value: Any) -> str:
    """A date cell as an ISO date in the Christian Era: Excel dates, YYYY-MM-DD and DD/MM/YYYY,
    Buddhist Era years (from 2400) converted, Thai digits accepted."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = clean_text(value).translate(_THAI_DIGITS)
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+)?", text)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
        if not match:
            raise ValueError(text)
        day, month, year = (int(g) for g in match.groups())
    if year >= 2400:
        year -= BE_OFFSET
    return dt.date(year, month, day).isoformat()


# -- the key of a row: which dataset it creates or updates -------------------------------------

_NAME_CHARS = re.compile(r"[^a-z0-9_-]+")
NAME_MAX = 100


def _slug(text: str) -> str:
    """An identifier as a CKAN name part; non-Latin identifiers (Thai titles) get a stable hash."""
    text = unicodedata.normalize("NFKC", text).translate(_THAI_DIGITS)
    ascii_part = _NAME_CHARS.sub("-", text.lower()).strip("-_")
    ascii_part = re.sub(r"-{2,}", "-", ascii_part)
    if text.isascii() and ascii_part:
        return ascii_part
    digest = hashlib.sha1(loose_key(text).encode()).hexdigest()[:10]
    return f"{ascii_part[:60]}-{digest}" if ascii_part else digest


def row_key(identifier: str, title: str) -> str:
    """Rows with the same key are the same dataset (identifier if given, else the title)."""
    return _slug(identifier) if identifier else _slug(title)


def dataset_name(org_name: str, identifier: str, title: str) -> str:
    """The name of the dataset a row creates: the organization's name and the row's key, so that
    re-uploading the same file updates the same datasets and two organizations never collide."""
    name = f"{org_name}-{row_key(identifier, title)}"
    if len(name) > NAME_MAX:
        name = f"{name[:NAME_MAX - 11]}-{hashlib.sha1(name.encode()).hexdigest()[:10]}"
    return name


def local_identifier(org_name: str, name: str) -> str:
    """The identifier an export writes for a dataset: its name without the organization's prefix."""
    prefix = f"{org_name}-"
    return name[len(prefix):] if name.startswith(prefix) and len(name) > len(prefix) else name


# -- writing the template and exports ---------------------------------------------------------

def _cell(column: Column, value: Any) -> Any:
    if value in (None, "", []):
        return None
    if column.kind == "multi":
        values = value if isinstance(value, list) else [value]
        return ", ".join(column.display(str(v)) for v in values)
    if column.kind == "choice":
        return column.display(str(value))
    if column.kind == "date":
        return str(value)[:10]
    return value


def export_row(columns: list[Column], dataset: dict[str, Any], identifier: str) -> list[Any]:
    row = []
    for column in columns:
        if column.key == IDENTIFIER:
            row.append(identifier)
        elif column.key == "tag_string":
            tags = dataset.get("tags") or []
            row.append(", ".join(t["name"] if isinstance(t, dict) else str(t) for t in tags) or None)
        else:
            row.append(_cell(column, dataset.get(column.key)))
    return row


def write_csv(columns: list[Column], rows: Iterable[list[Any]] = ()) -> bytes:
    """The single-table CSV: Thai headers, the English ones on row 2; UTF-8 with a BOM for Excel."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([header_text(c) for c in columns])
    writer.writerow([c.header_en for c in columns])
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def write_xlsx(columns: list[Column], rows_by_type: dict[str, list[list[Any]]] | None = None,
               max_validation_rows: int = 2000) -> bytes:
    """The workbook: instructions, one sheet per data type (Thai headers, English on row 2, drop-down
    lists of allowed values), and a hidden sheet holding the lists."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    rows_by_type = rows_by_type or {}
    workbook = Workbook()
    guide = workbook.active
    guide.title = INSTRUCTIONS_SHEET
    for line in INSTRUCTIONS:
        guide.append([line])
    guide.column_dimensions["A"].width = 120
    guide["A1"].font = Font(bold=True, size=14)

    lists = workbook.create_sheet(LISTS_SHEET)
    list_ranges: dict[str, str] = {}
    list_column = 0
    for column in columns:
        if not column.choices or column.key == "data_type":
            continue
        list_column += 1
        letter = get_column_letter(list_column)
        lists.cell(row=1, column=list_column, value=column.key)
        for offset, (_value, label_th, _label_en) in enumerate(column.choices, start=2):
            lists.cell(row=offset, column=list_column, value=label_th)
        last = len(column.choices) + 1
        list_ranges[column.key] = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${last}"
    lists.sheet_state = "hidden"

    header_fill = PatternFill("solid", fgColor="DDEBF7")
    required_fill = PatternFill("solid", fgColor="FCE4D6")
    for code, type_value in DATA_TYPES.items():
        sheet = workbook.create_sheet(type_value, index=workbook.sheetnames.index(LISTS_SHEET))
        sheet_columns = columns_for_type(columns, code)
        sheet.append([header_text(c) for c in sheet_columns])
        sheet.append([c.header_en for c in sheet_columns])
        data = rows_by_type.get(code, [])
        for row in data:
            sheet.append(row)
        last_row = max(len(data) + 2, max_validation_rows + 2)
        for index, column in enumerate(sheet_columns, start=1):
            letter = get_column_letter(index)
            head = sheet.cell(row=1, column=index)
            head.font = Font(bold=True)
            head.fill = required_fill if column.required else header_fill
            head.alignment = Alignment(wrap_text=True, vertical="top")
            sheet.cell(row=2, column=index).font = Font(italic=True, color="595959")
            sheet.column_dimensions[letter].width = 28
            note = column.header_en + (" (required)" if column.required else "")
            if column.kind == "multi":
                note += ". Several values: separate them with commas. / หลายค่า คั่นด้วยจุลภาค"
            elif column.kind == "date":
                note += ". YYYY-MM-DD (BE or CE). / ปปปป-ดด-วว (พ.ศ. หรือ ค.ศ.)"
            head.comment = Comment(note, "thgov")
            if column.key in list_ranges:
                # several values are typed with commas, so multi-choice lists only suggest
                strict = column.kind == "choice"
                validation = DataValidation(type="list", formula1=list_ranges[column.key], allow_blank=True,
                                            showErrorMessage=strict, errorStyle="stop" if strict else "information",
                                            errorTitle="ค่าไม่อยู่ในรายการ / Not in the list",
                                            error="โปรดเลือกจากรายการ / Please pick a value from the list")
                sheet.add_data_validation(validation)
                validation.add(f"{letter}3:{letter}{last_row}")
        sheet.freeze_panes = "B3"
        sheet.row_dimensions[1].height = 45
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


INSTRUCTIONS = [
    "แม่แบบบัญชีข้อมูล (Data catalogue template)",
    "1. กรอกชุดข้อมูลในแผ่นงานตามประเภทชุดข้อมูล หนึ่งแถวต่อหนึ่งชุดข้อมูล เริ่มที่แถว 3 (แถว 1 หัวคอลัมน์ภาษาไทย แถว 2 ภาษาอังกฤษ)",
    "   Fill one row per dataset on the sheet of its data type, from row 3 (row 1: Thai headers, row 2: English).",
    "2. คอลัมน์ที่มี * ต้องกรอก ช่องที่มีรายการให้เลือกจากรายการ ถ้าเลือกได้หลายค่าให้คั่นด้วยจุลภาค (,)",
    "   Columns marked * are required; pick listed values; separate several values with commas.",
    "3. ตัวระบุชุดข้อมูล: รหัสที่ไม่ซ้ำกันในหน่วยงาน นำเข้าซ้ำด้วยตัวระบุเดิมจะปรับปรุงชุดข้อมูลเดิม ไม่สร้างซ้ำ",
    "   Identifier: unique within the organization; uploading it again updates the same dataset.",
    "4. วันที่ใช้รูปแบบ ปปปป-ดด-วว เป็น พ.ศ. หรือ ค.ศ. ก็ได้ ปีข้อมูลเป็น พ.ศ.",
    "   Dates: YYYY-MM-DD in the Buddhist or Christian Era; data years in the Buddhist Era.",
    "5. ชุดข้อมูลที่นำเข้าเป็นแบบส่วนตัวจนกว่าผู้ดูแลหน่วยงานจะอนุมัติการเผยแพร่",
    "   Imported datasets stay private until an organization admin approves their publication.",
]
