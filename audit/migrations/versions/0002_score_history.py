"""Keep every earlier value of a score: who changed it, when, from what to what.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "score_history",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("audit_id", sa.Integer, sa.ForeignKey("audits.id", ondelete="CASCADE"), nullable=False),
        sa.Column("score_id", sa.Integer, sa.ForeignKey("scores.id", ondelete="CASCADE"), nullable=False),
        sa.Column("changed_by", sa.String(200), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("old_value", sa.Integer),
        sa.Column("new_value", sa.Integer),
        sa.Column("old_note", sa.Text),
        sa.Column("new_note", sa.Text),
    )
    op.create_index("ix_score_history_score", "score_history", ["score_id"])


def downgrade() -> None:
    op.drop_table("score_history")
