"""The back office's database: migrations make exactly the tables the code queries, in
SQLite and PostgreSQL alike; an older kiosk's database is upgraded with nothing lost; a
database that cannot be used stops start-up with one clear line."""
import sqlite3

import pytest
import sqlalchemy
from sqlalchemy import text
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from kiosk.backoffice.database import Database, latest_revision, sqlite_url
from kiosk.backoffice.tables import metadata
from kiosk.errors import StorageError
from support import TESTS, make_app

BEFORE_MIGRATIONS = TESTS / "data" / "backoffice-before-migrations.sql"
TABLES = ("inbox", "audit", "notes", "document_checks", "rating_received", "calls", "staff",
          "sign_in_throttle", "failed_sign_ins")


def test_the_migrations_make_exactly_the_tables_the_code_queries(backoffice_database):
    assert backoffice_database.revision() == latest_revision()
    with backoffice_database.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    # Only the migrations' own bookkeeping table is not among the code's tables.
    assert [(change[0], change[1].name) for change in differences] == \
        [("remove_table", "backoffice_migrations")]


def test_upgrading_again_changes_nothing(backoffice_database):
    backoffice_database.upgrade()
    assert backoffice_database.revision() == latest_revision()


def old_kiosk_database(tmp_path):
    """A kiosk's database as the kiosk made it before the back office had migrations."""
    path = tmp_path / "kiosk.db"
    with sqlite3.connect(path) as old:
        old.executescript(BEFORE_MIGRATIONS.read_text(encoding="utf-8"))
    return path


def table_rows(url):
    engine = sqlalchemy.create_engine(url)
    with engine.connect() as connection:
        rows = {table: [dict(row) for row in connection.execute(
            sqlalchemy.text(f"select * from {table}")).mappings()] for table in TABLES}
    engine.dispose()
    return rows


def test_an_older_kiosks_database_is_upgraded_with_nothing_lost(tmp_path):
    path = old_kiosk_database(tmp_path)
    before = table_rows(sqlite_url(path))
    assert sum(len(rows) for rows in before.values()) == 19     # a little of everything
    database = Database(sqlite_url(path))
    database.upgrade()
    assert database.revision() == latest_revision()
    after = table_rows(sqlite_url(path))
    for table in TABLES:
        kept = [{key: row[key] for key in before[table][0]} for row in after[table]] \
            if before[table] else after[table]
        assert kept == before[table], table
    # What later migrations add is filled in from what was there.
    (rating,) = after["rating_received"]
    assert (rating["rated"], rating["rated_utc"]) == ("2026-11-03T10:00:00+08:00",
                                                      "2026-11-03T02:00:00+00:00")


def test_the_clerks_work_on_in_an_upgraded_database(tmp_path):
    old_kiosk_database(tmp_path)
    app = make_app(tmp_path, **{"backoffice.database": ""})   # the kiosk's own file
    services = app.extensions["kiosk"]
    rows, total, _ = services.backoffice.page({})
    assert total == 3 and {row["status"] for row in rows} == {"in_progress", "returned",
                                                              "received"}
    first = rows[0]["reference"]
    assert services.backoffice.notes(first)[0]["text"] == "已电话联系\n明天来"
    assert services.staff.sign_in("王丽", "correct horse battery")[0] == "ok"
    assert services.received_ratings.follow_ups(status="open")[0]["reference"] == first
    assert services.received_ratings.rows(since="2026-11-03", until="2026-11-03")
    services.backoffice.change_status(first, "completed", "王丽")
    assert services.backoffice.submission(first)["status"] == "completed"


def test_the_same_upgrade_runs_on_postgresql(postgres_url):
    database = Database(postgres_url)
    database.upgrade()
    assert database.dialect == "postgresql" and database.revision() == latest_revision()
    database.dispose()


@pytest.mark.parametrize("url, message", [
    ("postgresql://nobody@127.0.0.1:9/nothing", "cannot be reached"),
    ("mysql://somewhere/db", "cannot be used"),
])
def test_a_database_that_cannot_be_used_is_one_clear_line(url, message):
    with pytest.raises(StorageError, match=message):
        Database(url).upgrade()


@pytest.mark.parametrize("value", ["postgresql://", "http://db/x", "kiosk.db", "sqlite://"])
def test_a_database_setting_that_is_no_database_names_the_key(tmp_path, value):
    with pytest.raises(Exception, match=r"\[backoffice\] database"):
        make_app(tmp_path, **{"backoffice.database": value})


