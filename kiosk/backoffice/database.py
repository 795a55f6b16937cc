"""The back office's database: SQLite by default, PostgreSQL given a postgresql:// URL.

No Flask here. One code path speaks both, through SQLAlchemy Core; the schema is made and
changed by Alembic migrations (kiosk/backoffice/migrations), run when the back office
starts (every `flask --app kiosk` command too; `backoffice database` tells the migration).
The kiosk's own tables (sessions, submissions, outbox) stay in the kiosk's store; a kiosk
whose back office is built in keeps both in one SQLite file, as before.
"""
from pathlib import Path

import sqlalchemy
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite

from ..errors import StorageError
from ..files import one_process_at_a_time

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "backoffice_migrations"
# Two back-office processes starting at once must not both migrate (PostgreSQL).
MIGRATION_LOCK = 7_340_001


def engine_url(url):
    """The SQLAlchemy URL for an operator's: postgresql:// means psycopg (version 3)."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def sqlite_url(path):
    """The URL of a SQLite file."""
    return f"sqlite:///{Path(path).resolve()}"


class Database:
    """The back office's engine, with small helpers for the queries its modules run."""

    def __init__(self, url):
        self.url = engine_url(url)
        try:
            self.engine = _engine(self.url)
        except (sqlalchemy.exc.ArgumentError, ImportError) as error:
            raise StorageError(f"the back office database URL cannot be used: {error}") from None
        self.dialect = self.engine.dialect.name

    def upgrade(self):
        """Bring the schema to the latest migration (a new database gets every table).
        Processes starting at once (gunicorn's workers) take turns."""
        # PostgreSQL takes an advisory lock inside the migration; a SQLite file a lock file
        # beside it (a deferred transaction that reads, then writes, would fail).
        if self.dialect == "sqlite" and self.engine.url.database:
            with one_process_at_a_time(f"{self.engine.url.database}.migrating"):
                self._upgrade()
        else:
            self._upgrade()

    def _upgrade(self):
        try:
            with self.engine.begin() as connection:
                if self.dialect == "postgresql":
                    connection.execute(sqlalchemy.text("select pg_advisory_xact_lock(:key)"),
                                       {"key": MIGRATION_LOCK})
                config = _alembic_config()
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
        except sqlalchemy.exc.OperationalError as error:
            raise StorageError(f"the back office database cannot be reached: "
                               f"{_first_line(error)}") from None

    def revision(self):
        """The migration the database is at (None before the first)."""
        with self.engine.connect() as connection:
            return MigrationContext.configure(
                connection, opts={"version_table": VERSION_TABLE}).get_current_revision()

    def begin(self):
        """A transaction: `with database.begin() as connection: ...` commits or rolls back."""
        return self.engine.begin()

    def rows(self, statement, parameters=None):
        """Every row of a query, as dicts."""
        with self.engine.connect() as connection:
            return [dict(row) for row in connection.execute(statement, parameters).mappings()]

    def row(self, statement, parameters=None):
        """The first row of a query as a dict, or None."""
        with self.engine.connect() as connection:
            row = connection.execute(statement, parameters).mappings().first()
        return dict(row) if row is not None else None

    def scalar(self, statement, parameters=None):
        """The single value a query gives."""
        with self.engine.connect() as connection:
            return connection.execute(statement, parameters).scalar()

    def run(self, statement, parameters=None):
        """Execute one change in its own transaction; return the rows it touched."""
        with self.engine.begin() as connection:
            return connection.execute(statement, parameters).rowcount

    def dispose(self):
        """Close every pooled connection (tests and benchmarks, when done with a database)."""
        self.engine.dispose()


def insert_if_new(connection, table, keys, values):
    """Insert `values` unless a row with the same `keys` is there; True when it was new.
    One statement, so two deliveries at once cannot both insert. (Told by the row RETURNING
    gives back: PostgreSQL's driver reports no row count for a skipped insert.)"""
    statement = (_dialect_insert(connection, table).values(values)
                 .on_conflict_do_nothing(index_elements=keys)
                 .returning(*(table.c[key] for key in keys)))
    return connection.execute(statement).first() is not None


def upsert(connection, table, keys, values, newer=None):
    """Insert `values`, or update the row whose `keys` match: one statement, so two
    requests at once cannot both find the row missing. With `newer` (a column), only a
    row whose `newer` is smaller is updated. Returns whether a row was written."""
    statement = _dialect_insert(connection, table).values(values)
    condition = table.c[newer] < statement.excluded[newer] if newer else None
    return connection.execute(statement.on_conflict_do_update(
        index_elements=keys, where=condition,
        set_={name: value for name, value in values.items() if name not in keys})
        .returning(table.c[keys[0]])).first() is not None


def count_one_more(connection, table, key_column, key, counter):
    """Add one to `counter` of the row whose `key_column` is `key` (a new row counts 1), in
    one statement; return the new count. Two requests at once both count: a read followed by
    a write would let a burst of password guesses count as one."""
    statement = (_dialect_insert(connection, table).values({key_column: key, counter: 1})
                 .on_conflict_do_update(index_elements=[key_column],
                                        set_={counter: table.c[counter] + 1})
                 .returning(table.c[counter]))
    return connection.execute(statement).scalar_one()


def _dialect_insert(connection, table):
    if connection.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def latest_revision():
    """The newest migration this code knows."""
    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def _alembic_config():
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _engine(url):
    if url.startswith("sqlite"):
        engine = sqlalchemy.create_engine(url, connect_args={"timeout": 10})
        _sqlite_transactions(engine)
        return engine
    # Clerks and kiosks at once; pre-ping so a restarted database server is not an error page.
    engine = sqlalchemy.create_engine(url, pool_size=5, max_overflow=10, pool_pre_ping=True)
    event.listen(engine, "connect", _text_without_nul)
    return engine


def _text_without_nul(connection, _record):
    """PostgreSQL refuses text holding NUL, where SQLite takes it. Nothing stored holds one
    (what people send is refused with control characters), so a NUL in a search or filter
    (hostile input) becomes U+FFFD and matches nothing, as in SQLite, instead of an error."""
    from psycopg.types.string import StrBinaryDumper, StrDumper

    class TextDumper(StrDumper):
        def dump(self, obj):
            return super().dump(obj.replace("\x00", "\ufffd"))

    class BinaryTextDumper(StrBinaryDumper):
        def dump(self, obj):
            return super().dump(obj.replace("\x00", "\ufffd"))

    connection.adapters.register_dumper(str, TextDumper)
    connection.adapters.register_dumper(str, BinaryTextDumper)


def _sqlite_transactions(engine):
    """Let SQLAlchemy, not the sqlite3 module, begin transactions (SQLAlchemy's own recipe):
    otherwise a transaction opened for a read would not hold its writes together."""

    @event.listens_for(engine, "connect")
    def _connect(connection, _record):
        connection.isolation_level = None
        connection.execute("PRAGMA busy_timeout = 10000")
        connection.execute("PRAGMA journal_mode = WAL")

    @event.listens_for(engine, "begin")
    def _begin(connection):
        connection.exec_driver_sql("BEGIN")


def _first_line(error):
    return str(getattr(error, "orig", error)).strip().splitlines()[0]
