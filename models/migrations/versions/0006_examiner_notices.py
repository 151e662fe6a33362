"""examiners.email and the notices of a publication to examiners (notices, notice_seats)

Revision ID: 0006_examiner_notices
Revises: 0005
Create Date: 2026-12-07 03:20:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_examiner_notices"
down_revision = "0005"
branch_labels = None
depends_on = None


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True)


def upgrade() -> None:
    with op.batch_alter_table("examiners") as batch:
        batch.add_column(sa.Column("email", sa.String(length=120), nullable=True))
    op.create_table(
        "notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("examiner_id", sa.Integer(), nullable=False),
        sa.Column("nonce", sa.String(length=32), nullable=False),
        sa.Column(
            "status",
            _enum("notice_status", "pending", "confirmed", "declined", "superseded"),
            nullable=False,
        ),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("send_error", sa.String(length=300), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["examiner_id"], ["examiners.id"], name=op.f("fk_notices_examiner_id_examiners")
        ),
        sa.ForeignKeyConstraint(
            ["institution_id"], ["institutions.id"],
            name=op.f("fk_notices_institution_id_institutions"),
        ),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_notices_plan_id_plans")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notices")),
        sa.UniqueConstraint("plan_id", "examiner_id", name=op.f("uq_notices_plan_id_examiner_id")),
    )  # fmt: skip
    with op.batch_alter_table("notices") as batch:
        for column in ("examiner_id", "institution_id", "plan_id", "status"):
            batch.create_index(batch.f(f"ix_notices_{column}"), [column], unique=False)
    op.create_table(
        "notice_seats",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("change", _enum("seat_change", "added", "removed", "changed"), nullable=False),
        sa.Column("role", _enum("new_role", "leader", "member"), nullable=True),
        sa.Column("previous_role", _enum("previous_role", "leader", "member"), nullable=True),
        sa.ForeignKeyConstraint(
            ["notice_id"], ["notices.id"], name=op.f("fk_notice_seats_notice_id_notices")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_notice_seats_session_id_sessions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_seats")),
        sa.UniqueConstraint(
            "notice_id", "session_id", name=op.f("uq_notice_seats_notice_id_session_id")
        ),
    )
    with op.batch_alter_table("notice_seats") as batch:
        batch.create_index(batch.f("ix_notice_seats_notice_id"), ["notice_id"], unique=False)
        batch.create_index(batch.f("ix_notice_seats_session_id"), ["session_id"], unique=False)


def downgrade() -> None:
    op.drop_table("notice_seats")
    op.drop_table("notices")
    with op.batch_alter_table("examiners") as batch:
        batch.drop_column("email")
