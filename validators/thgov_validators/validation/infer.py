"""Table Schema inference for Thai files: Thai headers, BE dates, thousands separators.

frictionless infers ``"18,768"`` as a string and ``25/12/2564`` as a string; agencies' files are
full of both. Here a column is an integer or number when its cells are numbers once thousands
separators (and Thai digits) are read, with ``groupChar: ","`` and the schema stays one
frictionless validates; dates in d/m/yyyy (BE or CE) get a ``format`` and a ``thgov:era``.
"""

from __future__ import annotations

import re
from typing import Any

THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
INT_RE = re.compile(r"^[-+]?[0-9]+$")
GROUPED_INT_RE = re.compile(r"^[-+]?[0-9]{1,3}(,[0-9]{3})+$")
NUMBER_RE = re.compile(r"^[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?$")
GROUPED_NUMBER_RE = re.compile(r"^[-+]?[0-9]{1,3}(,[0-9]{3})*(\.[0-9]+)?$")
ISO_DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
DMY_RE = re.compile(r"^([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})$")
BOOL_VALUES = {"true", "false", "True", "False", "TRUE", "FALSE"}


def field_names(labels: list[Any]) -> list[str]:
    """Names from header labels: stripped, blank ones named field1..., duplicates suffixed."""
    names: list[str] = []
    seen: set[str] = set()
    for position, label in enumerate(labels, start=1):
        name = ("" if label is None else str(label)).strip()
        if not name:
            name = f"field{position}"
        base, n = name, 2
        while name in seen:
            name = f"{base}_{n}"
            n += 1
        seen.add(name)
        names.append(name)
    return names


def _kind(values: list[str]) -> dict[str, Any]:
    present = [v.strip().translate(THAI_DIGITS) for v in values if v is not None and str(v).strip()]
    if not present:
        return {"type": "any"}
    if all(isinstance(v, str) for v in present):
        if all(INT_RE.match(v) for v in present):
            if any(len(v.lstrip("+-")) > 1 and v.lstrip("+-").startswith("0") for v in present):
                return {"type": "string"}  # codes with leading zeros: keep them
            return {"type": "integer"}
        if all(INT_RE.match(v) or GROUPED_INT_RE.match(v) for v in present):
            return {"type": "integer", "groupChar": ",", "bareNumber": True}
        if all(NUMBER_RE.match(v) for v in present):
            return {"type": "number"}
        if all(NUMBER_RE.match(v) or GROUPED_NUMBER_RE.match(v) for v in present):
            return {"type": "number", "groupChar": ","}
        if all(ISO_DATE_RE.match(v) for v in present):
            return {"type": "date"}
        dmy = [DMY_RE.match(v) for v in present]
        if all(dmy):
            days_first = any(int(m.group(1)) > 12 for m in dmy if m)
            months_first = any(int(m.group(2)) > 12 for m in dmy if m)
            if not (days_first and months_first):
                years = [int(m.group(3)) for m in dmy if m]
                era = "BE" if sum(y >= 2400 for y in years) > len(years) / 2 else "CE"
                fmt = "%m/%d/%Y" if months_first else "%d/%m/%Y"
                return {"type": "date", "format": fmt, "thgov:era": era}
        if all(v in BOOL_VALUES for v in present):
            return {"type": "boolean"}
    return {"type": "string"}


def infer_schema(labels: list[Any], rows: list[list[Any]]) -> Any:
    """A frictionless Schema for a table from its header and its first rows."""
    from frictionless import Schema

    names = field_names(labels)
    fields = []
    for position, name in enumerate(names):
        column = [row[position] for row in rows if position < len(row)]
        if all(isinstance(v, str) or v is None for v in column):
            descriptor = _kind([v for v in column if v is not None])
        else:
            present = [v for v in column if v is not None and v != ""]
            if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
                descriptor = {"type": "integer"}
            elif present and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
                descriptor = {"type": "number"}
            else:
                descriptor = {"type": "any"}
        if descriptor.get("type") == "integer" and "groupChar" in descriptor:
            # frictionless integers take no groupChar: a number with one reads "18,768" exactly.
            descriptor = {"type": "number", "groupChar": ","}
        label = "" if position >= len(labels) or labels[position] is None else str(labels[position]).strip()
        descriptor = {"name": name if label else name, **descriptor}
        fields.append(descriptor)
    if len(fields) > 200:
        # frictionless's descriptor machinery takes seconds per thousand fields; these
        # descriptors are ours and valid, so the fields are built directly.
        from frictionless import fields as ffields

        classes = {"integer": ffields.IntegerField, "number": ffields.NumberField,
                   "string": ffields.StringField, "date": ffields.DateField,
                   "boolean": ffields.BooleanField, "any": ffields.AnyField}
        built = []
        for descriptor in fields:
            options = {k: v for k, v in descriptor.items() if k != "type"}
            if set(options) <= {"name"}:
                built.append(classes[descriptor["type"]](**options))
            else:
                return Schema.from_descriptor({"fields": fields})
        return Schema(fields=built)
    return Schema.from_descriptor({"fields": fields})


def widened_for_grouped_numbers(descriptor: dict[str, Any], errors: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The inferred schema with a numeric column made a grouped number when thousands-separated
    numbers failed it: the sample ended before the first "1,378" (the real TIS-620 file's first
    is at row 5,958). Other bad cells stay errors. None when nothing is to be widened."""
    cells: dict[str, list[str]] = {}
    for error in errors:
        if error.get("type") == "type-error":
            cells.setdefault(str(error.get("fieldName")), []).append(str(error.get("cell", "")).strip())
    fields, changed = [], False
    for field in descriptor.get("fields", []):
        found = cells.get(field.get("name", ""))
        if (found and field.get("type") in ("integer", "number") and "groupChar" not in field
                and any("," in cell and GROUPED_NUMBER_RE.match(cell) for cell in found)):
            field = {"name": field["name"], "type": "number", "groupChar": ","}
            changed = True
        fields.append(field)
    return {**descriptor, "fields": fields} if changed else None
