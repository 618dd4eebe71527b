"""Readers that turn a CSV/TSV or XLSX file into a header and batches of column arrays.

CSV is read by pyarrow's streaming reader (all columns as strings, parsed in parallel). A file
that pyarrow cannot read the way Python's ``csv`` module reads it (rows with a different number
of cells, blank lines, unusual quoting) is read again by a streaming ``csv`` reader, which keeps
every row exactly as frictionless sees it. XLSX is read by python-calamine after a check of the
archive's decompressed size.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from typing import Any, Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

BATCH_ROWS = 65536
XLSX_BATCH_ROWS = 16384  # spreadsheet rows are Python objects until checked: smaller batches
SAMPLE_LINES = 100  # frictionless sniffs the dialect on its first 100 lines
DELIMITERS = ",\t;|"


class SourceError(Exception):
    """The file cannot be read as a table; ``kind`` is a frictionless error type."""

    def __init__(self, kind: str, note: str, note_th: str = "") -> None:
        super().__init__(note)
        self.kind = kind
        self.note = note
        self.note_th = note_th or note


class Irregular(Exception):
    """pyarrow met a row it does not read like Python's csv module: read the file again."""


@dataclass
class Batch:
    columns: list[pa.Array]  # one array per header position; None cells are absent cells
    row_numbers: np.ndarray  # frictionless row numbers (the header is row 1)
    raw: dict[int, list[Any]] = field(default_factory=dict)  # index -> cells, for ragged rows
    pyrows: list[list[Any]] | None = None  # every row's Python cells (XLSX), for frictionless
    force: set[int] = field(default_factory=set)  # rows frictionless must read (odd cells)

    def __len__(self) -> int:
        return len(self.row_numbers)


@dataclass
class CsvDialect:
    delimiter: str = ","
    quotechar: str = '"'
    escapechar: str | None = None
    doublequote: bool = True
    skipinitialspace: bool = False

    def python(self) -> dict[str, Any]:
        return {
            "delimiter": self.delimiter,
            "quotechar": self.quotechar,
            "escapechar": self.escapechar,
            "doublequote": self.doublequote,
            "skipinitialspace": self.skipinitialspace,
        }


def sniff_dialect(sample_text: str, tsv: bool) -> CsvDialect:
    """The dialect frictionless 5 would use: csv.Sniffer on the first 100 lines."""
    lines = sample_text.splitlines(keepends=True)[:SAMPLE_LINES]
    try:
        sniffed = csv.Sniffer().sniff("".join(lines), "\t" if tsv else DELIMITERS)
    except csv.Error:
        sniffed = csv.excel()
    dialect = CsvDialect(
        delimiter="\t" if tsv else sniffed.delimiter,
        quotechar='"' if sniffed.quotechar == "'" else (sniffed.quotechar or '"'),
        escapechar=sniffed.escapechar,
        doublequote=bool(sniffed.doublequote),
        skipinitialspace=bool(sniffed.skipinitialspace),
    )
    return dialect


def _text_stream(path: str, encoding: str) -> io.TextIOWrapper:
    return io.TextIOWrapper(open(path, "rb"), encoding=encoding, errors="strict", newline="")


def read_csv_header(path: str, encoding: str, dialect: CsvDialect) -> list[Any] | None:
    """The first row as Python's csv module reads it; None for a file without rows."""
    with _text_stream(path, encoding) as stream:
        reader = csv.reader(stream, **dialect.python())
        try:
            return next(reader)
        except StopIteration:
            return None


