"""Publication approvals and the disclosure audit log

Revision ID: 4f1c2a7d9e30
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "4f1c2a7d9e30"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "thgov_publication",
        sa.Column("package_id", sa.UnicodeText, primary_key=True),
        # The organization the approval was given in: moving the dataset voids it.
        sa.Column("owner_org", sa.UnicodeText, nullable=True),
        sa.Column("status", sa.UnicodeText, nullable=False),
        sa.Column("requested_by", sa.UnicodeText, nullable=True),
        sa.Column("requested_at", sa.DateTime, nullable=True),
        sa.Column("decided_by", sa.UnicodeText, nullable=True),
        sa.Column("decided_at", sa.DateTime, nullable=True),
        sa.Column("note", sa.UnicodeText, nullable=True),
    )
    op.create_table(
        "thgov_audit",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("package_id", sa.UnicodeText, nullable=False, index=True),
        sa.Column("owner_org", sa.UnicodeText, nullable=True, index=True),
        sa.Column("actor", sa.UnicodeText, nullable=True),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("field", sa.UnicodeText, nullable=False),
        sa.Column("old_value", sa.UnicodeText, nullable=True),
        sa.Column("new_value", sa.UnicodeText, nullable=True),
        sa.Column("reason", sa.UnicodeText, nullable=True),
    )
    # The last values the audit log has seen, to record each change once whatever path made it.
    op.create_table(
        "thgov_disclosure_state",
        sa.Column("package_id", sa.UnicodeText, primary_key=True),
        sa.Column("owner_org", sa.UnicodeText, nullable=True),
        sa.Column("data_category", sa.UnicodeText, nullable=True),
        sa.Column("data_classification", sa.UnicodeText, nullable=True),
        sa.Column("private", sa.Boolean, nullable=True),
        sa.Column("publication", sa.UnicodeText, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("thgov_disclosure_state")
    op.drop_table("thgov_audit")
    op.drop_table("thgov_publication")
