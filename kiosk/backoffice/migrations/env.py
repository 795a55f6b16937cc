"""Alembic's entry point for the back office's migrations (run by database.upgrade)."""
from alembic import context

from kiosk.backoffice.tables import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata,
                  version_table="backoffice_migrations",
                  # SQLite cannot alter a column in place: Alembic copies the table instead.
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
