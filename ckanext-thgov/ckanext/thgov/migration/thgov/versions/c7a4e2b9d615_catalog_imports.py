"""Catalogue spreadsheet imports

Revision ID: c7a4e2b9d615
Revises: 8b3e5d1f0a42
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c7a4e2b9d615"
down_revision = "8b3e5d1f0a42"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "thgov_catalog_import",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("owner_org", sa.UnicodeText, nullable=False, index=True),
        sa.Column("user_id", sa.UnicodeText, nullable=True),
        sa.Column("filename", sa.UnicodeText, nullable=True),
        # checking, invalid, checked, queued, running, done or failed
        sa.Column("status", sa.UnicodeText, nullable=False),
        sa.Column("total", sa.Integer, nullable=False, server_default="0"),
        sa.Column("done", sa.Integer, nullable=False, server_default="0"),
        sa.Column("error_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("updated_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("started", sa.DateTime, nullable=True),
        sa.Column("finished", sa.DateTime, nullable=True),
        sa.Column("check_seconds", sa.Float, nullable=True),
        # the per-row report (errors and notices), JSON
        sa.Column("issues", sa.UnicodeText, nullable=True),
        # the checked, normalised rows the job writes, JSON
        sa.Column("rows", sa.UnicodeText, nullable=True),
        sa.Column("message", sa.UnicodeText, nullable=True),
        # the uploaded file, until it is checked
        sa.Column("content", sa.LargeBinary, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("thgov_catalog_import")
