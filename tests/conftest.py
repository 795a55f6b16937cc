"""Small fixtures: an app on a temporary database, a page-checking client, the CLI runner,
and a throwaway PostgreSQL server for the back office's tests."""
import os

import pytest

import support
from postgres_server import PostgresNotInstalled, ThrowawayPostgres, unique_database_name
from support import make_app

# The back office's own tests run twice: on SQLite (a kiosk's built-in back office) and on
# PostgreSQL (the central back office), through the same code.
BACKOFFICE_SUITE = {"test_backoffice", "test_clerks", "test_calls", "test_ratings",
                    "test_staff_accounts", "test_roles", "test_backoffice_database",
                    "test_kiosk_keys", "test_fleet", "test_distribution"}


@pytest.fixture
def app(tmp_path):
    return make_app(tmp_path)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def pytest_generate_tests(metafunc):
    if metafunc.module.__name__ in BACKOFFICE_SUITE:
        metafunc.parametrize("backoffice_kind", ["sqlite", "postgresql"], indirect=True,
                             scope="module")


@pytest.fixture(scope="module")
def backoffice_kind(request):
    """Where this module's back offices keep their tables: "sqlite" (the default for every
    other test) or "postgresql" (a fresh database per kiosk database file)."""
    kind = getattr(request, "param", "sqlite")
    if kind == "sqlite":
        yield kind
        return
    server = request.getfixturevalue("postgres_server")
    template = request.getfixturevalue("migrated_template")
    databases = {}

    def database_for(path):
        if path not in databases:
            databases[path] = unique_database_name()
            server.create_database(databases[path], template=template)
        return server.url(databases[path])

    support.backoffice_on_postgres = database_for
    request.module.postgres_databases = databases
    try:
        yield kind
    finally:
        support.backoffice_on_postgres = None
        for name in databases.values():
            server.drop_database(name)


@pytest.fixture(autouse=True)
def drop_this_tests_postgres_databases(request, backoffice_kind):
    """Databases a test's own apps made are dropped after it (a module's shared apps, made
    before this runs, stay until the module ends)."""
    databases = getattr(request.module, "postgres_databases", None)
    before = dict(databases or {})
    server = request.getfixturevalue("postgres_server") if databases is not None else None
    yield
    if databases:
        for path, name in list(databases.items()):
            if path not in before:
                server.drop_database(name)
                del databases[path]


@pytest.fixture(scope="session")
def migrated_template(postgres_server):
    """A PostgreSQL database at the latest migration, copied for each test (much quicker
    than migrating each one)."""
    from kiosk.backoffice.database import Database
    name = "backoffice_template"
    database = Database(postgres_server.create_database(name))
    database.upgrade()
    database.dispose()
    return name


@pytest.fixture
def backoffice_database(tmp_path, request):
    """A back office database at the latest migration, in this module's kind of database."""
    from kiosk.backoffice.database import Database, sqlite_url
    kind = request.getfixturevalue("backoffice_kind") \
        if request.module.__name__ in BACKOFFICE_SUITE else "sqlite"
    url = support.backoffice_on_postgres(tmp_path / "backoffice.db") \
        if kind == "postgresql" else sqlite_url(tmp_path / "backoffice.db")
    database = Database(url)
    database.upgrade()
    yield database
    database.dispose()


def throwaway_postgres_or_skip():
    """A ThrowawayPostgres not yet started. Without Debian's binaries the test is skipped,
    unless KIOSK_REQUIRE_POSTGRES=1 (make test, CI): then it fails, so the PostgreSQL half of
    the suite cannot quietly vanish from a run."""
    try:
        return ThrowawayPostgres()
    except PostgresNotInstalled as missing:
        if os.environ.get("KIOSK_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"KIOSK_REQUIRE_POSTGRES=1 but {missing}", pytrace=False)
        pytest.skip(f"PostgreSQL is not installed: {missing}")


@pytest.fixture(scope="session")
def postgres_server():
    """One throwaway PostgreSQL cluster for the whole run (about a second to start)."""
    with throwaway_postgres_or_skip() as server:
        yield server


@pytest.fixture
def postgres_url(postgres_server):
    """A SQLAlchemy URL to a fresh, empty database of its own, dropped after the test."""
    name = unique_database_name()
    url = postgres_server.create_database(name)
    yield url
    postgres_server.drop_database(name)