def arrow_batches(path: str, encoding: str, dialect: CsvDialect, width: int) -> Iterator[Batch]:
    """Batches read by pyarrow; raises Irregular where Python's csv would read differently.

    Rows with more or fewer cells than the header are skipped by pyarrow and handed back with
    their row number (pyarrow counts rows as frictionless does when it parses serially); they
    are read again with Python's csv module and put back in their place.
    """
    if dialect.escapechar or dialect.skipinitialspace or width == 0:
        raise Irregular("dialect")
    skipped: list[tuple[int, str]] = []

    def on_invalid(row: Any) -> str:
        if row.number is None:
            return "error"
        skipped.append((row.number, row.text))
        return "skip"

    names = [f"c{i}" for i in range(width)]
    read = pacsv.ReadOptions(
        column_names=names,
        encoding="utf8" if encoding in ("utf-8", "utf-8-sig", "ascii") else encoding,
        block_size=1 << 20,  # larger blocks raise the peak memory, not the speed
        use_threads=False,
    )
    parse = pacsv.ParseOptions(
        delimiter=dialect.delimiter,
        quote_char=dialect.quotechar,
        double_quote=dialect.doublequote,
        escape_char=False,
        newlines_in_values=True,
        ignore_empty_lines=False,
        invalid_row_handler=on_invalid,
    )
    convert = pacsv.ConvertOptions(
        column_types={name: pa.string() for name in names},
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
        check_utf8=False,
    )
    try:
        reader = pacsv.open_csv(open(path, "rb"), read_options=read, parse_options=parse,
                                convert_options=convert)
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        raise Irregular(str(exc)) from exc
    cursor = 1  # the row number of the next row; the header is row 1
    while True:
        try:
            record = reader.read_next_batch()
        except StopIteration:
            break
        except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
            # Python's csv module, which frictionless uses, gives the definitive reading.
            raise Irregular(str(exc)) from exc
        # pyarrow parses ahead: the skipped rows reported so far may belong to later batches.
        # This batch covers the rows from `cursor` on until it has all its good rows.
        end = cursor + record.num_rows - 1
        mine: list[tuple[int, str]] = []
        skipped.sort(key=lambda item: item[0])
        while skipped and skipped[0][0] <= end:
            mine.append(skipped.pop(0))
            end += 1
        total = record.num_rows + len(mine)
        numbers = np.arange(cursor, cursor + total, dtype=np.int64)
        if mine:
            bad = np.array([number for number, _ in mine], dtype=np.int64)
            if bad.min() < cursor or len(set(bad.tolist())) != len(bad):
                raise Irregular("skipped rows out of place")
            good_numbers = numbers[~np.isin(numbers, bad)]
            batch = _merge(record, good_numbers, mine, dialect, width)
        else:
            batch = Batch([column for column in record.columns], numbers)
        cursor += total
        if not dialect.doublequote and any(
            pc.any(pc.match_substring(column, dialect.quotechar)).as_py() for column in batch.columns
        ):
            # The sniffed dialect has no doubled quotes; how a quote inside a cell is read then
            # differs between pyarrow and Python's csv module.
            raise Irregular("quote inside a cell")
        if batch.row_numbers.size and batch.row_numbers[0] == 1:
            batch = _drop_first(batch)
        if len(batch):
            yield batch
    if skipped:  # rows after the last good row
        skipped.sort(key=lambda item: item[0])
        rows = [_parse_row(text, dialect) for _, text in skipped]
        padded = [(row + [None] * width)[:width] for row in rows]
        yield Batch([pa.array([row[i] for row in padded], pa.string()) for i in range(width)],
                    np.array([number for number, _ in skipped], dtype=np.int64),
                    dict(enumerate(rows)))


def _parse_row(text: str, dialect: CsvDialect) -> list[str]:
    rows = list(csv.reader(io.StringIO(text, newline=""), **dialect.python()))
    return rows[0] if rows else []


def _merge(record: pa.RecordBatch, good_numbers: np.ndarray, skipped: list[tuple[int, str]],
           dialect: CsvDialect, width: int) -> Batch:
    raw_rows = [_parse_row(text, dialect) for _, text in skipped]
    raw_numbers = np.array([number for number, _ in skipped], dtype=np.int64)
    padded = [(row + [None] * width)[:width] for row in raw_rows]
    columns = []
    numbers = np.concatenate([good_numbers, raw_numbers])
    order = np.argsort(numbers, kind="stable")
    indices = pa.array(order)
    for position in range(width):
        extra = pa.array([row[position] for row in padded], pa.string())
        combined = pa.concat_arrays([record.column(position), extra])
        columns.append(combined.take(indices))
    numbers = numbers[order]
    places = np.searchsorted(numbers, raw_numbers).tolist()
    raw = {int(place): row for place, row in zip(places, raw_rows)}
    return Batch(columns, numbers, raw)


def _drop_first(batch: Batch) -> Batch:
    raw = {index - 1: row for index, row in batch.raw.items() if index > 0}
    return Batch([column.slice(1) for column in batch.columns], batch.row_numbers[1:], raw)


def python_batches(path: str, encoding: str, dialect: CsvDialect, width: int,
                   max_field: int) -> Iterator[Batch]:
    """Batches read by Python's csv module, row for row as frictionless reads them."""
    csv.field_size_limit(max_field)
    with _text_stream(path, encoding) as stream:
        reader = csv.reader(stream, **dialect.python())
        try:
            next(reader)
        except StopIteration:
            return
        row_number = 1
        while True:
            rows: list[list[str]] = []
            try:
                for row in reader:
                    rows.append(row)
                    if len(rows) >= BATCH_ROWS:
                        break
            except csv.Error as exc:
                raise SourceError("source-error", f"row {row_number + len(rows) + 1}: {exc}",
                                  f"แถวที่ {row_number + len(rows) + 1}: {exc}") from exc
            except UnicodeDecodeError as exc:
                raise SourceError("encoding-error", f"the file is not valid {encoding}: {exc}",
                                  f"ไฟล์ไม่ได้เข้ารหัสแบบ {encoding}: {exc}") from exc
            if not rows:
                return
            yield rows_to_batch(rows, width, row_number + 1)
            row_number += len(rows)


