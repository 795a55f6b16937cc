"""The SQLite store: sessions, submissions with their outbox entry, reference numbers."""
import datetime
import random
import sqlite3

import pytest

from kiosk.references import is_well_formed, new_reference
from kiosk.settings import UNAMBIGUOUS_ALPHABET
from kiosk.handoff import Outbox
from kiosk.store import Store

RECORD = {"language": "zh", "modes": [], "package": {"key": "retire"}, "items": [],
          "answers": {"applicant_name": "王芳"}, "documents": [], "eligibility": {}}


@pytest.fixture
def store(tmp_path):
    return Store(tmp_path / "kiosk.db")


@pytest.fixture
def outbox(store):
    """The outbox of `store`: it queues each new submission in the submission's transaction."""
    return Outbox(store, catalogue=None, target=None, retry_hours=48)


def test_the_database_runs_in_wal_mode(store):
    assert store.db.execute("pragma journal_mode").fetchone()[0] == "wal"


def test_a_submission_and_its_outbox_entry_are_stored_together(store, outbox):
    reference = store.create_submission("K2", RECORD)
    assert store.get_submission(reference)["answers"] == {"applicant_name": "王芳"}
    assert [row["status"] for row in outbox.entries_for(reference)] == ["pending"]


def test_when_the_outbox_write_fails_no_submission_is_left_behind(store, outbox):
    store.db.execute("create trigger refuse before insert on outbox "
                     "begin select raise(abort, 'disk full'); end")
    with pytest.raises(sqlite3.IntegrityError):
        store.create_submission("K2", RECORD)
    assert store.db["submissions"].count == 0


def test_a_reference_drawn_twice_is_drawn_again(store, monkeypatch):
    draws = iter(["K2-261126-AAAA", "K2-261126-AAAA", "K2-261126-BBBB"])
    monkeypatch.setattr("kiosk.store.new_reference", lambda kiosk_id, when: next(draws))
    assert store.create_submission("K2", RECORD) == "K2-261126-AAAA"
    assert store.create_submission("K2", RECORD) == "K2-261126-BBBB"


def test_references_are_short_unambiguous_and_carry_the_kiosk_id():
    when = datetime.datetime(2026, 11, 26, 9, 30)
    references = {new_reference("HB2K9Z", when) for _ in range(500)}
    for reference in references:
        assert len(reference) <= 20
        assert reference.startswith("HB2K9Z-261126-")
        kiosk_id, date, tail = reference.split("-")
        assert not set(reference) & set("OI")        # no letter that looks like 0 or 1
        assert not set(kiosk_id + tail) & set("01")  # digits 0 and 1 only in the date
        assert is_well_formed(reference)
    assert len(references) > 490


def test_any_single_mistyped_character_fails_the_check():
    draw = random.Random(2026)
    for _ in range(200):
        reference = new_reference("K2", datetime.datetime(2026, 11, 26), choose=draw.choice)
        for position, char in enumerate(reference):
            if char == "-":
                continue
            in_date = position in range(3, 9)
            for other in ("0123456789" if in_date else UNAMBIGUOUS_ALPHABET).replace(char, ""):
                typo = reference[:position] + other + reference[position + 1:]
                assert not is_well_formed(typo), (reference, typo)


def test_sessions_idle_too_long_are_gone(store):
    store.save_session("abc", {"lang": "en"}, now=1000.0, lifetime_seconds=150)
    store.save_session("clerk", {"staff": "wang"}, now=1000.0, lifetime_seconds=1260)
    assert store.load_session("abc", now=1150.0) == {"lang": "en"}
    assert store.load_session("abc", now=1151.0) is None
    assert store.purge_sessions(now=1151.0) == 1
    assert store.load_session("clerk", now=2260.0) == {"staff": "wang"}
    assert store.purge_sessions(now=2261.0) == 1


def test_an_older_database_gains_the_columns_later_versions_use(tmp_path):
    import sqlite3
    path = tmp_path / "old.db"
    old = sqlite3.connect(path)
    old.execute("create table outbox (id integer primary key, reference text, status text, "
                "attempts integer, next_attempt text, created text, last_error text)")
    old.commit()
    old.close()
    store = Store(path)
    Outbox(store, catalogue=None, target=None, retry_hours=48)
    assert "delivered" in store.db["outbox"].columns_dict
