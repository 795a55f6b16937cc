"""Sign-language clips: manifest, coverage, captions, serving with seeking, the studio."""
import json
import random
import re
import shutil
import subprocess
import sys

import pytest

from kiosk.signs import BadClip, ManifestError, SignLibrary, probe, webvtt
from support import TESTS, csrf_token, make_app

KEYS = ["screen.home", "screen.menu", "package.retire"]


@pytest.fixture(scope="module")
def video(tmp_path_factory):
    """A real two-second WebM clip, made by ffmpeg."""
    path = tmp_path_factory.mktemp("clips") / "clip.webm"
    subprocess.run(["ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i",
                    "testsrc=size=320x180:rate=10:duration=2", "-c:v", "libvpx-vp9",
                    "-b:v", "50k", str(path)], check=True)
    return path


# Recorded by Chromium 156's MediaRecorder (mimeType "video/webm", a fake camera), as the
# studio records: VP8 and Opus, and no duration in its header.
MEDIARECORDER_CLIP = TESTS / "data" / "mediarecorder-vp8.webm"
TEST_PICTURE = ["-f", "lavfi", "-i", "testsrc=size=160x90:rate=10:duration=2"]
CLIP_KINDS = {   # name: (file name, ffmpeg output options)
    "vp8": ("vp8.webm", ["-c:v", "libvpx", "-b:v", "100k"]),
    "vp9": ("vp9.webm", ["-c:v", "libvpx-vp9", "-b:v", "50k"]),
    "vp8_live": ("live.webm", ["-c:v", "libvpx", "-b:v", "100k", "-f", "webm", "-live", "1"]),
    "h264": ("h264.mp4", ["-c:v", "libx264", "-pix_fmt", "yuv420p"]),
    "mjpeg_in_matroska": ("mjpeg.webm", ["-c:v", "mjpeg", "-f", "matroska"]),
    "mpeg4_part2": ("mpeg4.mp4", ["-c:v", "mpeg4"]),
    "vp8_in_matroska": ("matroska.webm", ["-c:v", "libvpx", "-f", "matroska"]),
    "h264_named_webm": ("h264.webm", ["-c:v", "libx264", "-pix_fmt", "yuv420p", "-f", "mp4"]),
    "vp8_named_mp4": ("vp8.mp4", ["-c:v", "libvpx", "-f", "webm"]),
}


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    """Two-second clips of every kind above, made by ffmpeg once for the module."""
    folder = tmp_path_factory.mktemp("kinds")
    made = {}
    for kind, (name, options) in CLIP_KINDS.items():
        made[kind] = folder / name
        subprocess.run(["ffmpeg", "-loglevel", "error", *TEST_PICTURE, *options,
                        str(made[kind])], check=True)
    return made


def cut(source, target, share=0.2):
    """`source` cut off after a share of its bytes, as an interrupted upload leaves it."""
    data = source.read_bytes()
    target.write_bytes(data[:int(len(data) * share)])
    return target


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
                                             "sample": ["screen.menu"], "outdated": [],
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


@pytest.mark.parametrize("kind, codec, suffix", [
    ("vp8", "vp8", ".webm"), ("vp9", "vp9", ".webm"), ("vp8_live", "vp8", ".webm"),
    ("h264", "h264", ".mp4")])
def test_clips_the_kiosk_plays_are_accepted_with_their_codec(clips, kind, codec, suffix):
    checked = probe(clips[kind])
    assert (checked["codec"], checked["suffix"]) == (codec, suffix)
    assert 1.5 < checked["duration"] < 2.5


def test_a_clip_recorded_by_the_browser_without_a_duration_is_accepted():
    checked = probe(MEDIARECORDER_CLIP)
    assert (checked["codec"], checked["suffix"]) == ("vp8", ".webm")
    assert 1.5 < checked["duration"] < 2.5


@pytest.mark.parametrize("kind, codec", [("mjpeg_in_matroska", "mjpeg"),
                                         ("mpeg4_part2", "mpeg4")])
def test_a_codec_the_kiosk_cannot_play_is_refused_by_name(clips, kind, codec):
    with pytest.raises(BadClip, match=f"coded as {codec}") as raised:
        probe(clips[kind])
    assert raised.value.code == "unplayable_codec" and raised.value.details == {"codec": codec}


@pytest.mark.parametrize("kind, named, found", [
    ("vp8_in_matroska", "WebM", "Matroska"), ("h264_named_webm", "WebM", "MP4"),
    ("vp8_named_mp4", "MP4", "WebM")])
def test_a_container_that_is_not_what_its_name_says_is_refused(clips, kind, named, found):
    with pytest.raises(BadClip) as raised:
        probe(clips[kind])
    assert raised.value.code == "wrong_container"
    assert raised.value.details == {"named": named, "found": found}


@pytest.mark.parametrize("kind", ["vp8", "vp9", "vp8_live"])
def test_a_truncated_webm_is_refused_as_damaged(clips, tmp_path, kind):
    with pytest.raises(BadClip, match="damaged or incomplete") as raised:
        probe(cut(clips[kind], tmp_path / "cut.webm"))
    assert raised.value.code == "damaged"


def test_a_truncated_browser_recording_is_refused_as_damaged(tmp_path):
    with pytest.raises(BadClip) as raised:
        probe(cut(MEDIARECORDER_CLIP, tmp_path / "cut.webm", share=0.6))
    assert raised.value.code == "damaged"


