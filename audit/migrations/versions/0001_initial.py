"""Audits, touchpoints, assessors and scores.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audits",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("client", sa.String(200)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stage_order", sa.JSON, nullable=False),
        sa.Column("weights", sa.JSON, nullable=False),
        sa.Column("settings", sa.JSON, nullable=False),
    )
    op.create_table(
        "touchpoints",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("audit_id", sa.Integer, sa.ForeignKey("audits.id", ondelete="CASCADE"), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("stage", sa.String(200), nullable=False),
        sa.Column("channel", sa.String(200)),
        sa.Column("type", sa.String(20)),
        sa.Column("type_inferred", sa.Boolean, nullable=False, default=False),
        sa.Column("control", sa.String(20)),
        sa.Column("owner", sa.String(200)),
        sa.Column("importance", sa.Float, nullable=False),
        sa.Column("reach", sa.Float),
        sa.Column("conversions", sa.Float),
        sa.Column("customer_rating", sa.Float),
        sa.Column("notes", sa.Text),
        sa.Column("extra", sa.JSON, nullable=False),
        sa.Column("archived_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("audit_id", "key", name="uq_touchpoint_key"),
    )
    op.create_table(
        "assessors",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("audit_id", sa.Integer, sa.ForeignKey("audits.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.UniqueConstraint("audit_id", "name", name="uq_assessor_name"),
    )
    op.create_table(
        "scores",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("audit_id", sa.Integer, sa.ForeignKey("audits.id", ondelete="CASCADE"), nullable=False),
        sa.Column("touchpoint_id", sa.Integer, sa.ForeignKey("touchpoints.id", ondelete="CASCADE"), nullable=False),
        sa.Column("assessor_id", sa.Integer, sa.ForeignKey("assessors.id", ondelete="CASCADE"), nullable=False),
        sa.Column("criterion", sa.String(20), nullable=False),
        sa.Column("value", sa.Integer),
        sa.Column("note", sa.Text),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("touchpoint_id", "assessor_id", "criterion", name="uq_score"),
        sa.CheckConstraint("value IS NULL OR (value BETWEEN 1 AND 5)", name="ck_score_range"),
    )
    op.create_index("ix_scores_audit", "scores", ["audit_id"])


def downgrade() -> None:
    op.drop_table("scores")
    op.drop_table("assessors")
    op.drop_table("touchpoints")
    op.drop_table("audits")
