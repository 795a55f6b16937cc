"""Sign-language clips: manifest, coverage, captions, serving with seeking, the studio."""
import json
import re
import shutil
import subprocess

import pytest

from kiosk.signs import BadClip, ManifestError, SignLibrary, probe, webvtt
from support import csrf_token, make_app

KEYS = ["screen.home", "screen.menu", "package.retire"]


@pytest.fixture(scope="module")
def video(tmp_path_factory):
    """A real two-second WebM clip, made by ffmpeg."""
    path = tmp_path_factory.mktemp("clips") / "clip.webm"
    subprocess.run(["ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i",
                    "testsrc=size=320x180:rate=10:duration=2", "-c:v", "libvpx-vp9",
                    "-b:v", "50k", str(path)], check=True)
    return path


def write_manifest(folder, entries):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "manifest.json").write_text(json.dumps({"clips": entries}))


def entry(key="screen.home", file="CSL/screen.home.webm", status="recorded", **changes):
    return {"key": key, "sign_language": "CSL", "file": file, "duration": 2.0,
            "signer": "Li", "status": status, "recorded": "2026-11-20", **changes}


def test_a_saved_clip_is_in_the_library_and_its_manifest(tmp_path, video):
    library = SignLibrary(tmp_path / "signs", KEYS)
    clip = library.save("screen.home", "CSL", video, signer="Li")
    assert clip.status == "recorded" and 1.5 < clip.duration < 2.5
    reread = SignLibrary(tmp_path / "signs", KEYS)
    assert reread.clip("screen.home", "CSL") == clip
    assert not list((tmp_path / "signs").rglob("*.part"))


@pytest.mark.parametrize("bad, problem", [
    (entry(file="CSL/nowhere.webm"), "is missing"),
    (entry(key="screen.nothing"), "unknown prompt key"),
    (entry(status="draft"), "status must be sample or recorded"),
    (entry(file="../../kiosk.ini"), "is missing"),
    ({"key": "screen.home"}, "missing fields"),
])
def test_a_bad_manifest_entry_is_left_out_with_a_warning_not_a_crash(tmp_path, video, bad, problem):
    folder = tmp_path / "signs"
    (folder / "CSL").mkdir(parents=True)
    shutil.copy(video, folder / "CSL" / "screen.menu.webm")
    write_manifest(folder, [entry(key="screen.menu", file="CSL/screen.menu.webm"), bad])
    library = SignLibrary(folder, KEYS)
    assert library.clip("screen.menu", "CSL") is not None
    assert len(library.clips) == 1
    assert problem in library.problems[0]


def test_a_manifest_that_is_not_json_is_a_clear_error(tmp_path):
    (tmp_path / "manifest.json").write_text("{clips: oops")
    with pytest.raises(ManifestError, match="not a valid sign-language manifest"):
        SignLibrary(tmp_path, KEYS)


def test_coverage_counts_recorded_sample_and_missing(tmp_path, video):
    library = SignLibrary(tmp_path, KEYS)
    library.save("screen.home", "CSL", video, signer="Li")
    library.save("screen.menu", "CSL", video, signer="card", status="sample")
    assert library.coverage(KEYS, "CSL") == {"recorded": ["screen.home"],
                                             "sample": ["screen.menu"],
                                             "missing": ["package.retire"]}


@pytest.mark.parametrize("content, code", [
    (b"", "empty"), (b"this is not a video at all" * 10, "not_video")])
def test_a_file_that_is_not_a_video_is_refused_by_its_content(tmp_path, content, code):
    path = tmp_path / "clip.webm"
    path.write_bytes(content)
    with pytest.raises(BadClip) as raised:
        probe(path)
    assert raised.value.code == code


def test_limits_on_clip_size_and_length(video):
    with pytest.raises(BadClip, match="longer than 1 seconds"):
        probe(video, max_seconds=1)
    with pytest.raises(BadClip, match="larger than"):
        probe(video, max_bytes=100)


def test_captions_are_webvtt_cues_spread_over_the_clip():
    vtt = webvtt("Choose a life event. Tap it again to choose it.", 6.0)
    assert vtt.startswith("WEBVTT\n")
    cues = re.findall(r"(\d\d:\d\d:\d\d\.\d{3}) --> (\d\d:\d\d:\d\d\.\d{3})\n(.+)", vtt)
    assert [text for _, _, text in cues] == ["Choose a life event.", "Tap it again to choose it."]
    assert cues[0][0] == "00:00:00.000" and cues[-1][1] == "00:00:06.000"


# The web face.