def test_a_clip_that_takes_too_long_to_decode_is_refused_not_left_hanging(clips, monkeypatch):
    # sys.modules: the package's `signs` attribute is the blueprint module of the same name.
    monkeypatch.setattr(sys.modules["kiosk.signs"], "DECODE_SECONDS", 0.001)
    with pytest.raises(BadClip) as raised:
        probe(clips["vp8"])
    assert raised.value.code == "check_timeout"


def test_a_clip_that_changes_container_replaces_the_old_file(tmp_path, clips):
    library = SignLibrary(tmp_path, KEYS)
    library.save("screen.home", "CSL", clips["vp8"], signer="Li")
    library.save("screen.menu", "CSL", clips["vp8"], signer="Li")
    mp4 = library.save("screen.home", "CSL", clips["h264"], signer="Li")
    assert mp4.file == "CSL/screen.home.mp4"
    assert sorted(path.name for path in (tmp_path / "CSL").iterdir()) == [
        "screen.home.mp4", "screen.menu.webm"]
    library.save("screen.home", "CSL", clips["vp9"], signer="Li")
    assert not (tmp_path / "CSL" / "screen.home.mp4").exists()
    assert SignLibrary(tmp_path, KEYS).clip("screen.home", "CSL").file == "CSL/screen.home.webm"


def test_a_file_another_manifest_entry_uses_is_kept_when_a_clip_is_replaced(tmp_path, clips):
    folder = tmp_path / "signs"
    (folder / "CSL").mkdir(parents=True)
    shutil.copy(clips["vp8"], folder / "CSL" / "sample.webm")
    write_manifest(folder, [entry(key=key, file="CSL/sample.webm", status="sample")
                            for key in ("screen.home", "screen.menu")])
    library = SignLibrary(folder, KEYS)
    library.save("screen.home", "CSL", clips["h264"], signer="Li")
    assert (folder / "CSL" / "sample.webm").is_file()
    assert library.clip("screen.menu", "CSL").file == "CSL/sample.webm"


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
    app.extensions["kiosk"].staff.add("interpreter", "correct horse battery", roles=["interpreter"])
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
                         now=now + staff.ACCOUNT_WAIT_CAP + 1) == ("ok", "interpreter")
    staff.sign_in("interpreter", "guess", client="10.0.0.9", now=now + 100)
    wait = staff.sign_in("other_name", "guess", client="10.0.0.9", now=now + 101)
    assert wait[0] == "wait" and wait[1] > 60          # the guessing client waits far longer


def test_a_known_and_an_unknown_name_cost_the_same_password_check(app, monkeypatch):
    import kiosk.backoffice.staff as staff_module
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


def test_a_browser_recording_uploaded_as_the_studio_sends_it_is_saved(app):
    client = app.test_client()
    sign_in(client, app)
    response = upload(client, MEDIARECORDER_CLIP, name="recording.webm")
    assert response.status_code == 200 and 1.5 < response.get_json()["duration"] < 2.5
    assert app.extensions["kiosk"].signs.clip("screen.menu", "CSL").file == "CSL/screen.menu.webm"


@pytest.mark.parametrize("make, name, code, words", [
    (lambda path, clips: path.write_bytes(b"not a video, just words" * 100), "bad.webm",
     "not_video", "不是"),
    (lambda path, clips: path.write_bytes(b""), "bad.webm", "empty", "空"),
    (lambda path, clips: path.write_bytes(random.Random(9).randbytes(50_000)), "bad.webm",
     "not_video", "不是"),
    (lambda path, clips: path.write_bytes(b"\x1a\x45\xdf\xa3" + random.Random(9).randbytes(5000)),
     "bad.webm", "not_video", "不是"),
    (lambda path, clips: path.write_bytes(random.Random(9).randbytes(50_000)), "bad.mp4",
     "not_video", "不是"),
    (lambda path, clips: cut(clips["vp8"], path), "bad.webm", "damaged", "损坏"),
    (lambda path, clips: shutil.copy(clips["mjpeg_in_matroska"], path), "bad.webm",
     "unplayable_codec", "mjpeg"),
    (lambda path, clips: shutil.copy(clips["mpeg4_part2"], path), "bad.mp4",
     "unplayable_codec", "mpeg4"),
    (lambda path, clips: shutil.copy(clips["h264"], path), "bad.webm", "wrong_container", "MP4"),
    (lambda path, clips: shutil.copy(clips["vp8_in_matroska"], path), "bad", "wrong_type",
     "WebM"),
])
def test_a_bad_upload_is_refused_clearly_and_the_old_clip_stays(app, tmp_path, clips, make, name,
                                                                 code, words):
    client = app.test_client()
    sign_in(client, app)
    before = app.extensions["kiosk"].signs.clip("screen.home", "CSL")
    bad = tmp_path / "bad"
    make(bad, clips)
    response = upload(client, bad, key="screen.home", name=name)
    assert response.status_code == 400 and response.get_json()["error"] == code
    assert words in response.get_json()["message"]
    assert app.extensions["kiosk"].signs.clip("screen.home", "CSL") == before
    assert client.get(client.get("/signs/zh/screen.home.json").get_json()["video"]).status_code == 200


def test_an_mp4_upload_replaces_a_webm_clip_and_its_file(app, clips):
    client = app.test_client()
    sign_in(client, app)
    assert upload(client, clips["h264"], key="screen.home", name="clip.mp4").status_code == 200
    info = client.get("/signs/zh/screen.home.json").get_json()
    assert client.get(info["video"]).mimetype == "video/mp4"
    folder = app.extensions["kiosk"].signs.folder / "CSL"
    assert [path.name for path in folder.iterdir()] == ["screen.home.mp4"]


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
    app.extensions["kiosk"].staff.add("interpreter", "correct horse battery", roles=["interpreter"])
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
