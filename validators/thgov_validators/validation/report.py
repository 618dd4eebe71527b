"""Assemble the report: frictionless 5's shape, a ``thgov`` block, capped in size."""

from __future__ import annotations

import json
import os
from collections import Counter
from typing import Any

from .messages import PERSONAL_TYPES, THAI_TYPES, add_messages

MAX_CELLS = 60
MAX_CELL_CHARS = 300


def _short(value: Any) -> Any:
    if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
        return value[:MAX_CELL_CHARS] + "…"
    return value


def _trim(error: dict[str, Any]) -> dict[str, Any]:
    for key in ("cells", "labels"):
        if key in error and isinstance(error[key], list):
            values = error[key]
            if len(values) > MAX_CELLS:
                values = values[:MAX_CELLS] + [f"… {len(values) - MAX_CELLS} more"]
            error[key] = [_short(v) for v in values]
    for key in ("cell", "label", "message", "note", "messageTh", "noteTh"):
        if key in error:
            error[key] = _short(error[key]) if key in ("cell", "label") else (
                error[key][:2000] if isinstance(error[key], str) else error[key])
    return error


def _size(obj: Any) -> int:
    return len(json.dumps(obj, ensure_ascii=False, default=str).encode("utf-8"))


def build_report(path: str, errors: list[dict[str, Any]], labels: list[str],
                 warnings: list[str], meta: dict[str, Any], seconds: float,
                 max_bytes: int) -> dict[str, Any]:
    errors = [add_messages(_trim(error)) for error in errors]
    counts = Counter(error.get("type", "") for error in errors)
    meta["error_counts"] = dict(sorted(counts.items()))
    meta["standard_valid"] = not any(kind not in THAI_TYPES for kind in counts)
    if any(kind in PERSONAL_TYPES for kind in counts):
        meta["personal_data_found"] = True
    n_fields = len(labels)
    labels = [_short(label) for label in labels[:MAX_CELLS * 20]]
    name = os.path.splitext(os.path.basename(path))[0] or "table"
    task = {
        "name": name,
        "type": "table",
        "valid": not errors,
        "place": path,
        "labels": labels,
        "stats": {"errors": len(errors), "warnings": len(warnings), "seconds": round(seconds, 3),
                  "fields": n_fields, "rows": meta.get("rows", 0)},
        "warnings": list(warnings),
        "errors": errors,
    }
    try:
        task["stats"]["bytes"] = os.path.getsize(path)
    except OSError:
        pass
    report = {
        "valid": not errors,
        "stats": {"tasks": 1, "errors": len(errors), "warnings": len(warnings),
                  "seconds": round(seconds, 3)},
        "warnings": [],
        "errors": [],
        "tasks": [task],
        "thgov": meta,
    }
    if max_bytes and _size(report) > max_bytes:
        # Keep the first errors that fit; the counts above still tell every error found.
        task["errors"] = []
        budget = max_bytes - _size(report) - 1024
        keep = 0
        for error in errors:
            budget -= _size(error) + 2
            if budget < 0:
                break
            keep += 1
        task["errors"] = errors[:keep]
        if len(task["labels"]) > 200 and _size(report) > max_bytes:
            task["labels"] = task["labels"][:200]
        meta["truncated"] = True
        note = f"report capped at {max_bytes:,} bytes: {keep} of {len(errors)} errors kept"
        task["warnings"].append(note)
        task["stats"]["warnings"] = len(task["warnings"])
        report["stats"]["warnings"] = len(task["warnings"])
    return report
