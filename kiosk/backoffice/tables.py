"""The back office's tables as the latest migration leaves them (SQLAlchemy Core).

The queries in inbox, staff, calls and ratings are written against these; the schema
itself is made and changed only by the migrations (kiosk/backoffice/migrations), so a
change here goes with a new migration. Times are ISO 8601 text in UTC (received, at,
raised_at...), as the hand-off documents carry them: they sort as text in both SQLite and
PostgreSQL, which the inbox's keyset paging relies on.
"""
from sqlalchemy import Column, Float, Index, Integer, MetaData, Table, Text

metadata = MetaData()


def _text(name, **options):
    return Column(name, Text, nullable=False, server_default="", **options)


inbox = Table(
    "inbox", metadata,
    Column("reference", Text, primary_key=True),
    _text("received"), _text("created"), _text("kiosk_id"), _text("package"),
    _text("package_title"), _text("language"), _text("status"), _text("reason"),
    _text("payload"),
    _text("assignee"),          # the clerk who has the application
    _text("id_tail"), _text("id_mask"), _text("phone_tail"),   # for finding it
    Index("idx_inbox_status_received", "status", "received"),
    Index("idx_inbox_received_reference", "received", "reference"),
    Index("idx_inbox_assignee_status", "assignee", "status"),
    Index("idx_inbox_package_received_reference", "package", "received", "reference"),  # 0003
    Index("idx_inbox_package_status_received", "package", "status", "received",  # 0003
          "reference"),
)

audit = Table(
    "audit", metadata,
    Column("id", Integer, primary_key=True),
    _text("reference"), _text("who"), _text("at"), _text("action"), _text("detail"),
    _text("before"),            # the status before a change, so it can be undone
    Index("idx_audit_reference", "reference"),
)

notes = Table(
    "notes", metadata,
    Column("id", Integer, primary_key=True),
    _text("reference"), _text("who"), _text("at"), _text("text"),
    Index("idx_notes_reference", "reference"),
)

document_checks = Table(
    "document_checks", metadata,
    Column("reference", Text, primary_key=True), Column("document", Text, primary_key=True),
    _text("who"), _text("at"),
)

staff = Table(
    "staff", metadata,
    Column("name", Text, primary_key=True),
    _text("password_hash"),
    Column("failed", Integer, nullable=False, server_default="0"),
    Column("locked_until", Float, nullable=False, server_default="0"),
    _text("name_key"),          # the name folded for case and width, for signing in
    _text("roles"),             # comma-separated: clerk, interpreter
    Index("idx_staff_name_key", "name_key"),
)

sign_in_throttle = Table(
    "sign_in_throttle", metadata,
    Column("key", Text, primary_key=True),
    Column("failures", Integer, nullable=False, server_default="0"),
    Column("wait_until", Float, nullable=False, server_default="0"),
)

failed_sign_ins = Table(
    "failed_sign_ins", metadata,
    Column("at", Float, nullable=False), _text("name"), _text("client"),
    Index("idx_failed_sign_ins_at", "at"),
)

calls = Table(
    "calls", metadata,
    Column("id", Text, primary_key=True),
    _text("kiosk_id"), _text("kiosk_name"), _text("screen"), _text("language"),
    _text("modes"), _text("state"), _text("raised_at"), _text("answered_at"),
    _text("answered_by"), _text("done_at"), _text("done_by"), _text("cancelled_at"),
    Index("idx_calls_state_raised_at", "state", "raised_at"),
)

rating_received = Table(
    "rating_received", metadata,
    Column("reference", Text, primary_key=True),
    _text("kiosk_id"), _text("package"), _text("package_title"), _text("level"),
    _text("reasons"), _text("rated"),
    _text("rated_utc"),         # `rated` in UTC, for the calendar filters (migration 0002)
    Column("version", Integer, nullable=False, server_default="1"),
    _text("received"), _text("follow_up"), _text("due"),
    Index("idx_rating_received_level_due", "level", "due"),
    Index("idx_rating_received_rated_utc", "rated_utc"),
)

# A district of kiosks (migration 0003).

kiosks = Table(
    "kiosks", metadata,
    Column("id", Text, primary_key=True),       # K7: the id in its references
    _text("name"), _text("added"),
    _text("revoked"),                           # when it was revoked; "" if not
)

kiosk_keys = Table(
    "kiosk_keys", metadata,
    Column("key_id", Text, primary_key=True),
    _text("kiosk_id"), _text("secret"), _text("created"),
    _text("state"),            # current, previous (accepted until the kiosk switches), retired
    _text("retired"),
    Index("idx_kiosk_keys_kiosk_id", "kiosk_id"),
)

heartbeats = Table(
    "heartbeats", metadata,
    Column("kiosk_id", Text, primary_key=True),  # the latest one of each kiosk
    _text("received"), _text("report"),
)

catalogue_versions = Table(
    "catalogue_versions", metadata,
    Column("version", Integer, primary_key=True),
    _text("published"), _text("published_by"), _text("sha256"), _text("body"),
    _text("withdrawn"),        # when it was rolled back; "" while it stands
    _text("withdrawn_by"),
)

clips = Table(
    "clips", metadata,
    # One file (by its content's hash) may sign more than one prompt: a row for each.
    Column("sha256", Text, primary_key=True), Column("prompt_key", Text, primary_key=True),
    Column("sign_language", Text, primary_key=True), _text("filename"),
    Column("size", Integer, nullable=False, server_default="0"),
    _text("uploaded"), _text("kiosk_id"),
    _text("manifest"),         # the clip's entry in the library's manifest.json, as JSON
    Index("idx_clips_uploaded", "uploaded"),
)
