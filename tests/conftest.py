"""Small fixtures: an app on a temporary database, a page-checking client, the CLI runner."""
import pytest

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


@pytest.fixture
def backoffice_database(tmp_path):
    """A back office database at the latest migration."""
    from kiosk.backoffice.database import Database, sqlite_url
    database = Database(sqlite_url(tmp_path / "backoffice.db"))
    database.upgrade()
    yield database
    database.dispose()
