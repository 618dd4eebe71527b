"""Thai checks on the cells of a table, column-wise per batch.

Each finding is an error with a stable type (``messages.THAI_TYPES``) and Thai and English text:
national ID numbers (13 digits, mod-11 check digit), mobile phone numbers and e-mail addresses
(personal data), Buddhist/Common Era years (implausible years, eras mixed in a column), Thai
digits in numbers, unknown provinces, cells a spreadsheet would run as formulas, and multi-row or
merged headers.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .messages import PERSONAL_TYPES, thai_error

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
_TO_ARABIC = str.maketrans(THAI_DIGITS, "0123456789")
MAX_PER_COLUMN = 1000  # findings kept per column and type (counts go on)

ID_CANDIDATE = r"^\s*[0-9](?:[-\s]?[0-9]){12}\s*$"
PHONE_CANDIDATE = r"^\s*(?:\+66|0)[\s-]?[689](?:[\s-]?[0-9]){8}\s*$"
EMAIL = r"^\s*[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\s*$"
FORMULA = r"^[=@]|^[+-].*[A-Za-z(!|:=]"
# One pass that finds every cell any text check could hit (digits, signs, @, Thai digits, eras).
CANDIDATE = r"^\s*(?:[0-9+=@-]|พ\.ศ|ค\.ศ)|@|[๐-๙]"
THAI_NUMBER = r"^\s*[-+]?[0-9๐-๙][0-9๐-๙,]*(?:\.[0-9๐-๙]+)?\s*$"
YEAR_CELL = r"^\s*(?:พ\.ศ\.\s*|ค\.ศ\.\s*)?[0-9๐-๙]{4}\s*$"
DATE_CELL = r"^\s*(?:[0-9]{1,2}[/.-][0-9]{1,2}[/.-][0-9]{4}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2})(?:[ T].*)?$"
# A header that names a year: "ปี", "ปี พ.ศ.", "ปีงบประมาณ", "year"; not "สัตว์ปีก" or "อายุ 1 ปี".
YEAR_HINT = re.compile(r"^\s*(ปี(?!ก)|year|yr\b|fiscal)|พ\.ศ|ค\.ศ|ปีงบ|\byear\b", re.I)
PROVINCE_HINT = re.compile(r"(จังหวัด|province|changwat|prov\b)", re.I)
CODE_HINT = re.compile(r"(รหัส|code|_id\b|\bid\b|\bno\b)", re.I)
AGGREGATE = re.compile(r"^(รวม|ทั้งหมด|ทั่วราชอาณาจักร|ทั่วประเทศ|ทั้งประเทศ|ภาค|เขต|total|all|whole|kingdom|region|ไม่ระบุ|อื่น|unknown|n/?a|-)", re.I)


@lru_cache(maxsize=1)
def provinces() -> dict[str, Any]:
    text = resources.files("thgov_validators").joinpath("data/provinces.json").read_text("utf-8")
    return json.loads(text)


def _norm_name(value: str) -> str:
    text = re.sub(r"\s+", " ", value.replace("\u00a0", " ")).strip()
    text = re.sub(r"^(จังหวัด|จ\.)\s*", "", text)
    if text.isascii():
        text = re.sub(r"(?i)\bprovince\b|\bchangwat\b", "", text)
        text = re.sub(r"[\s-]+", "", text).lower()
    return text


@lru_cache(maxsize=1)
def province_lookup() -> tuple[frozenset[str], frozenset[str]]:
    names: set[str] = set()
    codes: set[str] = set()
    for item in provinces()["provinces"]:
        codes.add(item["code"])
        for name in [item["name_th"], item["name_en"], *item.get("aliases", [])]:
            names.add(_norm_name(name))
    return frozenset(names), frozenset(codes)


def is_province(value: str) -> bool:
    return _norm_name(value) in province_lookup()[0]


def is_province_code(value: str) -> bool:
    return value.strip().translate(_TO_ARABIC) in province_lookup()[1]


def national_id_valid(value: str) -> bool:
    """13 digits whose last is the mod-11 check digit of the first 12."""
    digits = re.sub(r"[\s-]", "", value).translate(_TO_ARABIC)
    if not re.fullmatch(r"[0-9]{13}", digits):
        return False
    total = sum(int(d) * (13 - i) for i, d in enumerate(digits[:12]))
    return (11 - total % 11) % 10 == int(digits[12])


def this_year_be(today: dt.date | None = None) -> int:
    return (today or dt.date.today()).year + 543


def era_of(year: int, today: dt.date | None = None) -> str | None:
    be_now = this_year_be(today)
    if 2400 <= year <= be_now + 10:
        return "BE"
    if 1800 <= year <= be_now - 543 + 10:
        return "CE"
    return None


def _strings(column: Any) -> pa.Array | None:
    if isinstance(column, pa.Array):
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            return column
        if pa.types.is_integer(column.type):
            return pc.cast(column, pa.string())
        if pa.types.is_floating(column.type):
            return None
    values = getattr(column, "values", None)
    if values is not None:
        return pa.array([v if isinstance(v, str) else (str(v) if isinstance(v, int) else None)
                         for v in values], pa.string())
    return None


def _np_mask(mask: Any) -> np.ndarray:
    return np.asarray(mask.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)


def _hits(arr: pa.Array, pattern: str) -> np.ndarray:
    mask = pc.match_substring_regex(arr, pattern).fill_null(False)
    return np.nonzero(np.asarray(mask.to_numpy(zero_copy_only=False), dtype=bool))[0]


# Byte-level views of a string array: the cheap first pass of every text check. A regex (RE2)
# costs about as much per cell as the rest of the validation; numpy on the array's offsets and
# bytes picks the few cells a regex could match, and the regex decides on those only.
_DIGIT_OR_SIGN = np.zeros(256, dtype=bool)
_DIGIT_OR_SIGN[[*range(0x30, 0x3A), *b"+=@-"]] = True
_SPACE = np.zeros(256, dtype=bool)
_SPACE[list(b" \t\n\r\f\v")] = True
_ASCII_DIGIT = np.zeros(256, dtype=bool)
_ASCII_DIGIT[0x30:0x3A] = True


class _Bytes:
    """Offsets, lengths and bytes of a string array (nulls have length 0)."""

    def __init__(self, arr: pa.Array) -> None:
        n = len(arr)
        buffers = arr.buffers()
        width = np.int64 if pa.types.is_large_string(arr.type) else np.int32
        self.offsets = np.frombuffer(buffers[1], dtype=width, count=n + 1, offset=arr.offset
                                     * np.dtype(width).itemsize).astype(np.int64)
        self.data = (np.frombuffer(buffers[2], dtype=np.uint8) if buffers[2] is not None and n
                     else np.zeros(0, dtype=np.uint8))
        self.lengths = np.diff(self.offsets)
        if arr.null_count:
            self.lengths[_np_mask(pc.is_null(arr))] = 0
        self.starts = self.offsets[:-1]

    def byte(self, k: int) -> np.ndarray:
        """The k-th byte of every cell (0 past its end)."""
        has = self.lengths > k
        out = np.zeros(len(self.lengths), dtype=np.uint8)
        out[has] = self.data[self.starts[has] + k]
        return out

    def cells_with(self, found: np.ndarray) -> np.ndarray:
        """Mask of the cells that hold the byte positions ``found``."""
        mask = np.zeros(len(self.lengths), dtype=bool)
        if len(found):
            cells = np.searchsorted(self.offsets, found, side="right") - 1
            mask[cells[(cells >= 0) & (cells < len(mask))]] = True
            mask &= self.lengths > 0
        return mask

    def containing(self, byte: int) -> np.ndarray:
        lo, hi = int(self.offsets[0]), int(self.offsets[-1])
        return self.cells_with(lo + np.flatnonzero(self.data[lo:hi] == byte))

    def thai_digits(self) -> np.ndarray:
        """Cells holding one of ๐-๙ (U+0E50-U+0E59, UTF-8 E0 B9 90-99)."""
        lo, hi = int(self.offsets[0]), int(self.offsets[-1])
        data = self.data[lo:hi]
        if len(data) < 3:
            return np.zeros(len(self.lengths), dtype=bool)
        lead = np.flatnonzero(data[:-2] == 0xE0)
        lead = lead[(data[lead + 1] == 0xB9) & (data[lead + 2] >= 0x90) & (data[lead + 2] <= 0x99)]
        return self.cells_with(lo + lead)

    def starts_with(self, prefix: bytes) -> np.ndarray:
        mask = self.lengths >= len(prefix)
        for k, byte in enumerate(prefix):
            mask &= self.byte(k) == byte
        return mask

    def ascii_digits(self, length: int) -> np.ndarray:
        """Cells of exactly ``length`` ASCII digits."""
        mask = self.lengths == length
        for k in range(length):
            mask &= _ASCII_DIGIT[self.byte(k)]
        return mask

    def number(self, length: int, mask: np.ndarray) -> np.ndarray:
        """The value of the cells of ``mask`` (``length`` ASCII digits each)."""
        starts = self.starts[mask]
        value = np.zeros(len(starts), dtype=np.int64)
        for k in range(length):
            value = value * 10 + (self.data[starts + k].astype(np.int64) - 0x30)
        return value


def _candidates(arr: pa.Array) -> np.ndarray:
    """Indices of the cells matching CANDIDATE, with the regex run only where bytes cannot tell."""
    b = _Bytes(arr)
    first = b.byte(0)
    sure = (_DIGIT_OR_SIGN[first] & (b.lengths > 0)) | b.containing(0x40) | b.thai_digits()
    # Leading white space, or พ/ค that may open พ.ศ./ค.ศ.: the regex decides.
    maybe = (_SPACE[first] & (b.lengths > 0)) | b.starts_with("พ".encode()) | b.starts_with("ค".encode())
    maybe &= ~sure
    idx = np.flatnonzero(maybe)
    if len(idx):
        sure[idx[_hits(arr.take(pa.array(idx)), CANDIDATE)]] = True
    return np.flatnonzero(sure)


class _Column:
    def __init__(self, position: int, name: str, label: str, kind: str) -> None:
        self.position = position
        self.name = name
        self.label = label
        self.kind = kind
        self.year_hint = bool(YEAR_HINT.search(label)) and not CODE_HINT.search(label)
        self.province_names = bool(PROVINCE_HINT.search(label)) and not CODE_HINT.search(label)
        self.province_codes = bool(PROVINCE_HINT.search(label)) and bool(CODE_HINT.search(label))
        self.present = 0
        self.years: dict[str, list[tuple[int, str]]] = {"BE": [], "CE": []}
        self.era_counts = {"BE": 0, "CE": 0}
        self.year_cells = 0
        self.implausible = 0
        self.date_cells = 0
        self.found: dict[str, int] = {}


class ThaiChecks:
    def __init__(self, labels: list[Any], schema: Any, merged: list[Any] | None = None,
                 today: dt.date | None = None,
                 formulas: dict[int, list[tuple[int, str]]] | None = None) -> None:
        self.labels = ["" if label is None else str(label).strip() for label in labels]
        self.fields = list(schema.fields)
        self.merged = merged or []
        self.formulas = formulas or {}  # a spreadsheet's formula cells: row -> [(column, text)]
        self.today = today
        self.personal_counts: dict[str, int] = {}
        self.columns = []
        for position, label in enumerate(self.labels):
            field = self.fields[position] if position < len(self.fields) else None
            self.columns.append(_Column(position, field.name if field else label, label,
                                        field.type if field else "any"))
        self.first_batch = True
        self.be_now = this_year_be(today)
        self.province_cache: dict[str, bool] = {}

    @property
    def personal_data_found(self) -> bool:
        return any(self.personal_counts.values())

    # ------------------------------------------------------------------

    def _error(self, col: _Column, kind: str, row_number: int, cell: str, note: str,
               note_th: str) -> tuple[int, int, dict[str, Any]] | None:
        if kind in PERSONAL_TYPES:
            self.personal_counts[kind] = self.personal_counts.get(kind, 0) + 1
        count = col.found.get(kind, 0) + 1
        col.found[kind] = count
        if count > MAX_PER_COLUMN:
            return None
        error = thai_error(kind, row_number=row_number, field_number=col.position + 1,
                           field_name=col.name, cell=cell, note=note, note_th=note_th)
        return (row_number, 3000 + col.position, error)

    def personal_only(self, batch: Any) -> None:
        """After the error limit: keep counting personal data (the publication gate needs it)."""
        for col in self.columns:
            arr = _strings(batch.columns[col.position]) if col.position < len(batch.columns) else None
            if arr is None:
                continue
            cand = _candidates(arr)
            if not len(cand):
                continue
            arr = arr.take(pa.array(cand)) if len(cand) < len(arr) else arr
            for kind, pattern in (("thai-national-id", ID_CANDIDATE),
                                  ("thai-phone-number", PHONE_CANDIDATE), ("email-address", EMAIL)):
                idx = _hits(arr, pattern)
                if not len(idx):
                    continue
                values = arr.take(pa.array(idx)).to_pylist()
                n = sum(1 for v in values if self._personal(kind, v))
                if n:
                    self.personal_counts[kind] = self.personal_counts.get(kind, 0) + n

    @staticmethod
    def _personal(kind: str, value: str) -> bool:
        if kind == "thai-national-id":
            return national_id_valid(value)
        if kind == "email-address":
            return not value.strip().lower().endswith(".go.th")
        return True

    def batch(self, batch: Any, missing_masks: list[np.ndarray],
              ok_masks: list[np.ndarray] | None = None) -> list[tuple[int, int, dict[str, Any]]]:
        """Findings in one batch. ``ok_masks`` marks cells that passed the fast type tests of a
        typed column (integer, number, date, boolean): those are plain ASCII numbers or ISO dates,
        so only the checks that such a cell can fail run on them, vectorised."""
        found: list[Any] = []
        if self.first_batch:
            self.first_batch = False
            found.extend(self._header(batch))
        rows = batch.row_numbers
        if self.formulas and len(rows):
            found.extend(self._formula_cells(int(rows[0]), int(rows[-1])))
        for col in self.columns:
            if col.position >= len(batch.columns):
                continue
            column = batch.columns[col.position]
            arr = _strings(column)
            if arr is None:
                continue
            missing = missing_masks[col.position] if col.position < len(missing_masks) else None
            if missing is not None:
                col.present += int((~missing).sum())
            ok = ok_masks[col.position] if ok_masks is not None and col.position < len(ok_masks) else None
            typed = col.kind in ("integer", "number", "date", "boolean") and ok is not None
            if typed:
                plain = ok & ~missing if missing is not None else ok
                found.extend(self._typed(col, arr, rows, plain))
                found.extend(self._provinces(col, arr, rows))
                rest = np.nonzero(~plain)[0]
            else:
                rest = None
            if rest is not None:
                if not len(rest):
                    continue
                sub = arr.take(pa.array(rest))
                found.extend(self._cells(col, sub, rows[rest]))
            else:
                found.extend(self._cells(col, arr, rows))
        return found

    def _formula_cells(self, first: int, last: int) -> list[Any]:
        """Formula cells of a spreadsheet in rows first..last: they run again when it is opened."""
        out = []
        for row_number in sorted(r for r in self.formulas if first <= r <= last):
            for position, formula in self.formulas.pop(row_number):
                if position >= len(self.columns):
                    continue
                shown = formula or "(shared formula)"
                item = self._error(self.columns[position], "formula-injection", row_number, formula,
                                   f"a formula cell {shown}: the file holds its last computed value,"
                                   " and the formula runs when the file is opened",
                                   f"เป็นเซลล์สูตร {shown} ไฟล์เก็บผลที่คำนวณไว้ล่าสุด และสูตรจะทำงานเมื่อเปิดไฟล์")
                if item:
                    out.append(item)
        return out

    def _typed(self, col: _Column, arr: pa.Array, rows: np.ndarray, plain: np.ndarray) -> list[Any]:
        """Checks on typed cells that passed the fast tests: IDs and phones among integers, years."""
        out: list[Any] = []
        idx = np.nonzero(plain)[0]
        if not len(idx):
            return out
        sub = arr.take(pa.array(idx)) if len(idx) < len(arr) else arr
        if col.kind == "integer":
            lengths = np.asarray(pc.binary_length(sub).to_numpy(zero_copy_only=False))
            cand = np.nonzero((lengths == 13) | (lengths == 10))[0]
            if len(cand):
                values = sub.take(pa.array(cand)).to_pylist()
                for k, value in zip(cand.tolist(), values):
                    kind = ("thai-national-id" if len(value) == 13 and national_id_valid(value) else
                            "thai-phone-number" if re.fullmatch(PHONE_CANDIDATE, value) else None)
                    if kind:
                        note, note_th = _notes(kind)
                        item = self._error(col, kind, int(rows[idx[k]]), value, note, note_th)
                        if item:
                            out.append(item)
            if col.year_hint:
                lengths = np.asarray(pc.binary_length(sub).to_numpy(zero_copy_only=False))
                four = np.nonzero(lengths == 4)[0]
                if len(four):
                    years = pc.cast(sub.take(pa.array(four)), pa.int64()).to_numpy(zero_copy_only=False)
                    out.extend(self._classify(col, years, rows[idx[four]], sub.take(pa.array(four)), True))
        elif col.kind == "date":
            years = pc.cast(pc.utf8_slice_codeunits(sub, 0, 4), pa.int64()).to_numpy(zero_copy_only=False)
            col.date_cells += len(years)
            out.extend(self._classify(col, years, rows[idx], sub, True))
        return out

    def _classify(self, col: _Column, years: np.ndarray, rows: np.ndarray, cells: pa.Array,
                  flag_implausible: bool) -> list[Any]:
        """Count BE and CE years (vectorised); report implausible years."""
        out: list[Any] = []
        be = (years >= 2400) & (years <= self.be_now + 10)
        ce = (years >= 1800) & (years <= self.be_now - 543 + 10)
        for era, mask in (("BE", be), ("CE", ce)):
            hits = np.nonzero(mask)[0]
            col.era_counts[era] += len(hits)
            room = MAX_PER_COLUMN - len(col.years[era])
            if room > 0 and len(hits):
                take = hits[:room]
                values = cells.take(pa.array(take)).to_pylist()
                col.years[era].extend(zip(rows[take].tolist(), values))
        bad = np.nonzero(~be & ~ce)[0]
        col.implausible += len(bad)
        if flag_implausible and len(bad):
            values = cells.take(pa.array(bad[:MAX_PER_COLUMN])).to_pylist()
            for k, value in zip(bad[:MAX_PER_COLUMN].tolist(), values):
                year = int(years[k])
                item = self._error(
                    col, "thai-year-implausible", int(rows[k]), value,
                    f"year {year} is neither a plausible BE (2400-{self.be_now + 10})"
                    f" nor CE (1800-{self.be_now - 533}) year",
                    f"ปี {year} ไม่อยู่ในช่วง พ.ศ. 2400-{self.be_now + 10}"
                    f" หรือ ค.ศ. 1800-{self.be_now - 533}")
                if item:
                    out.append(item)
        return out

    def _cells(self, col: _Column, arr: pa.Array, rows: np.ndarray) -> list[Any]:
        """All checks on text cells; one cheap regex picks the few cells any check could hit."""
        out: list[Any] = self._provinces(col, arr, rows)
        cand = _candidates(arr)
        if not len(cand):
            return out
        if len(cand) < len(arr):
            arr = arr.take(pa.array(cand))
            rows = rows[cand]
        # Cheap masks pick, for each check, the only cells its regex could match.
        b = _Bytes(arr)
        lengths = b.lengths
        ascii_ = _np_mask(pc.string_is_ascii(arr))
        lead = b.byte(0)
        first = np.isin(lead, np.frombuffer(b"=+@-", dtype=np.uint8)) & (lengths > 0)
        spaced = np.flatnonzero(_SPACE[lead] & (lengths > 0))
        if len(spaced):
            first[spaced] = _np_mask(pc.match_substring_regex(arr.take(pa.array(spaced)), r"^\s*[=+@-]"))
        at = b.containing(0x40)
        scopes = {
            "thai-national-id": (lengths >= 13) & (lengths <= 17) & ascii_,
            "thai-phone-number": (lengths >= 9) & (lengths <= 18) & ascii_,
            "email-address": at,
            "formula-injection": first,
        }
        for kind, pattern in (("thai-national-id", ID_CANDIDATE), ("thai-phone-number", PHONE_CANDIDATE),
                              ("email-address", EMAIL), ("formula-injection", FORMULA)):
            scope = np.nonzero(scopes[kind])[0]
            if not len(scope):
                continue
            sub = arr.take(pa.array(scope))
            idx = scope[_hits(sub, pattern)]
            if not len(idx):
                continue
            values = arr.take(pa.array(idx)).to_pylist()
            for i, value in zip(idx.tolist(), values):
                if not self._personal(kind, value):
                    continue
                if kind == "formula-injection" and re.fullmatch(THAI_NUMBER, value):
                    continue
                note, note_th = _notes(kind)
                item = self._error(col, kind, int(rows[i]), value, note, note_th)
                if item:
                    out.append(item)
        non_ascii = np.nonzero(~ascii_)[0]
        idx = non_ascii[_hits(arr.take(pa.array(non_ascii)), "[๐-๙]")] if len(non_ascii) else non_ascii
        if len(idx):
            values = arr.take(pa.array(idx)).to_pylist()
            for i, value in zip(idx.tolist(), values):
                if re.fullmatch(THAI_NUMBER, value) and not (col.year_hint and re.fullmatch(YEAR_CELL, value)):
                    item = self._error(col, "thai-digits", int(rows[i]), value,
                                       f"read as {value.translate(_TO_ARABIC)}",
                                       f"ควรเขียนเป็น {value.translate(_TO_ARABIC)}")
                    if item:
                        out.append(item)
        yearish = np.nonzero((lengths >= 4) & (lengths <= 40))[0]
        if len(yearish):
            sub = arr.take(pa.array(yearish)) if len(yearish) < len(arr) else arr
            out.extend(self._years(col, sub, rows[yearish]))
        return out

    def _years(self, col: _Column, arr: pa.Array, rows: np.ndarray) -> list[Any]:
        out = []
        b = _Bytes(arr)
        # Cells of four ASCII digits (most years, and codes) are years without a regex; they
        # are never dates. The regexes read the others.
        plain = b.ascii_digits(4)
        plain_years = b.number(4, plain)
        others = np.flatnonzero(~plain)
        rest = arr.take(pa.array(others)) if len(others) < len(arr) else arr
        for pattern, is_date in ((YEAR_CELL, False), (DATE_CELL, True)):
            idx = others[_hits(rest, pattern)] if len(others) else others
            years = self._years_of(arr, idx)
            if not is_date and plain.any():
                idx = np.concatenate([np.flatnonzero(plain), idx])
                years = np.concatenate([plain_years, years])
                order = np.argsort(idx, kind="stable")
                idx, years = idx[order], years[order]
            if not len(idx):
                continue
            if is_date:
                col.date_cells += len(idx)
            else:
                col.year_cells += len(idx)
            sub = arr.take(pa.array(idx)) if len(idx) < len(arr) else arr
            out.extend(self._classify(col, years, rows[idx], sub, col.year_hint or is_date))
        return out

    @staticmethod
    def _years_of(arr: pa.Array, idx: np.ndarray) -> np.ndarray:
        """The first four digits (Thai digits read as Arabic) of the cells ``idx``."""
        if not len(idx):
            return np.zeros(0, dtype=np.int64)
        text = arr.take(pa.array(idx))
        for arabic, thai in enumerate(THAI_DIGITS):  # pyarrow has no utf8_translate
            text = pc.replace_substring(text, thai, str(arabic))
        digits = pc.extract_regex(text, r"(?P<y>[0-9]{4})")
        years = pc.cast(pc.struct_field(digits, [0]), pa.int64())
        return years.fill_null(0).to_numpy(zero_copy_only=False)

    def _provinces(self, col: _Column, arr: pa.Array, rows: np.ndarray) -> list[Any]:
        if not (col.province_names or col.province_codes):
            return []
        out = []
        distinct = pc.unique(arr).to_pylist()
        bad = []
        for value in distinct:
            if value is None or not value.strip():
                continue
            known = self.province_cache.get(value)
            if known is None:
                text = value.strip()
                if col.province_codes:
                    known = is_province_code(text) or not re.fullmatch(r"[0-9๐-๙]{1,2}", text)
                else:
                    known = is_province(text) or bool(AGGREGATE.match(text)) or is_province_code(text)
                self.province_cache[value] = known
            if not known:
                bad.append(value)
        if not bad:
            return out
        idx = np.nonzero(np.asarray(pc.is_in(arr, value_set=pa.array(bad, pa.string()))
                                    .fill_null(False).to_numpy(zero_copy_only=False), dtype=bool))[0]
        values = arr.take(pa.array(idx)).to_pylist()
        for i, value in zip(idx.tolist(), values):
            item = self._error(col, "thai-province-unknown", int(rows[i]), value,
                               "not one of the 77 provinces", "ไม่ใช่ชื่อหรือรหัสของ 77 จังหวัด")
            if item:
                out.append(item)
        return out

    def _header(self, batch: Any) -> list[Any]:
        """One finding when the header spans more than one row or has merged cells."""
        labels = self.labels
        reasons = []
        for merged in self.merged:
            try:
                (r0, c0), (r1, c1) = merged
            except (TypeError, ValueError):
                continue
            if r0 <= 1:
                reasons.append((c0 + 1, f"merged cells rows {r0 + 1}-{r1 + 1}, columns {c0 + 1}-{c1 + 1}",
                                f"เซลล์ผสาน แถว {r0 + 1}-{r1 + 1} คอลัมน์ {c0 + 1}-{c1 + 1}"))
                break
        if not reasons and len(batch):
            second = []
            for column in batch.columns:
                value = column[0].as_py() if isinstance(column, pa.Array) else column.values[0]
                second.append(value)
            texts = [isinstance(v, str) and v.strip() != "" and not re.fullmatch(THAI_NUMBER, v)
                     for v in second]
            numbers = [isinstance(v, (int, float)) or (isinstance(v, str) and bool(re.fullmatch(THAI_NUMBER, v)))
                       for v in second]
            blanks = [i for i, label in enumerate(labels) if not label]
            repeated = [i for i in range(1, len(labels)) if labels[i] and labels[i] == labels[i - 1]]
            fills = [i for i in blanks + repeated if i < len(texts) and texts[i]]
            if fills and not any(numbers) and sum(texts) >= max(2, len(labels) // 3):
                position = fills[0] + 1
                reasons.append((position, "row 2 continues the header (its cells name the blank or "
                                "repeated columns of row 1)",
                                "แถวที่ 2 เป็นส่วนต่อของหัวตาราง (ระบุชื่อคอลัมน์ที่ว่างหรือซ้ำในแถวแรก)"))
        if not reasons:
            return []
        position, note, note_th = reasons[0]
        col = self.columns[min(position, len(self.columns)) - 1] if self.columns else _Column(0, "", "", "any")
        item = self._error(col, "thai-multirow-header", 2, labels[col.position] if labels else "",
                           note, note_th)
        return [item] if item else []

    def finish(self) -> list[Any]:
        """Column-level findings: years of the minority era in a column that mixes BE and CE."""
        out = []
        for col in self.columns:
            be, ce = col.era_counts["BE"], col.era_counts["CE"]
            if not be or not ce:
                continue
            yearish = (col.year_hint or col.date_cells >= 0.8 * max(col.present, 1) or (
                col.year_cells >= 0.8 * max(col.present, 1) and col.implausible <= 0.02 * col.year_cells))
            if not yearish:
                continue
            minority = "CE" if be >= ce else "BE"
            major = "BE" if minority == "CE" else "CE"
            for row_number, value in col.years[minority]:
                item = self._error(
                    col, "thai-year-era-mix", row_number, value,
                    f"the column is mostly {major} ({max(be, ce)} cells) but this year is {minority}",
                    f"คอลัมน์นี้ส่วนใหญ่เป็น {'พ.ศ.' if major == 'BE' else 'ค.ศ.'} ({max(be, ce)} เซลล์)"
                    f" แต่ปีนี้เป็น {'พ.ศ.' if minority == 'BE' else 'ค.ศ.'}")
                if item:
                    out.append(item)
        return out


def _notes(kind: str) -> tuple[str, str]:
    return {
        "thai-national-id": ("a valid Thai national ID number (personal data)",
                             "เลขประจำตัวประชาชนที่ถูกต้อง (ข้อมูลส่วนบุคคล)"),
        "thai-phone-number": ("a Thai mobile phone number (personal data)",
                              "หมายเลขโทรศัพท์มือถือ (ข้อมูลส่วนบุคคล)"),
        "email-address": ("an e-mail address (personal data unless an agency's own)",
                          "ที่อยู่อีเมล (ข้อมูลส่วนบุคคล เว้นแต่เป็นอีเมลของหน่วยงาน)"),
        "formula-injection": ("starts with = + - or @; prefix it with ' or remove it",
                              "ขึ้นต้นด้วย = + - หรือ @ ควรใส่ ' นำหน้าหรือแก้ไข"),
    }[kind]
