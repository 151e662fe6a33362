"""users: the city centre (市鉴定中心), a role of no institution

Revision ID: 0007_city_centre
Revises: 0005
Create Date: 2026-12-07 03:20:00.000000

`users.role` admits `city`, `users.institution_id` becomes nullable, and a CHECK ties the
two: a city-centre user has no institution, every other user has one. SQLite alters a
table by copying it, and does not reflect CHECK constraints, so the copy is made from the
table as written here (the role CHECK would otherwise be lost).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_city_centre"
down_revision = "0006_examiner_notices"
branch_labels = None
depends_on = None

OLD_ROLES = ("admin", "planner", "viewer")
NEW_ROLES = (*OLD_ROLES, "city")
TIED = "(role = 'city') = (institution_id IS NULL)"


def _users(roles: tuple[str, ...], city: bool) -> sa.Table:
    """The users table with `roles` (and, for the city centre, its nullable institution)."""
    metadata = sa.MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )
    sa.Table("institutions", metadata, sa.Column("id", sa.Integer, primary_key=True))
    checks = [sa.CheckConstraint(TIED, name="city_has_no_institution")] if city else []
    return sa.Table(
        "users",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "institution_id",
            sa.Integer,
            sa.ForeignKey("institutions.id"),
            nullable=city,
        ),
        sa.Column("username", sa.String(80), nullable=False, unique=True),
        sa.Column("display_name", sa.String(100), nullable=False),
        sa.Column(
            "role",
            sa.Enum(*roles, name="role", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("password_hash", sa.String(255), nullable=True),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("session_version", sa.Integer, nullable=False),
        sa.Column("deployment_admin", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        *checks,
    )


def _move(roles: tuple[str, ...], city: bool) -> None:
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table(
            "users", copy_from=_users(roles, city), recreate="always"
        ) as batch:
            batch.create_index("ix_users_institution_id", ["institution_id"])
        return
    op.drop_constraint(op.f("ck_users_role"), "users", type_="check")
    listed = ", ".join(f"'{role}'" for role in roles)
    op.create_check_constraint(op.f("ck_users_role"), "users", f"role IN ({listed})")
    op.alter_column("users", "institution_id", existing_type=sa.Integer(), nullable=city)
    if city:
        op.create_check_constraint(op.f("ck_users_city_has_no_institution"), "users", TIED)


def upgrade() -> None:
    _move(NEW_ROLES, city=True)


def downgrade() -> None:
    # The city centre's accounts cannot exist without the role: they go (audit events keep
    # their names).
    op.execute("DELETE FROM users WHERE role = 'city'")
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(op.f("ck_users_city_has_no_institution"), "users", type_="check")
    _move(OLD_ROLES, city=False)