def rows_to_batch(rows: list[list[Any]], width: int, first_row: int,
                  typed: bool = False) -> Batch:
    raw: dict[int, list[Any]] = {}
    padded: list[list[Any]] = []
    for index, row in enumerate(rows):
        if len(row) != width:
            raw[index] = row
            row = (row + [None] * width)[:width]
        padded.append(row)
    columns: list[Any] = []
    force: set[int] = set()
    for position, values in enumerate(zip(*padded) if padded else [[] for _ in range(width)]):
        values = list(values)
        if typed:
            column, foreign = _typed_array(values)
            columns.append(column)
            for index in foreign:
                force.add(index)  # frictionless reads these rows
        else:
            columns.append(pa.array(values, pa.string()))
    if not padded:
        columns = [pa.array([], pa.string()) for _ in range(width)]
    return Batch(columns, np.arange(first_row, first_row + len(rows), dtype=np.int64), raw,
                 pyrows=rows if typed else None, force=force)


def _typed_array(values: list[Any]) -> tuple[Any, list[int]]:
    """An Arrow array of a spreadsheet column, and the rows of cells left out of it.

    A column of numbers with a few text cells becomes a numeric array with those cells null;
    their rows are read by frictionless. A column with no dominant kind stays Python objects.
    """
    try:
        return pa.array(values), []
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        pass
    import collections

    # calamine gives cells of exact types (bool, int, float, str, date, datetime, time,
    # timedelta): counting types runs in C, and a kind per type replaces isinstance per cell.
    types = collections.Counter(map(type, values))
    types.pop(type(None), None)
    kinds: collections.Counter[str] = collections.Counter()
    for kind_type, count in types.items():
        kinds[_kind(kind_type)] += count
    top, count = kinds.most_common(1)[0]
    if count < 0.9 * sum(kinds.values()):
        return _Mixed(values), []
    same = {kind_type for kind_type in types if _kind(kind_type) == top} | {type(None)}
    foreign = [i for i, v in enumerate(values) if type(v) not in same]
    clean = list(values)
    for index in foreign:
        clean[index] = None
    try:
        return pa.array(clean), foreign
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        return _Mixed(values), []


def _kind(value_type: type) -> str:
    import datetime as dt

    if issubclass(value_type, bool):
        return "bool"
    if issubclass(value_type, (int, float)):
        return "number"
    if issubclass(value_type, dt.datetime):
        return "datetime"
    if issubclass(value_type, dt.date):
        return "date"
    return value_type.__name__


class _Mixed:
    """A column of mixed Python values (XLSX): no fast test accepts its present cells."""

    def __init__(self, values: list[Any]) -> None:
        self.values = values

    def __len__(self) -> int:
        return len(self.values)


# XLSX -------------------------------------------------------------------------------------


def check_xlsx_archive(path: str, max_bytes: int, max_ratio: int = 200) -> None:
    """Refuse zip bombs before any XML is inflated."""
    try:
        with zipfile.ZipFile(path) as archive:
            total = 0
            for info in archive.infolist():
                total += info.file_size
                if info.file_size > 1 << 20 and info.compress_size and (
                    info.file_size / info.compress_size > max_ratio
                ):
                    raise SourceError(
                        "source-error",
                        f"XLSX part {info.filename} inflates {info.file_size // info.compress_size}"
                        f" times (limit {max_ratio}): refused as a possible zip bomb",
                        f"ส่วน {info.filename} ของไฟล์ XLSX ขยายได้ {info.file_size // info.compress_size}"
                        f" เท่า (จำกัด {max_ratio}) จึงไม่อ่าน เพราะอาจเป็น zip bomb",
                    )
            if total > max_bytes:
                raise SourceError(
                    "source-error",
                    f"XLSX archive inflates to {total:,} bytes (limit {max_bytes:,})",
                    f"ไฟล์ XLSX ขยายได้ {total:,} ไบต์ (จำกัด {max_bytes:,})",
                )
    except zipfile.BadZipFile as exc:
        raise SourceError("format-error", f"not an XLSX (zip) file: {exc}",
                          f"ไม่ใช่ไฟล์ XLSX (zip): {exc}") from exc


