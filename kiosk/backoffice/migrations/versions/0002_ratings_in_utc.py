"""Ratings keep the time they were made in UTC as well, for the calendar filters.

Revision ID: 0002
Revises: 0001
Created: 2026-11-28

`rated` carries the kiosk's own offset (+08:00). The Ratings page filters by the hall's
calendar days, whose bounds are in UTC; SQLite could convert on the fly (strftime), but
PostgreSQL would compare text with other offsets wrongly, so the UTC time is stored once,
when the rating arrives, and indexed. Also indexes failed sign-ins by time, newest first
on the operator's page.
"""
import datetime

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def in_utc(rated):
    """An ISO time with any offset as ISO text in UTC, as stored in rated_utc."""
    when = datetime.datetime.fromisoformat(rated).astimezone(datetime.timezone.utc)
    return when.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def upgrade():
    op.add_column("rating_received",
                  sa.Column("rated_utc", sa.Text, nullable=False, server_default=""))
    bind = op.get_bind()
    for row in bind.execute(sa.text("select reference, rated from rating_received")).mappings().all():
        bind.execute(sa.text("update rating_received set rated_utc = :utc "
                             "where reference = :reference"),
                     {"utc": in_utc(row["rated"]), "reference": row["reference"]})
    op.create_index("idx_rating_received_rated_utc", "rating_received", ["rated_utc"])
    op.create_index("idx_failed_sign_ins_at", "failed_sign_ins", ["at"])


def downgrade():
    op.drop_index("idx_failed_sign_ins_at", "failed_sign_ins")
    op.drop_index("idx_rating_received_rated_utc", "rating_received")
    op.drop_column("rating_received", "rated_utc")
