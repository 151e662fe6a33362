"""institutions.viewers_see_phones: viewers see phones masked unless the institution says so

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 00:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A new non-null column: the server default fills existing rows with the safe choice
    # (masked), then goes. SQLite keeps it: it drops a default only by copying the table,
    # and the foreign keys to institutions forbid dropping the original.
    op.add_column(
        "institutions",
        sa.Column("viewers_see_phones", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column("institutions", "viewers_see_phones", server_default=None)


def downgrade() -> None:
    op.drop_column("institutions", "viewers_see_phones")
