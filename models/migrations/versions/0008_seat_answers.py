"""notice_seats: the examiner's answer per seat (confirmed, reason, answered_at)

Revision ID: 0008_seat_answers
Revises: 0007_city_centre
Create Date: 2026-12-07 10:00:00.000000

An examiner told of three sessions may decline one: the answer moves from the notice to each
of its seats. Seats of notices answered before this migration take the notice's answer
(every seat added or changed; a removed seat asks for none), then `notices.reason` goes.
Both columns are added and dropped in place (SQLite 3.35+ drops a column without copying the
table, so the CHECK constraints of the enum columns stay as they are).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_seat_answers"
down_revision = "0007_city_centre"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("notice_seats", sa.Column("confirmed", sa.Boolean(), nullable=True))
    op.add_column("notice_seats", sa.Column("reason", sa.String(length=200), nullable=True))
    op.add_column(
        "notice_seats", sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.execute(
        "UPDATE notice_seats SET"
        " confirmed = (SELECT n.status = 'confirmed' FROM notices n WHERE n.id = notice_id),"
        " reason = (SELECT n.reason FROM notices n WHERE n.id = notice_id),"
        " answered_at = (SELECT n.answered_at FROM notices n WHERE n.id = notice_id)"
        " WHERE change <> 'removed' AND notice_id IN"
        " (SELECT id FROM notices WHERE status IN ('confirmed', 'declined'))"
    )
    op.drop_column("notices", "reason")


def downgrade() -> None:
    op.add_column("notices", sa.Column("reason", sa.String(length=200), nullable=True))
    op.execute(
        "UPDATE notices SET reason = (SELECT MIN(s.reason) FROM notice_seats s"
        " WHERE s.notice_id = notices.id AND s.confirmed = false)"
    )
    for column in ("answered_at", "reason", "confirmed"):
        op.drop_column("notice_seats", column)
