"""Operator commands say what they are doing and what to do next; after a catalogue change
the kiosk names the prompts that have no speech or sign-language clip yet."""
import json

import pytest
from click.testing import CliRunner
from flask.cli import FlaskGroup

from kiosk import create_app
from kiosk.prompts import Prompts, speech_jobs
from kiosk.readiness import signs_to_record, unspoken_prompts
from pagecheck import text_of
from support import MINI_CATALOGUE, make_app

# A new service and the package that offers it, as an operator would add them.
NEW_PACKAGE = """
[items.id_renewal]
title = { zh = "身份证换领", en = "ID card renewal", ko = "신분증 갱신" }
summary = { zh = "到期换证", en = "Renew an expiring ID card", ko = "만료된 신분증 갱신" }
category = "family"
department = "police"
time_limit_days = 1
fee_yuan = 20
online = false
no_meeting = true
documents = ["id_card"]
fields = ["applicant_name"]

[items.id_renewal.next_step]
visit = "later"
where = "counter_8"

[packages.renew_id]
title = { zh = "我要换身份证", en = "I need a new ID card", ko = "신분증을 바꾸고 싶어요" }
summary = { zh = "证件到期", en = "When your ID card expires", ko = "신분증 만료" }
order = 30
icon = "card"
items = [{ item = "id_renewal", required = true }]
"""


# speech warm: a bar on a terminal; in a test, the label and a closing line.

@pytest.fixture
def two_prompts(monkeypatch):
    """The kiosk's prompts cut down to two keys, so a real warm-up takes a second or two."""
    monkeypatch.setattr(Prompts, "keys",
                        lambda self, errors=True: ["screen.home", "control.start"])


def test_speech_warm_shows_its_progress_and_says_residents_wait_no_more(tmp_path, two_prompts):
    app = make_app(tmp_path)
    jobs = len(list(speech_jobs(app.extensions["kiosk"].prompts)))
    result = app.test_cli_runner().invoke(args=["speech", "warm", "--processes", "1"])
    assert result.exit_code == 0, result.output
    assert f"Synthesising {jobs} prompts with 1 process\n" in result.output
    assert f"  done: {jobs} prompts in " in result.output
    assert f"{jobs} prompts synthesised, 0 already cached" in result.output
    assert "cache_max_mb" in result.output
    assert result.output.rstrip().endswith("no restart needed.")
    assert "Residents now hear every prompt at once" in result.output


def test_speech_warm_that_leaves_prompts_out_names_them_and_fails(tmp_path, two_prompts,
                                                                  monkeypatch):
    monkeypatch.setattr("kiosk.prompts.speech_jobs", lambda prompts: iter([]))
    result = make_app(tmp_path).test_cli_runner().invoke(args=["speech", "warm"])
    assert result.exit_code == 1
    assert "Prompts still not in the cache:\n  zh: 2 (screen.home, control.start)" in result.output
    assert "raise cache_max_mb" in result.output
    assert "Residents now hear" not in result.output


# A hostile icon stops the command in one line naming the allowed icons.

@pytest.mark.parametrize("icon", ["../../etc/passwd", "<script>alert(1)</script>"])
def test_the_catalogue_command_refuses_a_hostile_icon_in_one_line(tmp_path, icon):
    catalogue = tmp_path / "catalogue.toml"
    catalogue.write_text(MINI_CATALOGUE.read_text(encoding="utf-8").replace(
        'icon = "shop"', f"icon = {json.dumps(icon)}"), encoding="utf-8")
    kiosk_cli = FlaskGroup(create_app=lambda: create_app({"KIOSK_OVERRIDES": {
        "catalogue.path": str(catalogue), "database.path": str(tmp_path / "kiosk.db"),
        "speech.enabled": "no"}}))
    result = CliRunner().invoke(kiosk_cli, ["catalogue"])
    assert result.exit_code == 1
    assert 'package "open_shop": field "icon" must be one of the package icons: shop, baby, ' \
           "retire, hire, card, school, move, change, home, health" in result.output
    assert repr(icon) in result.output and "Traceback" not in result.output


# After a catalogue change: which new prompts need speech and sign-language clips.

@pytest.fixture
def kiosk_before_and_after(tmp_path):
    """The kiosk on the mini catalogue with every prompt spoken and signed (stand-in audio and
    clips), and the same kiosk after the operator added a package with a new service."""
    shared = {"speech.cache_dir": str(tmp_path / "speech"),
              "signs.library_dir": str(tmp_path / "signs"), "kiosk.default_language": "en"}
    for name in ("before", "after"):
        (tmp_path / name).mkdir()
    before = make_app(tmp_path / "before", **shared)
    fill_speech_cache(before.extensions["kiosk"])
    write_clips(before.extensions["kiosk"], tmp_path / "signs")
    before = make_app(tmp_path / "before", **shared)   # reads the manifest just written
    changed = tmp_path / "changed.toml"
    changed.write_text(MINI_CATALOGUE.read_text(encoding="utf-8") + NEW_PACKAGE, encoding="utf-8")
    return before, make_app(tmp_path / "after", catalogue=changed, **shared)


