"""The clerks' Kiosks page in the browser: every kiosk's state and why, in Chinese and Korean,
axe clean, updated without reloading (with a polite announcement), and a plain page
without script."""
import copy
import datetime

import pytest
from playwright.sync_api import expect
from sqlalchemy import insert

from conftest import serve_kiosk
from kiosk.backoffice import tables
from layout import LANDSCAPE, axe_violations, layout_problems
from resident import Resident

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery"
SHA = "0123456789abcdef" * 4
REPORT = {
    "schema": "kiosk.heartbeat/1", "kiosk_id": "K5", "kiosk_name": "二楼大厅 5 号机",
    "sent": "2026-11-02T09:00:00+00:00", "software_version": "0.1.0+f691800",
    "catalogue": {"version": None, "sha256": SHA}, "clip_library": {"sha256": SHA},
    "outbox": {"pending": 0, "dead": 0, "oldest_pending_seconds": None},
    "speech": {"enabled": True, "engine_ready": True, "unspoken_prompts": 0, "ready": True},
    "voice": {"enabled": True, "models": {"ko": "installed"}, "ready": True},
    "signs": {"CSL": {"recorded": 12, "total": 183}},
    "disk": {"free_bytes": 50_000_000_000, "total_bytes": 250_000_000_000},
    "printer": {"state": "unknown"}, "last_resident_activity": None,
}


def report(**parts):
    made = copy.deepcopy(REPORT)
    for name, value in parts.items():
        if isinstance(value, dict):
            made[name].update(value)
        else:
            made[name] = value
    return made


@pytest.fixture(scope="module")
def fleet_server(tmp_path_factory):
    """A back office that has heard from three kiosks and has a fourth in its register."""
    app, url, server = serve_kiosk(tmp_path_factory.mktemp("fleet"),
                                   **{"kiosk.time_zone": "Asia/Shanghai"})
    services = app.extensions["kiosk"]
    services.staff.add("王丽", PASSWORD, roles=["clerk"])
    now = datetime.datetime.now(datetime.timezone.utc)
    services.fleet.receive(report(), now=now)
    services.fleet.receive(report(kiosk_id="K3", kiosk_name="社区中心 2 号机",
                                  outbox={"pending": 31, "dead": 2,
                                          "oldest_pending_seconds": 1500.0}), now=now)
    services.fleet.receive(report(kiosk_id="K4", kiosk_name="一楼入口 4 号机"),
                           now=now - datetime.timedelta(minutes=12))
    services.backoffice_database.run(insert(tables.kiosks).values(
        id="K9", name="图书馆 9 号机", added=now.isoformat()))
    yield app, url
    server.shutdown()


def test_a_clerk_watches_the_fleet_in_chinese_and_korean(browser, fleet_server, screenshots):
    app, base_url = fleet_server
    context = browser.new_context(base_url=base_url, viewport=LANDSCAPE)
    page = context.new_page()
    words = Resident(page, app, "zh").words
    page.goto("/staff/sign-in")
    page.locator("#name").fill("王丽")              # staff have a keyboard at their desk
    page.locator("#password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name=words("Sign in")).click()
    with page.expect_navigation():
        page.get_by_role("link", name=words("Kiosks"), exact=True).click()
    expect(page.locator("h1")).to_have_text(words("Kiosks"))
    rows = page.locator("[data-kiosk-id]")
    expect(rows).to_have_count(4)
    assert [rows.nth(i).get_attribute("data-kiosk-id") for i in range(4)] == \
        ["K4", "K9", "K3", "K5"]                          # down, down, warning, ok
    expect(rows.nth(0)).to_contain_text(words("Silent for %(minutes)d min", minutes=12))
    expect(rows.nth(1)).to_contain_text(words("Never heard from"))
    expect(rows.nth(2)).to_contain_text(words("Outbox backing up: %(pending)d waiting, the "
                                              "oldest for %(minutes)d min",
                                              pending=31, minutes=25))
    expect(rows.nth(3)).to_contain_text(words("OK"))
    expect(rows.nth(3)).to_contain_text("(UTC+08:00)")
    assert not axe_violations(page)
    assert not layout_problems(page, large_text=False)
    screenshots(page, "zh-backoffice", "fleet")

    # A kiosk runs out of paper: the page shows it without reloading, and says so politely.
    app.extensions["kiosk"].fleet.receive(report(printer={"state": "out_of_paper"}))
    expect(rows.nth(3)).to_contain_text(words("Printer out of paper"), timeout=10_000)
    expect(page.locator("[data-fleet-announce]")).to_have_text(words(
        "%(kiosk)s (%(id)s) is now: %(state)s", kiosk="二楼大厅 5 号机", id="K5",
        state=words("Warning")))
    assert page.locator("[data-fleet-announce]").get_attribute("aria-live") == "polite"

    with page.expect_navigation():
        page.get_by_role("button", name="한국어").click()
    korean = Resident(page, app, "ko").words
    expect(page.locator("h1")).to_have_text(korean("Kiosks"))
    expect(rows.nth(1)).to_contain_text(korean("Never heard from"))
    assert not axe_violations(page)
    screenshots(page, "ko-backoffice", "fleet")
    context.close()


def test_without_script_the_page_shows_the_fleet_as_it_loaded(browser, fleet_server):
    app, base_url = fleet_server
    context = browser.new_context(base_url=base_url, viewport=LANDSCAPE,
                                  java_script_enabled=False)
    page = context.new_page()
    words = Resident(page, app, "zh").words
    page.goto("/staff/sign-in")
    page.locator("#name").fill("王丽")
    page.locator("#password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name=words("Sign in")).click()
    page.goto("/backoffice/fleet")
    expect(page.locator("[data-kiosk-id]")).to_have_count(4)
    expect(page.locator("[data-kiosk-id='K9']")).to_contain_text(words("Never heard from"))
    context.close()
