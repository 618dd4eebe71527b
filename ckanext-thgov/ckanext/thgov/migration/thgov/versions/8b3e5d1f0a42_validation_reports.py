"""Validation reports of resources

Revision ID: 8b3e5d1f0a42
Revises: 4f1c2a7d9e30
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "8b3e5d1f0a42"
down_revision = "4f1c2a7d9e30"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "thgov_validation",
        sa.Column("resource_id", sa.UnicodeText, primary_key=True),
        sa.Column("package_id", sa.UnicodeText, nullable=True, index=True),
        # pending, running, success, failure or error
        sa.Column("status", sa.UnicodeText, nullable=False),
        # which file was validated: its URL and, for uploads, when it was written
        sa.Column("source", sa.UnicodeText, nullable=True),
        sa.Column("job_id", sa.UnicodeText, nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("started", sa.DateTime, nullable=True),
        sa.Column("finished", sa.DateTime, nullable=True),
        sa.Column("encoding", sa.UnicodeText, nullable=True),
        sa.Column("error_count", sa.Integer, nullable=True),
        sa.Column("personal_data_found", sa.Boolean, nullable=True),
        # the frictionless-shaped report, capped in size before it is stored
        sa.Column("report", sa.UnicodeText, nullable=True),
        sa.Column("message", sa.UnicodeText, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("thgov_validation")
