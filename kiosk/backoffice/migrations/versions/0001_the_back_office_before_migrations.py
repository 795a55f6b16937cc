"""The back office as it was before it had migrations (2026-11-28).

Revision ID: 0001
Revises:
Created: 2026-11-28

A new database gets these tables. A database the kiosk made before this migration
existed (the built-in back office in the kiosk's own SQLite file, with columns added by
hand as versions went by) is adopted as it is: what is missing is added, and nothing in it
is changed or lost. tests/data/backoffice-before-migrations.sql is such a database.
"""
import json

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _text(name):
    return sa.Column(name, sa.Text, nullable=False, server_default="")


def _tables():
    """{table: (columns, indexes)} as this revision made them."""
    return {
        "inbox": ([sa.Column("reference", sa.Text, primary_key=True),
                   *map(_text, ("received", "created", "kiosk_id", "package", "package_title",
                                "language", "status", "reason", "payload", "assignee",
                                "id_tail", "id_mask", "phone_tail"))],
                  [("status", "received"), ("received", "reference"), ("assignee", "status")]),
        "audit": ([sa.Column("id", sa.Integer, primary_key=True),
                   *map(_text, ("reference", "who", "at", "action", "detail", "before"))],
                  [("reference",)]),
        "notes": ([sa.Column("id", sa.Integer, primary_key=True),
                   *map(_text, ("reference", "who", "at", "text"))], [("reference",)]),
        "document_checks": ([sa.Column("reference", sa.Text, primary_key=True),
                             sa.Column("document", sa.Text, primary_key=True),
                             _text("who"), _text("at")], []),
        "staff": ([sa.Column("name", sa.Text, primary_key=True), _text("password_hash"),
                   sa.Column("failed", sa.Integer, nullable=False, server_default="0"),
                   sa.Column("locked_until", sa.Float, nullable=False, server_default="0"),
                   _text("name_key"), _text("roles")], [("name_key",)]),
        "sign_in_throttle": ([sa.Column("key", sa.Text, primary_key=True),
                              sa.Column("failures", sa.Integer, nullable=False,
                                        server_default="0"),
                              sa.Column("wait_until", sa.Float, nullable=False,
                                        server_default="0")], []),
        "failed_sign_ins": ([sa.Column("at", sa.Float, nullable=False), _text("name"),
                             _text("client")], []),
        "calls": ([sa.Column("id", sa.Text, primary_key=True),
                   *map(_text, ("kiosk_id", "kiosk_name", "screen", "language", "modes",
                                "state", "raised_at", "answered_at", "answered_by", "done_at",
                                "done_by", "cancelled_at"))], [("state", "raised_at")]),
        "rating_received": ([sa.Column("reference", sa.Text, primary_key=True),
                             *map(_text, ("kiosk_id", "package", "package_title", "level",
                                          "reasons", "rated")),
                             sa.Column("version", sa.Integer, nullable=False,
                                       server_default="1"),
                             *map(_text, ("received", "follow_up", "due"))],
                            [("level", "due")]),
    }


def upgrade():
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    for name, (columns, indexes) in _tables().items():
        if name in existing:
            _adopt(name, columns)
        else:
            op.create_table(name, *columns)
        for index in indexes:
            # The names sqlite-utils gave them, so an adopted database keeps its own.
            op.create_index(f"idx_{name}_{'_'.join(index)}", name, list(index),
                            if_not_exists=True)


def _adopt(name, columns):
    """Add the columns an older kiosk's table lacks, filled as the kiosk used to fill them."""
    bind = op.get_bind()
    present = {column["name"] for column in sa.inspect(bind).get_columns(name)}
    missing = [column for column in columns if column.name not in present]
    for column in missing:
        op.add_column(name, column)
    added = {column.name for column in missing}
    if name == "inbox" and "id_tail" in added:
        _fill_number_ends(bind)
    if name == "staff" and "name_key" in added:
        from kiosk.backoffice.staff import name_key
        for row in bind.execute(sa.text("select name from staff")).mappings().all():
            bind.execute(sa.text("update staff set name_key = :key where name = :name"),
                         {"key": name_key(row["name"]), "name": row["name"]})
    if name == "staff" and "roles" in added:
        # Accounts older than roles did everything there was then.
        bind.execute(sa.text("update staff set roles = 'clerk,interpreter,operator'"))


def _fill_number_ends(bind):
    """The ends of each application's ID number and phone, which clerks search by."""
    from kiosk.backoffice.finding import digits_tail
    from kiosk.validators import mask
    rows = bind.execute(sa.text("select reference, payload from inbox")).mappings().all()
    for row in rows:
        answers = json.loads(row["payload"])["answers"]
        id_number = str(answers.get("applicant_id_number") or "")
        bind.execute(sa.text("update inbox set id_tail = :id_tail, id_mask = :id_mask, "
                             "phone_tail = :phone_tail where reference = :reference"),
                     {"reference": row["reference"],
                      "id_mask": mask(id_number) if id_number else "",
                      "id_tail": digits_tail(id_number, 6),
                      "phone_tail": digits_tail(str(answers.get("applicant_phone") or ""), 8)})


def downgrade():
    raise NotImplementedError("the first revision is not undone: restore a backup instead")
