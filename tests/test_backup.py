"""Nightly backups (SQLite's online backup, while the kiosk writes), keeping N days, and a
restore that refuses anything but a whole kiosk backup while the kiosk is stopped."""
import datetime
import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from handoff_support import RECORD
from kiosk import backup
from kiosk.backup_commands import backup_group
from kiosk.errors import SettingsError
from support import make_app, rows

HERE = Path(__file__).resolve().parent
UTC = datetime.timezone.utc


@pytest.fixture
def kiosk(tmp_path):
    return make_app(tmp_path, **{"backup.folder": str(tmp_path / "backups")})


def run(app, *arguments):
    return app.test_cli_runner().invoke(args=["backup", *arguments])


def fingerprint(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def test_a_backup_taken_while_the_kiosk_keeps_writing_is_one_moment_of_a_whole_database(
        tmp_path):
    """A real kiosk process makes submissions (each with its outbox entry, in one
    transaction) and delivers them, as fast as it can, while three backups are taken."""
    database = tmp_path / "kiosk" / "kiosk.db"
    overrides = {"database.path": str(database), "server.secret_key": "backup",
                 "catalogue.path": str(HERE / "data" / "mini_catalogue.toml"),
                 "speech.enabled": "no", "voice.enabled": "no",
                 "signs.library_dir": str(tmp_path / "signs")}
    writer = subprocess.Popen([sys.executable, str(HERE / "crash_kiosk.py"),
                               json.dumps(overrides)], stdout=subprocess.PIPE, text=True,
                              cwd=HERE.parent)
    try:
        assert writer.stdout.readline().startswith("shown ")   # it is writing
        taken = []
        for second in range(3):
            time.sleep(0.3)
            before = rows(database, "select count(*) from submissions")[0][0]
            taken.append((before, backup.take_backup(
                database, tmp_path / "backups", datetime.datetime(2026, 11, 28, 2, 0, second,
                                                                  tzinfo=UTC))))
    finally:
        writer.kill()
        writer.wait()
    after = rows(database, "select count(*) from submissions")[0][0]
    counts = []
    for before, made in taken:
        assert made.path.stat().st_mode & 0o777 == 0o600
        assert rows(made.path, "PRAGMA integrity_check") == [("ok",)]
        assert rows(made.path, "PRAGMA journal_mode") == [("delete",)]   # one whole file
        submissions = rows(made.path, "select count(*) from submissions")[0][0]
        # One moment in time: every submission has its outbox entry, and nothing more.
        assert rows(made.path, "select count(*) from outbox")[0][0] == submissions
        assert before <= submissions <= after
        counts.append(submissions)
    assert counts == sorted(counts) and counts[-1] > counts[0] > 0   # taken while writing
    assert (tmp_path / "backups").stat().st_mode & 0o777 == 0o700


def test_backup_now_and_list_say_what_they_did(kiosk, tmp_path):
    kiosk.extensions["kiosk"].store.create_submission("K2", RECORD)
    made = run(kiosk, "now")
    assert made.exit_code == 0, made.output
    assert "Backed up" in made.output and "checked" in made.output
    assert "0 older than 14 days deleted; 1 kept" in made.output
    listed = run(kiosk, "list")
    name = backup.backups(tmp_path / "backups")[0].path.name
    assert name in listed.output and "MB" in listed.output and "hours old" in listed.output


def test_list_with_no_backups_says_how_to_make_one(kiosk):
    assert "backup now" in run(kiosk, "list").output


def backup_file(folder, when, content=b"x"):
    path = folder / f"kiosk-{when:%Y%m%d-%H%M%S}.db"
    path.write_bytes(content)
    return path


NOW = datetime.datetime(2026, 11, 28, 2, 0, tzinfo=UTC)


def test_pruning_keeps_n_days_and_never_another_file(tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    kept = [backup_file(folder, NOW - datetime.timedelta(days=days)) for days in (0, 1, 13.9)]
    old = [backup_file(folder, NOW - datetime.timedelta(days=days)) for days in (14.1, 30)]
    foreign = [folder / name for name in ("notes.txt", "kiosk-latest.db", "kiosk.db",
                                          "kiosk-20251101-020000.db.bak",
                                          "kiosk-20251101-0200.db", ".kiosk-x.db.part")]
    for path in foreign:
        path.write_text("the operator's")
    (folder / "kiosk-20251102-020000.db").mkdir()       # a folder that looks like one
    deleted = backup.prune(folder, keep_days=14, now=NOW)
    assert sorted(deleted) == sorted(old)
    assert all(path.exists() for path in kept + foreign)
    assert (folder / "kiosk-20251102-020000.db").is_dir()


def test_pruning_never_deletes_the_newest_backup_however_old(tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    newest = backup_file(folder, NOW - datetime.timedelta(days=40))
    older = backup_file(folder, NOW - datetime.timedelta(days=41))
    assert backup.prune(folder, keep_days=14, now=NOW) == [older]
    assert newest.exists()


def test_restore_brings_back_exactly_the_backed_up_data_and_keeps_the_replaced_one(
        kiosk, tmp_path):
    store = kiosk.extensions["kiosk"].store
    saved = {store.create_submission("K2", RECORD) for _ in range(2)}
    made = backup.take_backup(store.path, tmp_path / "backups")
    later = store.create_submission("K2", RECORD)
    restored = run(kiosk, "restore", str(made.path))
    assert restored.exit_code == 0, restored.output
    assert "2 submissions, the newest made 20" in restored.output
    database = tmp_path / "kiosk.db"
    assert {row[0] for row in rows(database, "select reference from submissions")} == saved
    assert rows(database, "select count(*) from outbox") == [(2,)]
    kept = next(tmp_path.glob("kiosk.db.before-restore-*"))
    assert str(kept) in restored.output
    assert kept.stat().st_mode & 0o777 == 0o600
    assert {row[0] for row in rows(kept, "select reference from submissions")} == saved | {later}
    # The kiosk starts on the restored database and finds what it held.
    again = make_app(tmp_path, **{"backup.folder": str(tmp_path / "backups")})
    assert again.extensions["kiosk"].store.get_submission(later) is None
    assert all(again.extensions["kiosk"].store.get_submission(ref) for ref in saved)


def not_a_kiosk_database(path):
    connection = sqlite3.connect(path)
    connection.execute("create table photos (name text)")
    connection.commit()
    connection.close()


def damaged_copy(path, good):
    data = bytearray(good.read_bytes())
    page = 4096
    data[2 * page:3 * page] = b"\xff" * page    # a table's page overwritten
    path.write_bytes(bytes(data))


HOSTILE = {
    "missing": (lambda path, good: None, "is not a file"),
    "folder": (lambda path, good: path.mkdir(), "is not a file"),
    "empty": (lambda path, good: path.write_bytes(b""), "is not a SQLite database"),
    "text": (lambda path, good: path.write_text("SELECT * FROM submissions;\n" * 100),
             "is not a SQLite database"),
    "truncated": (lambda path, good: path.write_bytes(good.read_bytes()[:8192]),
                  "is cut short"),
    "damaged": (damaged_copy, "is damaged"),
    "another database": (lambda path, good: not_a_kiosk_database(path),
                         "not a kiosk's (it has no sessions or submissions table)"),
}


@pytest.mark.parametrize("kind", HOSTILE)
def test_restore_refuses_what_is_not_a_whole_kiosk_backup_and_changes_nothing(
        kiosk, tmp_path, kind):
    store = kiosk.extensions["kiosk"].store
    for _ in range(30):
        store.create_submission("K2", RECORD)
    good = backup.take_backup(store.path, tmp_path / "backups").path
    make, message = HOSTILE[kind]
    hostile = tmp_path / "hostile" / "kiosk-20261128-020000.db"
    hostile.parent.mkdir()
    make(hostile, good)
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = fingerprint(store.path)
    refused = run(kiosk, "restore", str(hostile))
    assert refused.exit_code == 1
    assert "nothing restored" in refused.output and message in refused.output
    assert "Traceback" not in refused.output
    assert fingerprint(store.path) == before
    assert not list(tmp_path.glob("kiosk.db.before-restore-*"))


def test_restore_refuses_the_database_itself_or_a_file_copy_of_a_live_one(kiosk, tmp_path):
    store = kiosk.extensions["kiosk"].store
    store.create_submission("K2", RECORD)
    itself = run(kiosk, "restore", str(store.path))
    assert itself.exit_code == 1 and "is the database itself" in itself.output
    copy = tmp_path / "copy" / "kiosk.db"
    copy.parent.mkdir()
    for suffix in ("", "-wal"):
        shutil.copyfile(f"{store.path}{suffix}", f"{copy}{suffix}")
    live = run(kiosk, "restore", str(copy))
    assert live.exit_code == 1 and "kiosk.db-wal file beside it" in live.output
    assert not list(tmp_path.glob("kiosk.db.before-restore-*"))


def test_restore_refuses_while_a_process_has_the_database_open(kiosk, tmp_path):
    store = kiosk.extensions["kiosk"].store
    made = backup.take_backup(store.path, tmp_path / "backups")
    reader = subprocess.Popen([sys.executable, "-c", "import sqlite3, sys, time; "
                               f"c = sqlite3.connect({str(store.path)!r}); "
                               "c.execute('select count(*) from submissions').fetchall(); "
                               "print('open', flush=True); time.sleep(60)"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline() == "open\n"
        refused = run(kiosk, "restore", str(made.path))
    finally:
        reader.kill()
        reader.wait()
    assert refused.exit_code == 1
    assert f"other processes have {store.path} open: {reader.pid}" in refused.output
    assert "stop the kiosk first" in refused.output


def standalone(tmp_path, *arguments, **settings):
    """`python -m kiosk.backup_commands ...`: kiosk.ini's settings alone, no app built."""
    ini = tmp_path / "kiosk.ini"
    text = (HERE.parent / "kiosk.ini").read_text()
    text = text.replace("path = kiosk/data/catalogue.toml",
                        f"path = {HERE / 'data' / 'mini_catalogue.toml'}")
    for key, value in settings.items():
        text = text.replace(f"\n{key} =", f"\n{key} = {value}\n# was:", 1)
    ini.write_text(text)
    return CliRunner().invoke(backup_group, list(arguments), env={"KIOSK_CONFIG": str(ini)})


def test_a_database_too_damaged_to_start_the_kiosk_can_still_be_restored(kiosk, tmp_path):
    store = kiosk.extensions["kiosk"].store
    saved = store.create_submission("K2", RECORD)
    made = backup.take_backup(store.path, tmp_path / "backups")
    database = tmp_path / "var" / "kiosk.db"    # kiosk.ini's own path, beside the ini
    database.parent.mkdir()
    database.write_bytes(b"\0" * 10000)         # the disk gave back zeros
    restored = standalone(tmp_path, "restore", str(made.path))
    assert restored.exit_code == 0, restored.output
    assert rows(database, "select reference from submissions") == [(saved,)]
    kept = next(database.parent.glob("kiosk.db.before-restore-*"))
    assert kept.read_bytes() == b"\0" * 10000


def test_a_central_back_office_on_postgresql_is_told_to_use_pg_dump(tmp_path):
    answer = standalone(tmp_path, "now", role="backoffice",
                        database="postgresql://kiosk:secret@db.hall/backoffice")
    assert answer.exit_code == 1
    assert "back it up with pg_dump" in answer.output and "db.hall/backoffice" in answer.output
    assert "secret" not in answer.output
    assert not (tmp_path / "var" / "backups").exists()


def test_a_kiosk_whose_back_office_is_on_postgresql_backs_up_its_own_file_and_says_so(
        tmp_path):
    make_app(tmp_path / "var")      # makes var/kiosk.db
    answer = standalone(tmp_path, "now", database="postgresql://kiosk:secret@db.hall/bo")
    assert answer.exit_code == 0, answer.output
    assert "Note: the back office's data is in PostgreSQL (db.hall/bo): back it up with " \
           "pg_dump" in answer.output
    assert len(backup.backups(tmp_path / "var" / "backups")) == 1


@pytest.mark.parametrize("value, problem", [("0", "must be between 1 and 3650, not 0"),
                                            ("two weeks", "must be a whole number"),
                                            ("", "is empty")])
def test_a_bad_keep_days_stops_start_up_naming_section_and_key(tmp_path, value, problem):
    with pytest.raises(SettingsError, match=rf"\[backup\] keep_days {problem}"):
        make_app(tmp_path, **{"backup.keep_days": value})


def test_a_damaged_database_is_not_backed_up_and_every_older_backup_stays(kiosk, tmp_path):
    store = kiosk.extensions["kiosk"].store
    for _ in range(30):
        store.create_submission("K2", RECORD)
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    database = tmp_path / "var" / "kiosk.db"    # kiosk.ini's own path, beside the ini
    database.parent.mkdir()
    damaged_copy(database, store.path)
    (tmp_path / "var" / "backups").mkdir()
    old = backup_file(tmp_path / "var" / "backups", NOW - datetime.timedelta(days=400))
    answer = standalone(tmp_path, "now")
    assert answer.exit_code == 1
    assert f"the database {database} looks damaged" in answer.output
    assert "the older backups are all kept" in answer.output
    assert [made.path for made in backup.backups(old.parent)] == [old]   # nothing pruned
    assert not list((tmp_path / "var" / "backups").glob(".*.part"))
