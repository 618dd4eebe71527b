"""The validation engine: frictionless 5's errors, found column-wise in batches.

For every batch of rows the fast tests (``fast.py``) mark the cells that are surely valid. A row
with any other cell, a blank row, or a row with too many or too few cells is read by
frictionless's own ``Row``, so the type and constraint errors, extra and missing cells and blank
rows are frictionless's by construction. Header errors come from frictionless's ``Header``.
Unique and primary-key duplicates are found with 64-bit keys (``keys.py``).
"""

from __future__ import annotations

import os
import pickle
import time
from dataclasses import dataclass, field
from typing import Any, Iterator

import numpy as np
import pyarrow as pa

from . import fast, reader
from .keys import SeenKeys, key_of
from .reader import Batch, SourceError


@dataclass
class ScanResult:
    errors: list[dict[str, Any]] = field(default_factory=list)
    rows: int = 0
    truncated: bool = False
    engine: str = ""
    warnings: list[str] = field(default_factory=list)


class _Stop(Exception):
    pass


class PackedErrors:
    """The errors found so far, each pickled: a dict of a dozen cells takes three times the
    memory of its bytes, and a file can hold as many errors as ``limit_errors`` allows."""

    def __init__(self, errors: list[dict[str, Any]] = ()) -> None:
        self.items: list[bytes] = []
        for error in errors:
            self.append(error)

    def append(self, error: dict[str, Any]) -> None:
        self.items.append(pickle.dumps(error, protocol=pickle.HIGHEST_PROTOCOL))

    def __len__(self) -> int:
        return len(self.items)

    def unpack(self) -> list[dict[str, Any]]:
        return [pickle.loads(item) for item in self.items]


