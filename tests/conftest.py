"""Small fixtures: an app on a temporary database, a page-checking client, the CLI runner."""
from pathlib import Path

import pytest

from kiosk import create_app
from pagecheck import PageCheckingClient

TESTS = Path(__file__).resolve().parent
MINI_CATALOGUE = TESTS / "data" / "mini_catalogue.toml"


def make_app(tmp_path, catalogue=MINI_CATALOGUE, **overrides):
    settings = {"catalogue.path": str(catalogue), "database.path": str(tmp_path / "kiosk.db"),
                "server.secret_key": "test-secret"}
    settings.update(overrides)
    app = create_app({"TESTING": True, "KIOSK_OVERRIDES": settings})
    app.test_client_class = PageCheckingClient
    return app


@pytest.fixture
def app(tmp_path):
    return make_app(tmp_path)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
