"""Stock frictionless 5, run the way the fast engine reads a file: the reference and fallback."""

from __future__ import annotations

from typing import Any


def frictionless_report(path: str, schema: Any, fmt: str, encoding: str | None,
                        limit_errors: int) -> tuple[list[dict[str, Any]], list[str], list[str]]:
    """(errors, labels, warnings) of ``frictionless validate`` on one file."""
    from frictionless import FrictionlessException, Resource, system

    options: dict[str, Any] = {}
    if schema is not None:
        options["schema"] = schema
    if encoding:
        options["encoding"] = encoding
    if fmt:
        options["format"] = fmt
    try:
        with system.use_context(trusted=True):
            report = Resource(path, **options).validate(limit_errors=limit_errors)
    except FrictionlessException as exc:
        return [exc.error.to_descriptor()], [], []
    descriptor = report.to_descriptor()
    errors = list(descriptor.get("errors", []))
    labels: list[str] = []
    warnings: list[str] = []
    for task in descriptor.get("tasks", []):
        errors.extend(task.get("errors", []))
        labels = task.get("labels", [])
        warnings.extend(task.get("warnings", []))
    return errors, labels, warnings
