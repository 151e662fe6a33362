"""users: session version (sign-out ends every session) and deployment admins

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07 00:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # New non-null columns: a server default fills the existing rows, then it is dropped
    # (the models give the default).
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("session_version", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(
            sa.Column("deployment_admin", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("users") as batch:
        batch.alter_column("session_version", server_default=None)
        batch.alter_column("deployment_admin", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("deployment_admin")
        batch.drop_column("session_version")
