"""Power cuts on the kiosk as installed: the real server (`python -m kiosk.serve`, as
kiosk-server.service runs it, delivering in its own process) is killed with SIGKILL while
residents confirm applications over HTTP, and started again, as systemd's Restart=always
does. Every reference a resident saw on the done page is in the database and reaches the
back office exactly once; the database passes SQLite's integrity check; the nightly backup
command works while residents write, and a restore refuses while the kiosk runs.

tests/test_handoff_crash.py kills the storing and delivery code itself at random moments;
this test kills the whole served kiosk, sessions and web server included."""
import http.client
import random
import re
import sys
import threading
import time

import pytest
from sqlalchemy import text

from handoff_support import back_office_app, serve
from remote_browser import RemoteBrowser
from served_kiosk import ROOT, ServedKiosk, wait_for
from support import answer_whole_form, csrf_token, rows

SHOP_ANSWERS = {"applicant_name": "张三", "applicant_id_type": "cn_resident",
                "applicant_id_number": "11010519491231002X", "applicant_phone": "13812345678",
                "shop_name": "小面馆", "shop_kind": "restaurant"}
RESIDENTS = 3       # browsers confirming applications at once (a busy hall has a few kiosks)
KILLS = 2


def resident_post(browser, url, data=None):
    return browser.post(url, data={"csrf_token": csrf_token(browser), **(data or {})})


def confirm_applications(url, shown):
    """One resident after another at a kiosk, until it stops answering: each reference the
    done page showed goes into `shown`."""
    while True:
        browser = RemoteBrowser(url)
        try:
            resident_post(browser, "/preferences", {"lang": "en", "next": "/"})
            resident_post(browser, "/packages", {"package": "open_shop"})
            answer_whole_form(browser, SHOP_ANSWERS)
            if resident_post(browser, "/submit").location != "/done":
                continue
            done = browser.get("/done")
            if done.status_code == 200:
                shown.append(re.search(r"data-reference>([^<]+)<",
                                       done.get_data(as_text=True)).group(1))
        except (OSError, http.client.HTTPException, AttributeError):    # the power went (a page half read, or none)
            return


@pytest.fixture
def hall(tmp_path):
    """The back office (another install, over HTTP) and the kiosk handing off to it."""
    back_office = back_office_app(tmp_path)
    url, server = serve(back_office)
    (tmp_path / "kiosk").mkdir()
    kiosk = ServedKiosk(tmp_path / "kiosk", url)
    yield kiosk, back_office.extensions["kiosk"].backoffice_database
    kiosk.power_cut()
    server.shutdown()


def test_after_power_cuts_every_reference_shown_is_kept_and_delivered_exactly_once(hall):
    kiosk, back_office = hall
    draw = random.Random(16)
    shown = []
    for round_ in range(KILLS):
        kiosk.start()
        residents = [threading.Thread(target=confirm_applications, args=(kiosk.url, shown))
                     for _ in range(RESIDENTS)]
        for resident in residents:
            resident.start()
        if round_ == 0:
            # The nightly backup, as kiosk-backup.timer runs it, while residents confirm.
            made = kiosk.command(str(ROOT / ".venv" / "bin" / "flask"), "--app", "kiosk",
                                 "backup", "now")
            assert made.returncode == 0, made.stderr
            backup = next((kiosk.folder / "backups").glob("kiosk-*.db"))
            assert rows(backup, "PRAGMA integrity_check") == [("ok",)]
            # A restore refuses while the kiosk runs, and leaves it running.
            refused = kiosk.command(sys.executable, "-m", "kiosk.backup_commands", "restore",
                                    str(backup))
            assert refused.returncode == 1
            assert "the kiosk is running on this database" in refused.stderr
        time.sleep(draw.uniform(1.0, 2.0))
        kiosk.power_cut()
        for resident in residents:
            resident.join(timeout=30)
    assert len(shown) > 10

    kiosk.start()   # as systemd does after each kill, and the machine after a power cut
    try:
        def received():
            return [row["reference"] for row in back_office.rows(
                text("select reference from inbox"))]
        wait_for(lambda: set(shown) <= set(received()), "the shown references to arrive")
        kept = {row[0] for row in rows(kiosk.database, "select reference from submissions")}
        assert set(shown) <= kept                           # nothing shown is lost
        assert rows(kiosk.database, "PRAGMA integrity_check") == [("ok",)]
        assert len(received()) == len(set(received()))      # nothing arrives twice
        # A new resident (a screen restarted with the machine) meets the home screen.
        home = RemoteBrowser(kiosk.url).get("/")
        assert home.status_code == 200 and 'data-screen="home"' in home.get_data(as_text=True)
    finally:
        kiosk.power_cut()