@pytest.fixture
def app(tmp_path, video):
    app = make_app(tmp_path, **{"signs.library_dir": str(tmp_path / "signs"),
                                "signs.max_clip_seconds": "5"})
    app.extensions["kiosk"].signs.save("screen.home", "CSL", video, signer="Li")
    app.extensions["kiosk"].staff.add("interpreter", "correct horse battery")
    return app


def test_clips_are_served_with_seeking_and_a_long_cache_life(app):
    client = app.test_client()
    info = client.get("/signs/zh/screen.home.json").get_json()
    assert info["status"] == "recorded" and info["sign_language"] == "CSL"
    whole = client.get(info["video"])
    assert whole.status_code == 200 and whole.mimetype == "video/webm"
    assert "max-age=31536000" in whole.headers["Cache-Control"]
    part = client.get(info["video"], headers={"Range": "bytes=0-99"})
    assert part.status_code == 206 and len(part.data) == 100
    assert part.headers["Content-Range"].startswith("bytes 0-99/")


def test_a_prompt_without_a_clip_says_so_and_still_has_captions(app):
    client = app.test_client()
    info = client.get("/signs/en/screen.menu.json").get_json()
    assert info["status"] == "missing" and info["video"] is None and info["text"]
    captions = client.get(info["captions"])
    assert captions.mimetype == "text/vtt" and "What would you like to get done?" in captions.text


@pytest.mark.parametrize("url", ["/signs/clips/../kiosk.ini", "/signs/clips/manifest.json",
                                 "/signs/clips/CSL/%2e%2e/%2e%2e/kiosk.ini",
                                 "/signs/clips/CSL/screen.menu.webm", "/signs/fr/screen.home.json",
                                 "/signs/zh/screen.nothing.json", "/signs/zh/../../x.vtt"])
def test_nothing_outside_the_manifest_can_be_reached(app, url):
    assert app.test_client().get(url).status_code == 404


def sign_in(client, app, name="interpreter", password="correct horse battery", where="127.0.0.1"):
    token = csrf_token(client, "/staff/sign-in")
    return client.post("/staff/sign-in", data={"csrf_token": token, "name": name,
                                               "password": password},
                       environ_base={"REMOTE_ADDR": where})


def test_the_studio_is_for_staff_only(app):
    client = app.test_client()
    assert client.get("/studio").location.startswith("/staff/sign-in")
    assert sign_in(client, app, password="wrong password!").status_code == 401
    assert sign_in(client, app).location == "/studio"
    page = client.get("/studio?sign_language=KSL")
    assert page.status_code == 200 and "screen.home" in page.text


def test_after_five_wrong_passwords_sign_in_waits_for_known_and_unknown_names_alike(app):
    client = app.test_client()
    for name, where in (("interpreter", "10.0.0.1"), ("nobody_here", "10.0.0.2")):
        for _ in range(5):
            wrong = sign_in(client, app, name=name, password="wrong password!", where=where)
            assert wrong.status_code == 401 and "姓名或密码不正确" in wrong.text
    waiting = sign_in(client, app, where="10.0.0.3")   # even the right password waits its turn
    assert waiting.status_code == 401 and "请等待" in waiting.text
    assert "请等待" in sign_in(client, app, name="nobody_here", where="10.0.0.4").text


def test_the_wait_grows_and_someone_elsewhere_delays_the_clerk_by_a_minute_at_most(app):
    staff = app.extensions["kiosk"].staff
    now = 1_000_000.0
    for attempt in range(30):                       # an attacker, far away, all day
        staff.sign_in("interpreter", "guess %d" % attempt, client="10.0.0.9", now=now)
        now += 3600
    assert staff.sign_in("interpreter", "correct horse battery", client="192.168.1.5",
                         now=now + staff.ACCOUNT_WAIT_CAP + 1) == ("ok", 0)
    staff.sign_in("interpreter", "guess", client="10.0.0.9", now=now + 100)
    wait = staff.sign_in("other_name", "guess", client="10.0.0.9", now=now + 101)
    assert wait[0] == "wait" and wait[1] > 60          # the guessing client waits far longer


def test_a_known_and_an_unknown_name_cost_the_same_password_check(app, monkeypatch):
    import kiosk.staff as staff_module
    checked = []
    real = staff_module.check_password_hash
    monkeypatch.setattr(staff_module, "check_password_hash",
                        lambda stored, password: checked.append(stored.split("$")[0]) or real(stored, password))
    staff = app.extensions["kiosk"].staff
    assert staff.sign_in("interpreter", "wrong password!") == ("wrong", 0)
    assert staff.sign_in("nobody_here", "wrong password!") == ("wrong", 0)
    assert len(checked) == 2 and checked[0] == checked[1]      # the same kind of hash, once each
    assert [row["name"] for row in staff.failed_sign_ins()] == ["nobody_here", "interpreter"]


