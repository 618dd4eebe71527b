"""Shared fixtures. CKAN's own pytest plugin (registered by the ckan wheel) reads --ckan-ini."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO_ROOT / "artifacts"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture
def clean_db(reset_db, migrate_db_for):
    """CKAN's clean_db rebuilds core tables only; the activity plugin needs its migrations too."""
    reset_db()
    migrate_db_for("activity")