def fill_speech_cache(kiosk):
    """Stand-in audio for everything `speech warm` makes: only the files' existence counts."""
    for text, language, slow in speech_jobs(kiosk.prompts):
        kiosk.speech.cache.put(kiosk.speech.key(text, language, slow), b"RIFF stand-in")


def write_clips(kiosk, folder):
    """A stand-in clip for every prompt an interpreter records, in every sign language."""
    (folder / "all.webm").write_bytes(b"stand-in")
    clips = [{"key": key, "sign_language": sign_language, "file": "all.webm", "duration": 2.0,
              "signer": "Li", "status": "recorded", "recorded": "2026-11-20"}
             for sign_language in kiosk.settings.signs.sign_languages.values()
             for key in kiosk.prompts.recording_keys()]
    (folder / "manifest.json").write_text(json.dumps({"clips": clips}))


def new_keys(before, after, keys):
    known = set(keys(before.extensions["kiosk"].prompts))
    return [key for key in keys(after.extensions["kiosk"].prompts) if key not in known]


def test_nothing_is_missing_before_the_change(kiosk_before_and_after):
    before, _ = kiosk_before_and_after
    kiosk = before.extensions["kiosk"]
    assert unspoken_prompts(kiosk.speech, kiosk.prompts) == {}
    assert not any(signs_to_record(kiosk.signs, kiosk.prompts, kiosk.settings.signs).values())
    output = before.test_cli_runner().invoke(args=["catalogue"]).output
    assert "Read aloud: every prompt is in the speech cache." in output
    assert "Sign language: every prompt has an up-to-date clip." in output
    page = before.test_client().get("/status").get_data(as_text=True)
    assert "speech warm" not in page and "/studio" not in page


def test_the_new_prompts_are_named_as_needing_speech_and_clips(kiosk_before_and_after):
    before, after = kiosk_before_and_after
    kiosk = after.extensions["kiosk"]
    unspoken = new_keys(before, after, lambda prompts: prompts.keys(errors=False))
    unsigned = new_keys(before, after, Prompts.recording_keys)
    assert unspoken[:2] == ["package.renew_id", "chosen.renew_id"] and "item.id_renewal" in unspoken
    assert unspoken_prompts(kiosk.speech, kiosk.prompts) == {
        language: unspoken for language in ("zh", "en", "ko")}
    assert signs_to_record(kiosk.signs, kiosk.prompts, kiosk.settings.signs) == {
        sign_language: unsigned for sign_language in ("CSL", "ASL", "KSL")}


def test_the_catalogue_command_names_the_new_prompts_and_how_to_fix_them(kiosk_before_and_after):
    before, after = kiosk_before_and_after
    unspoken = new_keys(before, after, lambda prompts: prompts.keys(errors=False))
    unsigned = new_keys(before, after, Prompts.recording_keys)
    output = after.test_cli_runner().invoke(args=["catalogue"]).output
    assert "  renew_id: 我要换身份证 / I need a new ID card (1 item)" in output
    assert (f"  ko: {len(unspoken)} ({', '.join(unspoken[:5])} and {len(unspoken) - 5} more)\n"
            "  Make them now: flask --app kiosk speech warm") in output
    assert f"  KSL: {len(unsigned)} ({', '.join(unsigned)})\n  Record them in the studio" in output
    assert output.rstrip().endswith("where it runs as one.")
    assert "restart the kiosk to use it" in output


def test_the_status_page_names_the_new_prompts_and_how_to_fix_them(kiosk_before_and_after):
    before, after = kiosk_before_and_after
    unspoken = new_keys(before, after, lambda prompts: prompts.keys(errors=False))
    page = after.test_client().get("/status").document
    speech = page.find(".//section[@aria-labelledby='status-speech']")
    signs = page.find(".//section[@aria-labelledby='status-signs']")
    assert [code.text for code in speech.iter("code")] == unspoken[:5] * 3   # zh, en, ko
    assert f"and {len(unspoken) - 5} more" in text_of(speech)
    assert "flask --app kiosk speech warm" in text_of(speech)
    assert {code.text for code in signs.iter("code")} == {"package.renew_id", "item.id_renewal"}
    assert signs.find(".//a[@href='/studio']") is not None