def test_a_submission_delivered_twice_at_once_is_stored_and_audited_once(tmp_path):
    """Two deliveries of one submission crossing (a retry and a slow answer), in either
    database: one "created", the rest "duplicate", one row and one "received" in the audit."""
    import threading

    from handoff_support import RECORD
    from kiosk.handoff import payload
    app = make_app(tmp_path)
    services = app.extensions["kiosk"]
    reference = services.store.create_submission("K2", RECORD)
    document = payload(services.store.get_submission(reference), services.catalogue)
    answers, start = [], threading.Barrier(4)

    def deliver():
        start.wait()
        answers.append(services.backoffice.receive(document))

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == ["created", "duplicate", "duplicate", "duplicate"]
    assert services.backoffice.page({})[1] == 1
    assert [row["action"] for row in services.backoffice.history(reference)] == ["received"]


def test_the_operator_sees_the_database_and_its_migration_never_the_password(tmp_path,
                                                                            postgres_url):
    # The test server trusts loopback, so any password is taken; it must not be printed.
    with_password = postgres_url.replace("postgres@", "postgres:s3cret@")
    app = make_app(tmp_path, **{"backoffice.database": with_password})
    output = app.test_cli_runner().invoke(args=["backoffice", "database"]).output
    assert output.startswith("postgresql: postgresql+psycopg://postgres:***@127.0.0.1:")
    assert f"schema at migration {latest_revision()}" in output and "s3cret" not in output


def test_kiosks_signed_requests_leave_the_session_store_alone(tmp_path):
    """A back office receiving from many kiosks writes nothing to its session store for
    them; the next person's first page still wipes what walked away."""
    from handoff_support import RECORD, SECRET
    from kiosk.handoff import body_of, payload, signed_headers
    app = make_app(tmp_path, **{"handoff.secret": SECRET})
    services = app.extensions["kiosk"]
    services.store.save_session("walked-away", {"lang": "ko"}, now=0, lifetime_seconds=1)
    reference = services.store.create_submission("K2", RECORD)
    body = body_of(payload(services.store.get_submission(reference), services.catalogue))
    answer = app.test_client().post("/backoffice/api/submissions", data=body,
                                    headers=signed_headers(SECRET, body, reference))

    def stored():
        return [row["id"] for row in services.store.db.query("select id from sessions")]
    assert answer.status_code == 201 and stored() == ["walked-away"]
    app.test_client().get("/")
    assert "walked-away" not in stored()


def test_a_kiosk_cannot_take_another_kiosks_reference(tmp_path):
    from handoff_support import RECORD
    from kiosk.backoffice.inbox import Rejected
    from kiosk.handoff import payload
    services = make_app(tmp_path).extensions["kiosk"]
    reference = services.store.create_submission("K2", RECORD)
    document = payload(services.store.get_submission(reference), services.catalogue)
    with pytest.raises(Rejected, match="reference: does not begin with the kiosk_id"):
        services.backoffice.receive({**document, "kiosk_id": "K7"})


def test_a_burst_of_wrong_passwords_counts_every_one(tmp_path):
    """Guesses sent at once all count: none slips through between a read and a write."""
    import threading
    staff = make_app(tmp_path).extensions["kiosk"].staff
    staff.add("clerk", "correct horse battery")
    start = threading.Barrier(8)

    def guess(number):
        start.wait()
        staff.sign_in("clerk", f"wrong guess {number}", client=f"10.0.0.{number}")

    threads = [threading.Thread(target=guess, args=(number,)) for number in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    counted = staff.database.scalar(text(
        "select failures from sign_in_throttle where key = 'name:clerk'"))
    assert counted == 8


def test_a_stored_secret_cut_short_by_a_power_cut_is_made_anew(tmp_path):
    (tmp_path / "handoff_secret").write_text("")
    services = make_app(tmp_path).extensions["kiosk"]
    assert len(services.handoff_secret) == 64
    assert (tmp_path / "handoff_secret").read_text().strip() == services.handoff_secret


def test_only_the_applications_own_kiosk_may_rate_it(tmp_path):
    from handoff_support import RECORD
    from kiosk.backoffice.inbox import Rejected
    from kiosk.handoff import payload
    services = make_app(tmp_path).extensions["kiosk"]
    reference = services.store.create_submission("K2", RECORD)
    services.backoffice.receive(payload(services.store.get_submission(reference),
                                        services.catalogue))
    rating = {"schema": "kiosk.rating/1", "reference": reference, "kiosk_id": "K7",
              "level": "dissatisfied", "reasons": [], "rated": "2026-11-28T10:00:00+08:00",
              "version": 1}
    with pytest.raises(Rejected, match="another kiosk"):
        services.received_ratings.receive(rating)
    assert services.received_ratings.receive({**rating, "kiosk_id": "K2"}) == "created"
    assert services.received_ratings.receive({**rating, "kiosk_id": "K2"}) == "duplicate"
