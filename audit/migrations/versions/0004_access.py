"""Access: an owner for every audit, shares with other facilitators, password accounts,
sign-in sessions and failed attempts (to slow guessing).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23

Every audit made before this revision was made in local mode, by the local user, so each
gets the owner "local": the local user keeps them, and no signed-in facilitator sees them
until the operator hands them over (`python -m audit owner AUDIT EMAIL`, docs/access.md).
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("audits", sa.Column("owner", sa.String(320), nullable=False, server_default="local"))
    op.create_index("ix_audits_owner", "audits", ["owner"])
    op.create_table(
        "audit_access",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("audit_id", sa.Integer, sa.ForeignKey("audits.id", ondelete="CASCADE"), nullable=False),
        sa.Column("identity", sa.String(320), nullable=False, index=True),
        sa.Column("role", sa.String(10), nullable=False),
        sa.Column("granted_by", sa.String(320), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("audit_id", "identity", name="uq_audit_access"),
    )
    op.create_table(
        "facilitator_accounts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("identity", sa.String(320), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "sign_in_sessions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("identity", sa.String(320), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
    )
    op.create_table(
        "failed_attempts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("scope", sa.String(20), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_failed_attempts_key", "failed_attempts", ["scope", "key_hash", "at"])


def downgrade() -> None:
    op.drop_index("ix_failed_attempts_key", "failed_attempts")
    op.drop_table("failed_attempts")
    op.drop_table("sign_in_sessions")
    op.drop_table("facilitator_accounts")
    op.drop_table("audit_access")
    op.drop_index("ix_audits_owner", "audits")
    with op.batch_alter_table("audits") as batch:
        batch.drop_column("owner")
