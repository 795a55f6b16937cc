"""The throwaway PostgreSQL server the back office's tests run against (tests/postgres_server.py)
and its fixtures: it works, databases are isolated, nothing is left behind, and a server
left by a killed run does not get in the next run's way."""
import importlib.util
import os
import pwd
import signal
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa

import postgres_server as server_module
from postgres_server import (PostgresNotInstalled, ThrowawayPostgres, find_bin_dir, port_is_open,
                             unique_database_name)

TESTS = Path(__file__).resolve().parent
NOTES = sa.Table("notes", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True),
                 sa.Column("text", sa.Text, nullable=False))


def table_names(url):
    engine = sa.create_engine(url)
    try:
        return sa.inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_a_table_is_created_written_and_read_through_sqlalchemy(postgres_url):
    assert postgres_url.startswith("postgresql+psycopg://postgres@127.0.0.1:")
    engine = sa.create_engine(postgres_url)
    try:
        NOTES.metadata.create_all(engine)
        with engine.begin() as connection:
            connection.execute(NOTES.insert(), [{"text": "婚姻登记"}, {"text": "전입신고"}])
        with engine.connect() as connection:
            texts = connection.scalars(sa.select(NOTES.c.text).order_by(NOTES.c.id)).all()
    finally:
        engine.dispose()
    assert texts == ["婚姻登记", "전입신고"]


def test_each_test_gets_a_fresh_empty_database(postgres_url):
    assert table_names(postgres_url) == []


def test_two_databases_are_isolated(postgres_server):
    first, second = unique_database_name(), unique_database_name()
    try:
        postgres_server.create_database(first)
        postgres_server.create_database(second)
        postgres_server.execute("CREATE TABLE only_here (id int)", dbname=first)
        assert table_names(postgres_server.url(first)) == ["only_here"]
        assert table_names(postgres_server.url(second)) == []
    finally:
        postgres_server.drop_database(first)
        postgres_server.drop_database(second)


def test_a_database_made_from_a_template_is_a_copy_the_template_does_not_see_changes_to(
        postgres_server):
    template, copy = unique_database_name("template"), unique_database_name()
    try:
        postgres_server.create_database(template)
        postgres_server.execute("CREATE TABLE notes (text text); INSERT INTO notes VALUES ('a')",
                                dbname=template)
        postgres_server.create_database(copy, template=template)
        postgres_server.execute("INSERT INTO notes VALUES ('b')", dbname=copy)
        with psycopg.connect(postgres_server.dsn(copy)) as connection:
            assert connection.execute("SELECT count(*) FROM notes").fetchone() == (2,)
        with psycopg.connect(postgres_server.dsn(template)) as connection:
            assert connection.execute("SELECT count(*) FROM notes").fetchone() == (1,)
    finally:
        postgres_server.drop_database(copy)
        postgres_server.drop_database(template)


def test_dropping_a_database_closes_connections_a_test_left_open(postgres_server):
    name = unique_database_name()
    postgres_server.create_database(name)
    forgotten = psycopg.connect(postgres_server.dsn(name))
    try:
        postgres_server.drop_database(name)
        assert name not in postgres_server_databases(postgres_server)
    finally:
        forgotten.close()


def postgres_server_databases(server):
    with psycopg.connect(server.dsn()) as connection:
        return {row[0] for row in connection.execute("SELECT datname FROM pg_database")}


def test_the_server_listens_on_loopback_only_tuned_for_tests(postgres_server):
    with psycopg.connect(postgres_server.dsn()) as connection:
        def setting(name):
            return connection.execute(f"SHOW {name}").fetchone()[0]
        assert setting("listen_addresses") == "127.0.0.1"
        assert (setting("fsync"), setting("synchronous_commit"), setting("full_page_writes")) \
            == ("off", "off", "off")
        assert setting("unix_socket_directories") == str(postgres_server.folder)
    assert (postgres_server.folder / f".s.PGSQL.{postgres_server.port}").exists()


@pytest.mark.skipif(os.geteuid() != 0, reason="only as root does the server change user")
def test_as_root_the_server_runs_as_the_postgres_user(postgres_server):
    postgres_uid = pwd.getpwnam("postgres").pw_uid
    postmaster = int((postgres_server.data_dir / "postmaster.pid").read_text().split()[0])
    assert Path(f"/proc/{postmaster}").stat().st_uid == postgres_uid
    assert postgres_server.folder.stat().st_uid == postgres_uid


def test_the_newest_version_with_both_programs_is_chosen(tmp_path):
    for version, programs in {"9.6": ["pg_ctl", "initdb"], "15": ["pg_ctl", "initdb"],
                              "16": ["pg_ctl"], "notes": ["pg_ctl", "initdb"]}.items():
        (tmp_path / version / "bin").mkdir(parents=True)
        for program in programs:
            (tmp_path / version / "bin" / program).touch()
    assert find_bin_dir(tmp_path) == tmp_path / "15" / "bin"
    with pytest.raises(PostgresNotInstalled, match="postgresql"):
        find_bin_dir(tmp_path / "missing")


STARTS_AND_IS_KILLED = """
import sys
sys.path.insert(0, {tests!r})
from postgres_server import ThrowawayPostgres
server = ThrowawayPostgres().start()
print(server.folder, server.port, flush=True)
sys.stdin.read()    # until killed
"""


def test_a_server_left_by_a_killed_run_is_cleared_and_the_next_starts_and_stops_cleanly():
    killed_run = subprocess.Popen(
        [sys.executable, "-c", STARTS_AND_IS_KILLED.format(tests=str(TESTS))],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        folder, port = killed_run.stdout.readline().split()
    finally:
        killed_run.send_signal(signal.SIGKILL)     # no chance to stop its server
        killed_run.wait()
    stale_folder, stale_port = Path(folder), int(port)
    assert port_is_open(stale_port)

    with ThrowawayPostgres() as server:
        assert (server.folder, server.port) != (stale_folder, stale_port)
        server.execute("SELECT 1")
        # Its starting process is gone, so the next start stopped it and deleted its folder.
        assert not port_is_open(stale_port)
        assert not stale_folder.exists()
        folder, port = server.folder, server.port

    assert not port_is_open(port)
    assert not folder.exists()


def kiosk_conftest():
    """tests/conftest.py by its path: `import conftest` may give tests/browser's."""
    spec = importlib.util.spec_from_file_location("kiosk_conftest", TESTS / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("required, outcome", [("", pytest.skip.Exception),
                                               ("1", pytest.fail.Exception)])
def test_without_the_binaries_postgres_tests_skip_unless_postgres_is_required(
        monkeypatch, tmp_path, required, outcome):
    monkeypatch.setattr(server_module, "DEBIAN_ROOT", tmp_path / "no-postgresql")
    monkeypatch.setenv("KIOSK_REQUIRE_POSTGRES", required)
    with pytest.raises(outcome, match="no PostgreSQL under") as stopped:
        kiosk_conftest().throwaway_postgres_or_skip()
    assert ("KIOSK_REQUIRE_POSTGRES=1" in str(stopped.value)) == bool(required)
