"""A district of kiosks: the register of kiosks and their keys, heartbeats, published
catalogues and the shared clip library.

Revision ID: 0003
Revises: 0002
Created: 2026-11-28
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _text(name):
    return sa.Column(name, sa.Text, nullable=False, server_default="")


def upgrade():
    op.create_table(
        "kiosks",
        sa.Column("id", sa.Text, primary_key=True),     # K7: the id in its references
        _text("name"), _text("added"),
        _text("revoked"),                                # when it was revoked; "" if not
    )
    op.create_table(
        "kiosk_keys",
        sa.Column("key_id", sa.Text, primary_key=True),
        _text("kiosk_id"), _text("secret"), _text("created"),
        _text("state"),        # current, previous (accepted until the kiosk switches), retired
        _text("retired"),
    )
    op.create_index("idx_kiosk_keys_kiosk_id", "kiosk_keys", ["kiosk_id"])
    op.create_table(
        "heartbeats",
        sa.Column("kiosk_id", sa.Text, primary_key=True),   # the latest one of each kiosk
        _text("received"), _text("report"),
    )
    op.create_table(
        "catalogue_versions",
        sa.Column("version", sa.Integer, primary_key=True),
        _text("published"), _text("published_by"), _text("sha256"), _text("body"),
        _text("withdrawn"),    # when it was rolled back; "" while it stands
        _text("withdrawn_by"),
    )
    op.create_table(
        "clips",
        # One file (by its content's hash) may sign more than one prompt: a row for each.
        sa.Column("sha256", sa.Text, primary_key=True),
        sa.Column("prompt_key", sa.Text, primary_key=True),
        sa.Column("sign_language", sa.Text, primary_key=True), _text("filename"),
        sa.Column("size", sa.Integer, nullable=False, server_default="0"),
        _text("uploaded"), _text("kiosk_id"),
        _text("manifest"),     # the clip's entry in the library's manifest.json, as JSON
    )
    op.create_index("idx_clips_uploaded", "clips", ["uploaded"])
    # A district's inbox filtered by package, in the inbox's order: without it PostgreSQL
    # reads a million rows for a page of 50 (bench/central_inbox.py: 1 s, now milliseconds).
    op.create_index("idx_inbox_package_received_reference", "inbox",
                    ["package", "received", "reference"])
    # ... and by package and status together (the open applications of one package): the
    # page's matches are found, counted and ordered from the index alone.
    op.create_index("idx_inbox_package_status_received", "inbox",
                    ["package", "status", "received", "reference"])


def downgrade():
    op.drop_index("idx_inbox_package_status_received", "inbox")
    op.drop_index("idx_inbox_package_received_reference", "inbox")
    for table in ("clips", "catalogue_versions", "heartbeats", "kiosk_keys", "kiosks"):
        op.drop_table(table)