_DATE, _DATETIME = dt.date, dt.datetime


def xlsx_cell(value: Any) -> Any:
    """A calamine cell as openpyxl (frictionless's reader) gives it."""
    kind = type(value)
    if kind is str:
        return value or None
    if kind is float:
        return int(value) if value.is_integer() else value
    if kind is _DATE:
        return _DATETIME(value.year, value.month, value.day)
    return value


def xlsx_rows(path: str, sheet: int | str = 0
              ) -> tuple[list[Any], Iterator[list[Any]], Any, SheetXml]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(path)
        sheet_obj = (workbook.get_sheet_by_name(sheet) if isinstance(sheet, str)
                     else workbook.get_sheet_by_index(sheet))
        rows = sheet_obj.iter_rows()
    except Exception as exc:  # noqa: BLE001 - calamine raises its own error types
        raise SourceError("format-error", f"cannot read the workbook: {exc}",
                          f"อ่านไฟล์ตารางคำนวณไม่ได้: {exc}") from exc
    # calamine starts at the first used cell; openpyxl (frictionless) starts at A1.
    start = getattr(sheet_obj, "start", None) or (0, 0)
    lead_rows, lead_cols = start

    xml = scan_sheet_xml(path, sheet_obj.name)
    width = xml.declared_columns

    def cells() -> Iterator[list[Any]]:
        # openpyxl in read-only mode (frictionless's reader) gives every row the width of the
        # sheet's <dimension>; without one, it ends a row at its last stored cell. calamine pads
        # rows to the width of the cells it read.
        for _ in range(lead_rows):
            yield [None] * width
        pad = [None] * lead_cols
        for row in rows:
            # '' is calamine's empty cell; other conversions (floats that are whole numbers to
            # int, dates to datetimes) are made by xlsx_cell only for rows frictionless reads.
            values = pad + ([None if value == "" else value for value in row] if "" in row else row)
            if width:
                if len(values) != width:
                    values = (values + [None] * width)[:width]
            else:
                while values and values[-1] is None:
                    values.pop()
            yield values

    stream = cells()
    if xml.declared_rows:
        stream = _pad_rows(stream, xml.declared_rows, width)
    header = next(stream, None)
    return header, stream, sheet_obj, xml


def _pad_rows(rows: Iterator[list[Any]], declared: int, width: int) -> Iterator[list[Any]]:
    """openpyxl yields empty rows up to the sheet's declared dimension; calamine stops at the
    last row with a value. Empty rows at the end are blank rows for frictionless."""
    count = 0
    for row in rows:
        count += 1
        yield row
    for _ in range(max(0, declared - count)):
        yield [None] * width


def _sheet_member(archive: zipfile.ZipFile, sheet_name: str) -> str | None:
    """The archive member holding a sheet's XML (workbook.xml and its relationships)."""
    import re

    book = archive.read("xl/workbook.xml").decode("utf-8", "replace")
    rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    rid = None
    for tag in re.findall(r"<(?:\w+:)?sheet\b[^>]*>", book):
        name = re.search(r'\bname="([^"]*)"', tag)
        if name and _xml_unescape(name.group(1)) == sheet_name:
            found = re.search(r'\br:id="([^"]*)"|\bid="([^"]*)"', tag)
            rid = found and (found.group(1) or found.group(2))
            break
    target = None
    for tag in re.findall(r"<Relationship\b[^>]*>", rels):
        if rid and re.search(rf'\bId="{re.escape(rid)}"', tag):
            found = re.search(r'\bTarget="([^"]*)"', tag)
            target = found and found.group(1)
    if not target:
        return None
    return target.lstrip("/") if target.startswith("/") else "xl/" + target


_FORMULA_CELL = None


@dataclass
class SheetXml:
    """What calamine does not tell about a sheet, read from its XML in one streamed pass."""

    declared_rows: int = 0  # <dimension ref="A1:L100001"/>, else the last <row r="N">
    declared_columns: int = 0  # from <dimension> only (12 for A1:L100001)
    formulas: dict[int, list[tuple[int, str]]] = field(default_factory=dict)  # row -> cells
    formula_count: int = 0