def upload(client, path, key="screen.menu", name="clip.webm", accept="application/json"):
    token = csrf_token(client, f"/studio/CSL/{key}")
    with open(path, "rb") as file:
        return client.post(f"/studio/CSL/{key}", data={"csrf_token": token, "clip": (file, name)},
                           headers={"Accept": accept}, content_type="multipart/form-data")


def test_an_uploaded_clip_is_recorded_with_the_date_and_the_kiosk_shows_it(app, video):
    client = app.test_client()
    sign_in(client, app)
    response = upload(client, video)
    assert response.get_json()["status"] == "recorded"
    info = client.get("/signs/zh/screen.menu.json").get_json()
    assert info["status"] == "recorded" and info["video"]
    assert app.extensions["kiosk"].signs.clip("screen.menu", "CSL").signer == "interpreter"


@pytest.mark.parametrize("make, code", [
    (lambda path: path.write_bytes(b"not a video, just words" * 100), "not_video"),
    (lambda path: path.write_bytes(b""), "empty"),
])
def test_a_bad_upload_is_refused_and_the_old_clip_stays(app, tmp_path, make, code):
    client = app.test_client()
    sign_in(client, app)
    before = app.extensions["kiosk"].signs.clip("screen.home", "CSL")
    bad = tmp_path / "bad.webm"
    make(bad)
    response = upload(client, bad, key="screen.home")
    assert response.status_code == 400 and response.get_json()["error"] == code
    assert app.extensions["kiosk"].signs.clip("screen.home", "CSL") == before
    assert client.get(client.get("/signs/zh/screen.home.json").get_json()["video"]).status_code == 200


def test_a_clip_longer_than_allowed_is_refused(app, tmp_path):
    long_clip = tmp_path / "long.webm"
    subprocess.run(["ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i",
                    "testsrc=size=160x90:rate=5:duration=7", "-c:v", "libvpx-vp9", str(long_clip)],
                   check=True)
    client = app.test_client()
    sign_in(client, app)
    assert upload(client, long_clip).get_json()["error"] == "too_long"


def test_coverage_command_and_its_threshold(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["signs", "coverage"])
    assert result.exit_code == 0 and "CSL (zh): 1 recorded" in result.output
    assert runner.invoke(args=["signs", "coverage", "--min", "0"]).exit_code == 0
    failing = runner.invoke(args=["signs", "coverage", "--min", "50"])
    assert failing.exit_code == 1 and "below 50% recorded" in failing.output


def test_staff_add_refuses_a_short_password(app):
    result = app.test_cli_runner().invoke(args=["staff", "add", "clerk"],
                                          input="short\nshort\n")
    assert result.exit_code == 1 and "at least 10 characters" in result.output


@pytest.mark.parametrize("password, message", [
    ("aaaaaaaaaa", "too easy to guess"), ("1234567890", "too easy to guess"),
    ("password12", "too easy to guess"), ("clerkclerk", "must not contain the staff name"),
    ("Clerk-2026-rocks", "must not contain the staff name"),
])
def test_staff_add_refuses_a_weak_password(app, password, message):
    result = app.test_cli_runner().invoke(args=["staff", "add", "clerk", "--password-stdin"],
                                          input=password + "\n")
    assert result.exit_code == 1 and message in result.output


def test_staff_add_takes_no_password_on_the_command_line_but_asks_twice(app):
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["staff", "add", "clerk", "--password", "correct horse battery"])
    assert refused.exit_code == 2
    result = runner.invoke(args=["staff", "add", "clerk"],
                           input="correct horse battery\ncorrect horse battery\n")
    assert result.exit_code == 0 and "correct horse" not in result.output
    assert app.extensions["kiosk"].staff.sign_in("clerk", "correct horse battery")[0] == "ok"


def test_a_too_large_upload_gets_json_when_json_was_asked_for(tmp_path, video):
    from support import make_app
    app = make_app(tmp_path, **{"signs.library_dir": str(tmp_path / "signs"),
                                "signs.max_upload_mb": "1"})
    app.extensions["kiosk"].staff.add("interpreter", "correct horse battery")
    client = app.test_client()
    sign_in(client, app)
    big = tmp_path / "big.webm"
    big.write_bytes(b"\0" * (2 * 1024 * 1024))
    response = upload(client, big)
    assert response.status_code == 413 and response.is_json


def test_the_status_page_shows_file_paths_only_to_staff(app):
    client = app.test_client()
    anyone = client.get("/status").get_data(as_text=True)
    models_dir = str(app.extensions["kiosk"].settings.voice.models_dir)
    assert models_dir not in anyone
    sign_in(client, app)
    assert models_dir in client.get("/status").get_data(as_text=True)
