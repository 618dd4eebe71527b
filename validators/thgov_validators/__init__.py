"""CKAN-free data checks and publication rules of ckanext-thgov.

This package must never import ``ckan``: it is usable on an agency's own machine and in
tests without a portal. The CKAN adapter in ``ckanext.thgov`` calls into it.

``thgov_validators.validate(source, schema=None, **options)`` validates a CSV/TSV/XLSX file
(see ``thgov_validators.validation``); it is imported on first use, so importing the package for
its metadata rules does not load pyarrow or frictionless.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"


def validate(source: Any, schema: Any = None, **options: Any) -> dict[str, Any]:
    """Validate a tabular file; a frictionless-5-shaped report (see ``validation.validate``)."""
    from .validation import validate as _validate

    return _validate(source, schema, **options)
