"""Vectorised "surely valid" tests for the cells of one column.

Each test returns a boolean mask of the cells that frictionless 5 would certainly read without
a type or constraint error. A ``False`` does not mean the cell is wrong: every row with a
``False`` cell is handed to frictionless's own row reader, which decides. So the masks only need
to be sound (never accept what frictionless rejects), not complete.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

INT_RE = r"^-?[0-9]{1,18}$"
NUMBER_RE = r"^-?[0-9]{1,15}(\.[0-9]{1,15})?$"
DATE_RE = r"^[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}$"
BOOL_TRUE = ["true", "True", "TRUE", "1"]
BOOL_FALSE = ["false", "False", "FALSE", "0"]

_FAST_CONSTRAINTS = {
    "any": {"required", "unique"},
    "string": {"required", "unique", "minLength", "maxLength", "pattern", "enum"},
    "integer": {"required", "unique", "minimum", "maximum", "enum"},
    "number": {"required", "unique", "minimum", "maximum"},
    "boolean": {"required", "unique"},
    "date": {"required", "unique", "minimum", "maximum"},
}


def _np(mask: pa.Array | pa.ChunkedArray) -> np.ndarray:
    if isinstance(mask, pa.ChunkedArray):
        mask = mask.combine_chunks()
    return np.asarray(mask.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)


def missing_mask(arr: pa.Array, missing_values: list[str]) -> np.ndarray | None:
    """Cells frictionless reads as missing (``str(cell) in missingValues``; None too).

    ``None`` when that cannot be decided here (non-string cells with unusual missing values).
    """
    if pa.types.is_null(arr.type):
        return np.ones(len(arr), dtype=bool)
    if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type):
        if missing_values:
            mask = pc.is_in(arr, value_set=pa.array(missing_values, pa.string()))
            return _np(pc.or_kleene(mask, pc.is_null(arr)))
        return _np(pc.is_null(arr))
    if any(value not in ("",) for value in missing_values):
        return None
    return _np(pc.is_null(arr))


def _bound(field: Any, name: str) -> Any:
    value = field.constraints.get(name)
    if value is None:
        return None
    return field.create_value_reader()(value)


def present_ok(field: Any, arr: pa.Array) -> np.ndarray | None:
    """Mask of cells (assumed present) that are surely valid; None when no fast test applies."""
    kind = field.type
    allowed = _FAST_CONSTRAINTS.get(kind)
    if allowed is None or getattr(field, "format", "default") not in ("default", None):
        return None
    if set(field.constraints) - allowed:
        return None
    n = len(arr)
    t = arr.type
    is_str = pa.types.is_string(t) or pa.types.is_large_string(t)
    if kind == "any":
        return np.ones(n, dtype=bool)
    if kind == "string":
        return _string_ok(field, arr) if is_str else np.zeros(n, dtype=bool)
    if kind == "integer":
        return _integer_ok(field, arr, is_str)
    if kind == "number":
        return _number_ok(field, arr, is_str)
    if kind == "boolean":
        if field.has_defined("true_values") or field.has_defined("false_values"):
            return None
        if is_str:
            return _np(pc.is_in(arr, value_set=pa.array(BOOL_TRUE + BOOL_FALSE)))
        if pa.types.is_boolean(t):
            return _np(pc.is_valid(arr))
        return np.zeros(n, dtype=bool)
    if kind == "date":
        return _date_ok(field, arr, is_str)
    return None


def _string_ok(field: Any, arr: pa.Array) -> np.ndarray | None:
    ok = np.ones(len(arr), dtype=bool)
    c = field.constraints
    if "minLength" in c or "maxLength" in c:
        lengths = pc.utf8_length(arr).fill_null(0).to_numpy(zero_copy_only=False)
        if "minLength" in c:
            ok &= lengths >= int(c["minLength"])
        if "maxLength" in c:
            ok &= lengths <= int(c["maxLength"])
    if "pattern" in c:
        try:
            ok &= _np(pc.match_substring_regex(arr, f"^(?:{c['pattern']})$"))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return None  # not an RE2 pattern: frictionless decides every cell
    if "enum" in c:
        enum = c["enum"]
        if not all(isinstance(value, str) for value in enum):
            return None
        ok &= _np(pc.is_in(arr, value_set=pa.array(enum, pa.string())))
    return ok


def int_values(arr: pa.Array, is_str: bool) -> tuple[np.ndarray, np.ndarray]:
    """(form mask, int64 values) for the cells of an integer column."""
    n = len(arr)
    if is_str:
        form = _np(pc.match_substring_regex(arr, INT_RE))
        safe = pc.if_else(pa.array(form), arr, pa.scalar("0"))
        return form, pc.cast(safe, pa.int64()).to_numpy(zero_copy_only=False)
    if pa.types.is_integer(arr.type):
        form = _np(pc.is_valid(arr))
        return form, arr.fill_null(0).cast(pa.int64()).to_numpy(zero_copy_only=False)
    if pa.types.is_floating(arr.type):
        values = arr.fill_null(0.5).to_numpy(zero_copy_only=False)
        with np.errstate(invalid="ignore"):
            form = np.isfinite(values) & (np.floor(values) == values) & (np.abs(values) < 2**53)
        return form, np.where(form, values, 0).astype(np.int64)
    return np.zeros(n, dtype=bool), np.zeros(n, dtype=np.int64)


def _integer_ok(field: Any, arr: pa.Array, is_str: bool) -> np.ndarray | None:
    if field.has_defined("bare_number") and not field.bare_number:
        return None
    form, values = int_values(arr, is_str)
    ok = form
    for name, op in (("minimum", np.greater_equal), ("maximum", np.less_equal)):
        bound = _bound(field, name)
        if bound is None:
            continue
        if not isinstance(bound, int) or isinstance(bound, bool):
            return None
        ok = ok & op(values, bound)
    if "enum" in field.constraints:
        reader = field.create_value_reader()
        enum = [reader(value) for value in field.constraints["enum"]]
        if not all(isinstance(value, int) and not isinstance(value, bool) for value in enum):
            return None
        ok = ok & np.isin(values, np.array(enum, dtype=np.int64))
    return ok


def _number_ok(field: Any, arr: pa.Array, is_str: bool) -> np.ndarray | None:
    for name in ("group_char", "decimal_char", "bare_number"):
        if field.has_defined(name):
            return None
    n = len(arr)
    if is_str:
        form = _np(pc.match_substring_regex(arr, NUMBER_RE))
        safe = pc.if_else(pa.array(form), arr, pa.scalar("0"))
        values = pc.cast(safe, pa.float64()).to_numpy(zero_copy_only=False)
    elif pa.types.is_integer(arr.type) or pa.types.is_floating(arr.type):
        values = arr.cast(pa.float64()).fill_null(np.nan).to_numpy(zero_copy_only=False)
        form = np.isfinite(values)
    else:
        return np.zeros(n, dtype=bool)
    ok = form
    for name, sign in (("minimum", 1), ("maximum", -1)):
        bound = _bound(field, name)
        if bound is None:
            continue
        try:
            fbound = float(bound)
        except (TypeError, ValueError):
            return None
        # Cells within a hair of the bound go to frictionless (Decimal against float).
        margin = 1e-9 * max(1.0, abs(fbound))
        with np.errstate(invalid="ignore"):
            ok = ok & (sign * (values - fbound) > margin)
    return ok


def _date_ok(field: Any, arr: pa.Array, is_str: bool) -> np.ndarray | None:
    n = len(arr)
    c = field.constraints
    if not is_str:
        import datetime as dt

        if pa.types.is_timestamp(arr.type) and arr.type.tz is None:
            as_int = pc.cast(arr, pa.int64())
            day = _day(arr.type)
            ok = _np(pc.equal(as_int, pc.multiply(pc.divide(as_int, day), day)))
            for name, op in (("minimum", pc.greater_equal), ("maximum", pc.less_equal)):
                bound = _bound(field, name)
                if bound is not None:
                    ok &= _np(op(arr, pa.scalar(dt.datetime(bound.year, bound.month, bound.day),
                                                 arr.type)))
            return ok
        if pa.types.is_date(arr.type):
            ok = _np(pc.is_valid(arr))
            for name, op in (("minimum", pc.greater_equal), ("maximum", pc.less_equal)):
                bound = _bound(field, name)
                if bound is not None:
                    ok &= _np(op(arr, pa.scalar(bound, arr.type)))
            return ok
        return np.zeros(n, dtype=bool)
    form = pc.match_substring_regex(arr, DATE_RE)
    safe = pc.if_else(form, arr, pa.scalar("2000-01-01"))
    parsed = pc.strptime(safe, format="%Y-%m-%d", unit="s", error_is_null=True)
    # strptime rolls 2021-02-30 over to 2021-03-02: a real date keeps its day.
    day = pc.cast(pc.utf8_slice_codeunits(safe, 8, 10), pa.int64())
    ok = _np(pc.and_kleene(form, pc.equal(pc.day(parsed), day)))
    for name, op in (("minimum", pc.greater_equal), ("maximum", pc.less_equal)):
        bound = _bound(field, name)
        if bound is None:
            continue
        ok &= _np(op(arr, pa.scalar(bound.isoformat())))
    return ok


def _day(t: pa.DataType) -> int:
    return {"s": 86400, "ms": 86400_000, "us": 86400_000_000, "ns": 86400_000_000_000}[t.unit]
