"""Workshops: phase and lock per audit, join codes, participants with tokens, rounds in the history.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23

Existing audits start in round 1, unlocked, with no join code; their assessors stay as
they are (scores imported from files) and none of them is a participant until invited.
Every earlier change in the history belongs to round 1.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("audits", sa.Column("phase", sa.String(20), nullable=False, server_default="round1"))
    op.add_column("audits", sa.Column("locked", sa.Boolean, nullable=False, server_default=sa.false()))
    op.add_column("audits", sa.Column("round2_keys", sa.JSON))
    op.add_column("audits", sa.Column("revision", sa.Integer, nullable=False, server_default="0"))
    op.add_column("score_history", sa.Column("round", sa.Integer, nullable=False, server_default="1"))
    op.create_index("ix_score_history_audit_round", "score_history", ["audit_id", "round"])
    op.create_table(
        "join_codes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("audit_id", sa.Integer, sa.ForeignKey("audits.id", ondelete="CASCADE"), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
    )
    op.create_table(
        "participants",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("audit_id", sa.Integer, sa.ForeignKey("audits.id", ondelete="CASCADE"), nullable=False),
        sa.Column(
            "assessor_id", sa.Integer, sa.ForeignKey("assessors.id", ondelete="CASCADE"), nullable=False, unique=True
        ),
        sa.Column("name_key", sa.String(200), nullable=False),
        sa.Column("token_hash", sa.String(64), unique=True),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("audit_id", "name_key", name="uq_participant_name"),
    )


def downgrade() -> None:
    op.drop_table("participants")
    op.drop_table("join_codes")
    op.drop_index("ix_score_history_audit_round", "score_history")
    with op.batch_alter_table("score_history") as batch:
        batch.drop_column("round")
    with op.batch_alter_table("audits") as batch:
        for column in ("revision", "round2_keys", "locked", "phase"):
            batch.drop_column(column)
