"""Small fixtures: an app on a temporary database, a page-checking client, the CLI runner,
and a throwaway PostgreSQL server for the back office's tests."""
import os

import pytest

from postgres_server import PostgresNotInstalled, ThrowawayPostgres, unique_database_name
from support import make_app


@pytest.fixture
def app(tmp_path):
    return make_app(tmp_path)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


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