def scan_sheet_xml(path: str, sheet_name: str, limit: int = 10_000) -> SheetXml:
    """The sheet's declared size and its formula cells (calamine gives their computed values).

    Formulas are {row number: [(column index from 0, "=formula")]} for the first ``limit``
    formula cells; a cell of a shared formula other than its first has no text of its own ("").
    The XML is inflated in 1 MB pieces cut after whole rows; a piece without "<f" costs a find.
    """
    import re

    global _FORMULA_CELL
    if _FORMULA_CELL is None:
        _FORMULA_CELL = re.compile(
            rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]+)([0-9]+)"[^>]*(?<!/)>(?:(?!</?(?:\w+:)?c\b).)*?'
            rb'<(?:\w+:)?f\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?f>)', re.S)
    out = SheetXml()
    try:
        with zipfile.ZipFile(path) as archive:
            member = _sheet_member(archive, sheet_name)
            if not member:
                return out
            with archive.open(member) as handle:
                carry = b""  # the bytes after the last whole row read so far
                tail = b""  # the end of the sheet, for its last <row r="N">
                first = True
                while True:
                    chunk = handle.read(1 << 20)
                    if first:
                        first = False
                        match = re.search(rb'<(?:\w+:)?dimension\s+ref="[A-Z]+[0-9]+:([A-Z]+)([0-9]+)"',
                                          chunk[:4096])
                        if match:
                            out.declared_rows = int(match.group(2))
                            out.declared_columns = _column_number(match.group(1))
                    if not chunk:
                        if b"<f" in carry or b":f" in carry:
                            _formulas(carry, out, limit)
                        break
                    tail = (tail[-8192:] + chunk[-8192:])[-8192:]
                    edge = carry[-3:] + chunk[:3]
                    if b"<f" in chunk or b":f" in chunk or b"<f" in edge or b":f" in edge:
                        # Whole rows only; the rest waits for the next piece.
                        text = carry + chunk
                        cut = text.rfind(b"row>")
                        cut = cut + len(b"row>") if cut >= 0 else 0
                        _formulas(text[:cut], out, limit)
                        carry = text[cut:]
                    else:  # most pieces: no formula, nothing copied but the last row's start
                        cut = chunk.rfind(b"row>")
                        carry = chunk[cut + len(b"row>"):] if cut >= 0 else carry + chunk
                if not out.declared_rows:
                    # No dimension (openpyxl's write-only files): the last <row r="N"> counts.
                    rows = re.findall(rb'<(?:\w+:)?row\b[^>]*\br="([0-9]+)"', tail)
                    out.declared_rows = int(rows[-1]) if rows else 0
    except (KeyError, OSError, zipfile.BadZipFile, ValueError, EOFError):
        return out
    return out


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _formulas(piece: bytes, out: SheetXml, limit: int) -> None:
    for match in _FORMULA_CELL.finditer(piece):
        out.formula_count += 1
        if out.formula_count > limit:
            continue
        column = _column_number(match.group(1))
        formula = _xml_unescape((match.group(3) or b"").decode("utf-8", "replace"))
        out.formulas.setdefault(int(match.group(2)), []).append(
            (column - 1, "=" + formula if formula else ""))


def _xml_unescape(text: str) -> str:
    import html

    return html.unescape(text)


def prefetch(batches: Iterator[Batch], depth: int = 2) -> Iterator[Batch]:
    """Read the next batches in a thread while the current one is checked (pyarrow parses
    without the GIL, so reading and checking share the cores)."""
    import queue
    import threading

    box: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for batch in batches:
                while not stop.is_set():
                    try:
                        box.put(("batch", batch), timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            box.put(("end", None))
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer
            box.put(("error", exc))

    thread = threading.Thread(target=produce, name="thgov-csv-reader", daemon=True)
    thread.start()
    try:
        while True:
            kind, value = box.get()
            if kind == "batch":
                yield value
            elif kind == "error":
                raise value
            else:
                return
    finally:
        stop.set()
        while thread.is_alive():
            try:
                box.get_nowait()
            except queue.Empty:
                thread.join(0.05)


def coalesce(batches: Iterator[Batch], min_rows: int = 32768) -> Iterator[Batch]:
    """Join consecutive small batches, so per-batch work is paid per 32k rows."""
    pending: list[Batch] = []
    size = 0
    for batch in batches:
        pending.append(batch)
        size += len(batch)
        if size >= min_rows:
            yield _join(pending)
            pending, size = [], 0
    if pending:
        yield _join(pending)


def _join(batches: list[Batch]) -> Batch:
    if len(batches) == 1:
        return batches[0]
    width = len(batches[0].columns)
    columns = [pa.concat_arrays([b.columns[i] for b in batches]) for i in range(width)]
    raw: dict[int, list[Any]] = {}
    offset = 0
    for b in batches:
        for index, row in b.raw.items():
            raw[offset + index] = row
        offset += len(b)
    return Batch(columns, np.concatenate([b.row_numbers for b in batches]), raw)