class TableScan:
    """One pass over a table: header checks, then row checks batch by batch."""

    def __init__(self, labels: list[Any], schema: Any, *, limit_errors: int,
                 thai: Any | None = None) -> None:
        from frictionless.helpers import stringify_label
        from frictionless.table.header import Header
        from frictionless.table.row import create_cell_handlers

        self.schema = schema
        self.labels = stringify_label(labels)
        if len(self.labels) > WIDE and len(self.labels) == len(schema.fields):
            # frictionless's Header copies every field and compares every label with every
            # earlier one (minutes at 10,000 columns); the same checks, made directly.
            header_errors = wide_header_errors(self.labels, schema.fields)
            self.expected = list(schema.fields)
            self.handlers = wide_cell_handlers(self.expected)
        else:
            header = Header(self.labels, fields=schema.fields, row_numbers=[1],
                            ignore_case=False, fields_match="exact")
            header_errors = [error.to_descriptor() for error in header.errors]
            self.expected = header.get_expected_fields()
            self.handlers = create_cell_handlers(self.expected)
        self.handler_list = list(self.handlers.values())
        self.width = len(self.handler_list)
        self.limit_errors = limit_errors
        self.thai = thai
        self.errors = PackedErrors(header_errors)
        self.rows = 0
        self.truncated = False
        self.personal_only = False
        names = [f.name for f in self.expected]
        self.unique_positions = [i for i, f in enumerate(self.expected) if f.constraints.get("unique")]
        pk = list(schema.primary_key)
        self.pk_positions = [names.index(name) for name in pk] if pk and set(pk) <= set(names) else []
        self.unique_seen = {i: SeenKeys() for i in self.unique_positions}
        self.pk_seen = SeenKeys()
        self.missing_values = []
        for f in self.expected:
            mv = f.missing_values
            if not f.has_defined("missing_values") and f.schema:
                mv = f.schema.missing_values
            self.missing_values.append(list(mv))
        if self.limit_errors and len(self.errors) >= self.limit_errors:
            self.errors = PackedErrors(header_errors[: self.limit_errors])
            self.truncated = True

    # Per batch ---------------------------------------------------------------------------

    def run(self, batches: Iterator[Batch]) -> None:
        for batch in batches:
            if self.personal_only:
                if self.thai is not None:
                    self.thai.personal_only(batch)
                self.rows += len(batch)
                continue
            try:
                self._batch(batch)
            except _Stop:
                self.personal_only = True
                if self.thai is not None:
                    self.thai.personal_only(batch)
            self.rows += len(batch)
        if not self.personal_only and self.thai is not None:
            self._emit(self.thai.finish(), final=True)

    def _column_masks(self, batch: Batch) -> tuple[list[np.ndarray], list[np.ndarray]]:
        missing_masks, ok_masks = [], []
        n = len(batch)
        for position, handler in enumerate(self.handler_list):
            column = batch.columns[position] if position < len(batch.columns) else None
            field_ = handler.field
            mv = self.missing_values[position]
            if column is None or isinstance(column, reader._Mixed):
                values = column.values if column is not None else [None] * n
                missing = np.fromiter(
                    (v is None or str(v) in mv for v in values), dtype=bool, count=n)
                present = None
            else:
                missing = fast.missing_mask(column, mv)
                present = fast.present_ok(field_, column) if missing is not None else None
            if missing is None:
                missing = np.zeros(n, dtype=bool)
                ok = np.zeros(n, dtype=bool)
            else:
                required = bool(field_.constraints.get("required")) or position in self.pk_positions
                ok = np.where(missing, not required, present if present is not None else False)
            missing_masks.append(missing)
            ok_masks.append(np.asarray(ok, dtype=bool))
        return missing_masks, ok_masks

    def _batch(self, batch: Batch) -> None:
        from frictionless.table.row import Row

        n = len(batch)
        if n == 0:
            return
        missing_masks, ok_masks = self._column_masks(batch)
        if self.width:
            all_ok = np.logical_and.reduce(ok_masks)
            blank = np.logical_and.reduce(missing_masks)
        else:
            all_ok = np.ones(n, dtype=bool)
            blank = np.ones(n, dtype=bool)
        slow = ~all_ok | blank
        for index in batch.force:
            slow[index] = True
        slow_idx = np.nonzero(slow)[0]
        found: list[tuple[int, int, dict[str, Any]]] = []
        # Rows with too many or too few cells whose cells are all valid: frictionless reports
        # just the extra and missing cells, made here without its row machinery.
        for index, cells in batch.raw.items():
            if not slow[index]:
                found.extend(self._ragged(cells, int(batch.row_numbers[index]),
                                          batch.pyrows is not None))
        slow_rows: dict[int, Any] = {}
        if len(slow_idx):
            cells_by_col = self._take(batch, slow_idx)
            for k, index in enumerate(slow_idx.tolist()):
                cells = batch.raw.get(index)
                if cells is None and batch.pyrows is not None:
                    cells = [reader.xlsx_cell(c) for c in batch.pyrows[index]]
                elif cells is not None and batch.pyrows is not None:
                    cells = [reader.xlsx_cell(c) for c in cells]
                if cells is None:
                    cells = [column[k] for column in cells_by_col]
                row_number = int(batch.row_numbers[index])
                row = Row(cells, handlers=self.handlers, row_number=row_number)
                slow_rows[index] = row
                for seq, error in enumerate(row.errors):
                    found.append((row_number, seq, describe(error)))
        if self.unique_positions or self.pk_positions:
            found.extend(self._integrity(batch, slow_rows, missing_masks))
        if self.thai is not None:
            found.extend(self.thai.batch(batch, missing_masks, ok_masks))
        self._emit(found)

    def _ragged(self, cells: list[Any], row_number: int, spreadsheet: bool
                ) -> list[tuple[int, int, dict[str, Any]]]:
        from frictionless import errors as ferrors
        from frictionless.helpers import safe_format

        if spreadsheet:
            cells = [reader.xlsx_cell(c) for c in cells]
        texts = [str(c) if c is not None else "" for c in cells]
        out = []
        width = self.width
        if len(cells) > width:
            for number in range(width + 1, len(cells) + 1):
                out.append(self._cell_error(ferrors.ExtraCellError, texts, row_number,
                                            texts[number - 1], "", number, safe_format))
        else:
            for number in range(len(cells) + 1, width + 1):
                name = self.handler_list[number - 1].field.name
                out.append(self._cell_error(ferrors.MissingCellError, texts, row_number, "",
                                            name, number, safe_format))
        return [(row_number, 100 + k, error) for k, error in enumerate(out)]

    @staticmethod
    def _cell_error(cls: Any, cells: list[str], row_number: int, cell: str, name: str,
                    number: int, safe_format: Any) -> dict[str, Any]:
        out = {"type": cls.type, "title": cls.title, "description": cls.description,
               "message": "", "tags": list(cls.tags), "note": "", "cells": cells,
               "rowNumber": row_number, "cell": cell, "fieldName": name, "fieldNumber": number}
        out["message"] = safe_format(cls.template, out)
        return out

    def _take(self, batch: Batch, idx: np.ndarray) -> list[list[Any]]:
        out = []
        indices = pa.array(idx)
        for position in range(self.width):
            column = batch.columns[position] if position < len(batch.columns) else None
            if column is None:
                out.append([None] * len(idx))
            elif isinstance(column, reader._Mixed):
                out.append([column.values[i] for i in idx.tolist()])
            else:
                out.append(column.take(indices).to_pylist())
        return out

    def _row_cells(self, batch: Batch, index: int) -> list[Any]:
        if batch.pyrows is not None:
            return [reader.xlsx_cell(c) for c in batch.pyrows[index]]
        if index in batch.raw:
            return batch.raw[index]
        return [column[0] for column in self._take(batch, np.array([index]))]

    def _keys(self, batch: Batch, position: int, slow_rows: dict[int, Any],
              missing: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """64-bit keys of the values frictionless reads for one column, and which are present."""
        handler = self.handler_list[position]
        column = batch.columns[position] if position < len(batch.columns) else None
        n = len(batch)
        kind = handler.field.type
        arrow = column is not None and not isinstance(column, reader._Mixed)
        is_str = arrow and (pa.types.is_string(column.type) or pa.types.is_large_string(column.type))
        if arrow and kind == "integer":
            form, keys = fast.int_values(column, is_str)
            keys = keys.copy()
            valid = form & ~missing
        elif is_str and kind == "string":
            keys = np.fromiter(map(hash, column.to_pylist()), dtype=np.int64, count=n)
            valid = ~missing
        else:
            raw = column.values if isinstance(column, reader._Mixed) else (
                column.to_pylist() if column is not None else [None] * n)
            values = [handler.reader(v)[0] for v in raw]
            valid = np.fromiter((v is not None for v in values), dtype=bool, count=n) & ~missing
            keys = np.fromiter((key_of(v) if v is not None else 0 for v in values),
                               dtype=np.int64, count=n)
        name = handler.field.name
        for index, row in slow_rows.items():
            value = row[name]
            valid[index] = value is not None
            if value is not None:
                keys[index] = key_of(value)
        return keys, valid

    def _integrity(self, batch: Batch, slow_rows: dict[int, Any],
                   missing_masks: list[np.ndarray]) -> list[tuple[int, int, dict[str, Any]]]:
        from frictionless import errors as ferrors

        found = []
        cache: dict[int, tuple[np.ndarray, np.ndarray]] = {}

        def keys_of(position: int) -> tuple[np.ndarray, np.ndarray]:
            if position not in cache:
                cache[position] = self._keys(batch, position, slow_rows, missing_masks[position])
            return cache[position]

        def cells_of(index: int) -> list[str]:
            return [str(c) if c is not None else "" for c in self._row_cells(batch, index)]

        for order, position in enumerate(self.unique_positions):
            keys, valid = keys_of(position)
            present = np.nonzero(valid)[0]
            if not len(present):
                continue
            dup = self.unique_seen[position].add_batch(keys[present])
            name = self.handler_list[position].field.name
            for index in present[dup].tolist():
                row_number = int(batch.row_numbers[index])
                cells = cells_of(index)
                error = ferrors.UniqueError(
                    note="the same as in an earlier row", cells=cells, row_number=row_number,
                    cell=cells[position] if position < len(cells) else "",
                    field_name=name, field_number=position + 1)
                found.append((row_number, 1000 + order, error.to_descriptor()))
        if self.pk_positions:
            combined = np.zeros(len(batch), dtype=np.uint64)
            any_present = np.zeros(len(batch), dtype=bool)
            for position in self.pk_positions:
                keys, valid = keys_of(position)
                part = np.where(valid, keys, np.int64(0x5BD1E995)).view(np.uint64)
                if len(self.pk_positions) > 1:
                    combined = combined * np.uint64(0x9E3779B97F4A7C15) + part
                else:
                    combined = part
                any_present |= valid
            present = np.nonzero(any_present)[0]
            flagged = [(int(i), 'cells composing the primary keys are all "None"')
                       for i in np.nonzero(~any_present)[0].tolist()]
            if len(present):
                dup = self.pk_seen.add_batch(combined[present].view(np.int64))
                flagged += [(int(i), "the same as in an earlier row") for i in present[dup].tolist()]
            for index, note in flagged:
                row_number = int(batch.row_numbers[index])
                error = ferrors.PrimaryKeyError(note=note, cells=cells_of(index),
                                                row_number=row_number)
                found.append((row_number, 2000, error.to_descriptor()))
        return found

    def _emit(self, found: list[tuple[int, int, dict[str, Any]]], final: bool = False) -> None:
        found.sort(key=lambda item: (item[0], item[1]))
        for _, _, error in found:
            self.errors.append(error)
            if self.limit_errors and len(self.errors) >= self.limit_errors:
                self.truncated = True
                if not final:
                    raise _Stop()
                return


WIDE = 1000


def wide_header_errors(labels: list[str], fields: list[Any]) -> list[dict[str, Any]]:
    """frictionless's label checks in "exact" mode, for as many labels as fields."""
    from frictionless import errors as ferrors

    out = []
    first: dict[str, list[int]] = {}
    for number, (label, field) in enumerate(zip(labels, fields), start=1):
        common = {"note": "", "labels": labels, "row_numbers": [1], "field_name": field.name,
                  "field_number": number}
        if not label:
            out.append(ferrors.BlankLabelError(label="", **common))
            continue
        earlier = first.setdefault(label, [])
        if earlier:
            common["note"] = 'at position "%s"' % ", ".join(map(str, earlier))
            out.append(ferrors.DuplicateLabelError(label=label, **common))
        elif label != field.name:
            out.append(ferrors.IncorrectLabelError(label=label, **common))
        earlier.append(number)
    return [error.to_descriptor() for error in out]


def wide_cell_handlers(fields: list[Any]) -> dict[str, Any]:
    from frictionless.table.row import _CellHandler

    return {field.name: _CellHandler(field=field, field_number=number,
                                     reader=field.create_cell_reader(),
                                     writer=field.create_cell_writer())
            for number, field in enumerate(fields, start=1)}


_FIELDS = (("cells", "cells"), ("row_number", "rowNumber"), ("cell", "cell"),
           ("field_name", "fieldName"), ("field_number", "fieldNumber"))


def describe(error: Any) -> dict[str, Any]:
    """frictionless's descriptor of a row or cell error, built without its metadata machinery."""
    out = {"type": error.type, "title": error.title, "description": error.description,
           "message": error.message, "tags": list(error.tags), "note": error.note}
    for attr, key in _FIELDS:
        if hasattr(error, attr):
            out[key] = getattr(error, attr)
    return out


def file_size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return -1


def now() -> float:
    return time.perf_counter()
