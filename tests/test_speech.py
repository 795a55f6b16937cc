"""Read aloud: real pyttsx3 synthesis, the disk cache, the audio endpoints and bad input."""
import io
import logging
import re
import subprocess
import sys
import textwrap
import threading
import time
import urllib.request
import wave
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from kiosk import audio_format
from kiosk.settings import load_settings
from kiosk.speech import (WARM_BATCH, Engine, Speech, SpeechCache, warm_in_processes,
                          wav_duration)
from support import csrf_token, make_app

SENTENCES = {"zh": "欢迎使用一站式服务", "en": "Welcome to the one-stop service",
             "ko": "원스톱 서비스에 오신 것을 환영합니다"}


def speech_settings(tmp_path, **overrides):
    values = {"speech.cache_dir": str(tmp_path / "cache"), **overrides}
    return load_settings(overrides=values).speech


class CountingEngine:
    """The real engine, counting how often it synthesises."""

    def __init__(self, engine):
        self.engine, self.calls = engine, 0
        self.name, self.error = engine.name, engine.error

    available = property(lambda self: self.engine.available)

    def has_voice(self, voice):
        return self.engine.has_voice(voice)

    def synthesise(self, *args):
        self.calls += 1
        return self.engine.synthesise(*args)


@pytest.fixture
def speech(tmp_path):
    return Speech(speech_settings(tmp_path),
                  engine_factory=lambda driver: CountingEngine(Engine.shared(driver)))


def is_ogg_opus(audio):
    """An Ogg stream (RFC 3533) whose first packet is an Opus header (RFC 7845)."""
    return audio[:4] == b"OggS" and audio[28:36] == b"OpusHead"


def decoded_seconds(audio):
    """Seconds of sound FFmpeg decodes from Ogg Opus (a decoder other than the kiosk's)."""
    result = subprocess.run(["ffmpeg", "-v", "error", "-i", "-", "-f", "s16le", "-ac", "1",
                             "-ar", "48000", "-"], input=audio, capture_output=True, check=True)
    assert not result.stderr, result.stderr
    return len(result.stdout) / 2 / 48000


@pytest.mark.parametrize("language", ["zh", "en", "ko"])
def test_each_language_is_cached_as_ogg_opus_of_the_right_length(speech, language):
    _, path = speech.prompt_audio(SENTENCES[language], language)
    audio = path.read_bytes()
    assert path.suffix == ".ogg" and is_ogg_opus(audio)
    wav = speech.private_audio(SENTENCES[language], language)
    # Decoded, it lasts as long as the WAV it was made from (to a 20 ms Opus frame).
    assert abs(decoded_seconds(audio) - wav_duration(wav)) < 0.03
    # About two to five seconds for a short sentence: not silence, not a runaway.
    assert 1.5 < decoded_seconds(audio) < 6
    # A tenth of the WAV or less: 24 kbit/s against 353 kbit/s.
    assert len(audio) < len(wav) / 10


def test_the_wav_espeak_gives_is_what_opus_is_made_from(speech):
    audio = speech.private_audio(SENTENCES["en"], "en")
    with wave.open(io.BytesIO(audio)) as reader:
        assert (reader.getnchannels(), reader.getsampwidth()) == (1, 2)
        assert reader.getframerate() in (16000, 22050, 24000, 44100, 48000)


def test_a_slower_rate_gives_longer_audio(speech):
    normal = decoded_seconds(speech.prompt_audio(SENTENCES["en"], "en")[1].read_bytes())
    slow = decoded_seconds(
        speech.prompt_audio(SENTENCES["en"], "en", slow=True)[1].read_bytes())
    assert slow > normal * 1.1


def test_the_cache_is_wav_when_kiosk_ini_asks_for_it(tmp_path):
    speech = Speech(speech_settings(tmp_path, **{"speech.cache_format": "wav"}))
    _, path = speech.prompt_audio("Start", "en")
    assert path.suffix == ".wav" and path.read_bytes()[:4] == b"RIFF"
    assert (speech.format, speech.format_problem) == (audio_format.WAV, None)


def missing_libopus(audio):
    raise OSError("libopus is not installed (Debian: libopus0)")


def test_the_cache_falls_back_to_wav_when_opus_is_unavailable_and_says_why(tmp_path):
    speech = Speech(speech_settings(tmp_path),
                    choose_format=lambda wanted: audio_format.choose(wanted, missing_libopus))
    key, path = speech.prompt_audio("Start", "en")
    assert path.suffix == ".wav" and path.read_bytes()[:4] == b"RIFF"
    assert speech.format_problem == "OSError: libopus is not installed (Debian: libopus0)"
    opus = Speech(speech_settings(tmp_path / "other"))
    # Another key as well as another file: a switch never serves one format as the other.
    assert opus.key("Start", "en") != key and opus.format is audio_format.OPUS


def test_prompts_in_the_other_format_are_removed_when_the_cache_opens(tmp_path):
    folder = tmp_path / "cache"
    old = SpeechCache(folder, 10_000, extension="wav")
    old.put("old", b"RIFF" + bytes(3_000))
    cache = SpeechCache(folder, 10_000, extension="ogg")
    assert cache.removed_other_format == 1 and not list(folder.glob("*.wav"))
    cache.put("new", b"OggS" + bytes(1_000))
    assert cache.size == 1_004
    assert SpeechCache(folder, 10_000, extension="ogg").removed_other_format == 0


def test_a_cached_prompt_is_not_synthesised_again(speech):
    key, path = speech.prompt_audio("Start", "en")
    again_key, again_path = speech.prompt_audio("Start", "en")
    assert (key, path) == (again_key, again_path)
    assert speech.engine.calls == 1


def test_the_cache_key_changes_with_voice_rate_and_text(speech):
    keys = {speech.key("Start", "en"), speech.key("Start", "en", slow=True),
            speech.key("Start", "ko"), speech.key("Start.", "en")}
    assert len(keys) == 4


def test_private_audio_is_never_cached(speech):
    speech.private_audio("1 1 0 1 0 5", "zh")
    assert list(speech.cache.folder.iterdir()) == []


def test_the_cache_prunes_the_least_recently_used_audio(tmp_path):
    cache = SpeechCache(tmp_path / "cache", max_bytes=10_000)
    for number in range(5):
        cache.put(f"key{number}", b"RIFF" + bytes(3_000))
        time.sleep(0.02)  # file times are coarse on some file systems
        cache.get("key0")  # key0 keeps being used: it stays
        time.sleep(0.02)
    names = sorted(path.stem for path in cache.folder.glob("*.wav"))
    assert "key0" in names and len(names) < 5
    assert cache.size <= 10_000
    assert not list(cache.folder.glob("*.part"))


def test_a_missing_speech_engine_leaves_speech_unavailable(tmp_path):
    speech = Speech(speech_settings(tmp_path, **{"speech.driver": "no_such_driver"}))
    assert not speech.available()
    assert "no_such_driver" in speech.engine.error


# The web face.

@pytest.fixture
def speaking_app(tmp_path):
    return make_app(tmp_path)


def prompt_url(client, key, language="en", speed="normal", extension="ogg"):
    return f"/speech/{language}/{speed}/{key}.{extension}"


def test_prompt_audio_is_served_as_ogg_opus_with_strong_caching(speaking_app):
    client = speaking_app.test_client()
    response = client.get(prompt_url(client, "screen.home"))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "audio/ogg; codecs=opus"
    assert is_ogg_opus(response.get_data())
    assert "immutable" in response.headers["Cache-Control"]
    etag = response.headers["ETag"]
    again = client.get(prompt_url(client, "screen.home"), headers={"If-None-Match": etag})
    assert again.status_code == 304


def test_a_prompt_url_of_the_other_format_is_sent_on_to_this_one(speaking_app):
    client = speaking_app.test_client()
    # A page rendered before the kiosk kept Opus still names .wav.
    response = client.get(prompt_url(client, "screen.home", extension="wav") + "?v=1&way=explore")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/speech/en/normal/screen.home.ogg?")
    assert "v=1" in response.headers["Location"] and "way=explore" in response.headers["Location"]
    assert "immutable" not in response.headers.get("Cache-Control", "")
    followed = client.get(response.headers["Location"])
    assert followed.status_code == 200 and is_ogg_opus(followed.get_data())


def test_a_wav_kiosk_serves_wav_and_sends_ogg_urls_on(tmp_path):
    client = make_app(tmp_path, **{"speech.cache_format": "wav"}).test_client()
    response = client.get(prompt_url(client, "screen.home", extension="wav"))
    assert response.status_code == 200 and response.mimetype == "audio/wav"
    assert response.get_data()[:4] == b"RIFF"
    moved = client.get(prompt_url(client, "screen.home"))
    assert moved.status_code == 302 and ".wav" in moved.headers["Location"]


@pytest.mark.parametrize("url", [
    "/speech/en/normal/screen.nothing.wav",
    "/speech/fr/normal/screen.home.wav",
    "/speech/en/fast/screen.home.wav",
    "/speech/en/normal/" + "a." * 200 + "wav",
    "/speech/en/normal/..%2f..%2fkiosk.ini.wav",
    "/speech/en/normal/../../kiosk.ini",
    "/speech/en/normal/SCREEN.HOME.wav",
    "/speech/en/normal/package.no_such_package.wav",
    "/speech/en/normal/screen.home.mp3",
    "/speech/en/normal/screen.home.ogg?way=shout",
    "/speech/en/normal/screen.nothing.ogg?language=fr&v=1",
])
def test_bad_prompt_urls_are_refused_with_a_clear_error(speaking_app, url):
    response = speaking_app.test_client().get(url)
    assert response.status_code in (400, 404)
    if response.mimetype == "application/json":
        assert response.get_json()["error"]


def test_speech_endpoints_say_so_when_the_engine_is_missing(tmp_path):
    app = make_app(tmp_path, **{"speech.driver": "no_such_driver"})
    client = app.test_client()
    response = client.get(prompt_url(client, "screen.home"))
    assert response.status_code == 503
    assert response.get_json() == {"error": "speech is not available on this kiosk"}
    home = client.get("/")
    assert "本机暂不支持语音播报，所有功能都可以用触屏操作。" in home.get_data(as_text=True)
    assert home.document.find(".//button[@value='speech']").get("disabled") is not None


def test_twenty_simultaneous_uncached_requests_all_get_valid_audio(speaking_app):
    server = make_server("127.0.0.1", 0, speaking_app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    catalogue = speaking_app.extensions["kiosk"].catalogue
    keys = [f"item.{key}" for key in list(catalogue.items)] + \
        [f"field.{key}" for key in list(catalogue.fields)]
    urls = [f"http://127.0.0.1:{server.server_port}/speech/{language}/normal/{key}.ogg"
            for key in keys for language in ("zh", "en", "ko")][:24]
    results = [None] * len(urls)

    def fetch(index):
        with urllib.request.urlopen(urls[index], timeout=60) as response:
            results[index] = (response.status, response.read())

    threads = [threading.Thread(target=fetch, args=(index,)) for index in range(len(urls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    server.shutdown()
    assert len(urls) >= 20
    for status, audio in results:
        assert status == 200
        assert is_ogg_opus(audio) and decoded_seconds(audio) > 0.3


def turn_speech_on(client):
    token = csrf_token(client)
    # Followed, as a browser does: the home screen then says read aloud is on.
    client.post("/preferences", data={"csrf_token": token, "toggle": "speech", "next": "/"},
                follow_redirects=True)
    return token


def test_read_back_speaks_an_answer_without_caching_or_logging_it(speaking_app, caplog):
    client = speaking_app.test_client()
    token = turn_speech_on(client)
    client.post("/packages", data={"csrf_token": token, "package": "open_shop"})
    client.post("/form/applicant", data={"csrf_token": token, "applicant_name": "王秀英",
                                         "applicant_id_type": "cn_resident",
                                         "applicant_id_number": "11010519491231002X"})
    cache = speaking_app.extensions["kiosk"].speech.cache.folder
    before = set(cache.iterdir())
    response = client.post("/speech/readback", data={"csrf_token": token,
                                                     "subject": "applicant_id_number"})
    assert response.status_code == 200 and response.mimetype == "audio/wav"
    assert response.headers["Cache-Control"] == "no-store"
    assert wav_duration(response.get_data()) > 3  # eighteen characters, one at a time
    assert set(cache.iterdir()) == before
    assert "11010519491231002X" not in caplog.text and "王秀英" not in caplog.text


@pytest.mark.parametrize("subject", ["", "password", "../kiosk.ini", "applicant_email"])
def test_read_back_of_nothing_is_a_clear_json_error(speaking_app, subject):
    client = speaking_app.test_client()
    token = turn_speech_on(client)
    client.post("/packages", data={"csrf_token": token, "package": "open_shop"})
    response = client.post("/speech/readback", data={"csrf_token": token, "subject": subject})
    assert response.status_code == 400
    assert response.get_json()["error"]


def test_read_back_needs_the_security_token(speaking_app):
    response = speaking_app.test_client().post("/speech/readback", data={"subject": "reference"})
    assert response.status_code == 400


def test_volume_is_kept_for_the_session_and_reset_for_the_next_resident(speaking_app):
    client = speaking_app.test_client()
    token = turn_speech_on(client)
    for _ in range(3):
        client.post("/preferences", data={"csrf_token": token, "volume": "down", "next": "/"})
    assert client.get("/").document.get("data-speech-volume") == "0.5"
    client.post("/start-over", data={"csrf_token": token})
    turn_speech_on(client)
    assert client.get("/").document.get("data-speech-volume") == "0.8"


def test_the_warm_command_synthesises_every_prompt_once(speaking_app):
    runner = speaking_app.test_cli_runner()
    result = runner.invoke(args=["speech", "warm"])
    assert result.exit_code == 0, result.output
    made = int(re.search(r"(\d+) prompts synthesised", result.output).group(1))
    prompts = speaking_app.extensions["kiosk"].prompts
    texts = {(prompts.text(key, language, way), language) for key in prompts.keys(errors=False)
             for language in ("zh", "en", "ko") for way in ("speech", "explore")}
    assert len(texts) > len(prompts.keys(errors=False)) * 3   # some keys differ by way
    assert made == len(texts) * 2
    again = runner.invoke(args=["speech", "warm"])
    assert "0 prompts synthesised" in again.output


def speech_urls(page):
    html = page.get_data(as_text=True)
    urls = set(re.findall(r'data-speech="([^"]+)"', html))
    for arrival in re.findall(r'data-speech-arrival="([^"]*)"', html):
        urls.update(arrival.split())
    return {url.replace("&amp;", "&") for url in urls}


@pytest.mark.parametrize("language", ["zh", "en", "ko"])
def test_every_screen_with_speech_on_names_only_prompts_that_speak(speaking_app, language):
    client = speaking_app.test_client()
    token = turn_speech_on(client)
    client.post("/preferences", data={"csrf_token": token, "lang": language, "next": "/"})

    def visit(url, method="get", data=None):
        response = getattr(client, method)(url, data={"csrf_token": token, **(data or {})}
                                           if method == "post" else None, follow_redirects=True)
        pages.append(response)
        return response

    pages = []
    visit("/")
    visit("/packages")
    visit("/packages", "post", {"package": "have_baby"})
    visit("/builder/add")
    visit("/builder", "post", {"item": "seal", "include": "yes"})
    visit("/eligibility", "post", {})
    visit("/eligibility", "post", {"local_hukou": "no"})
    visit("/form/applicant", "post", {"applicant_name": "", "applicant_id_number": "123"})
    visit("/form/applicant", "post", {"applicant_name": "Kim", "applicant_id_type": "passport",
                                      "applicant_id_number": "M12345678"})
    visit("/start-over?next=/check")
    visit("/submit", "post")
    visit("/no/such/page")
    urls = set().union(*(speech_urls(page) for page in pages))
    assert len(urls) > 40
    assert any("/error." in url for url in urls) and any("/ineligible." in url for url in urls)
    assert any("/chosen.have_baby" in url for url in urls)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert f"/speech/{language}/" in url or "/language." in url


@pytest.mark.parametrize("digits, status", [("13812345678", 200), ("11010519491231002X", 200),
                                            ("12ab", 400), ("", 400), ("1" * 31, 400)])
def test_dictated_digits_are_read_back_one_by_one(speaking_app, digits, status):
    client = speaking_app.test_client()
    token = turn_speech_on(client)
    response = client.post("/speech/readback", data={"csrf_token": token, "subject": "digits",
                                                     "digits": digits})
    assert response.status_code == status
    if status == 200:
        assert response.headers["Cache-Control"] == "no-store"
        assert wav_duration(response.get_data()) > len(digits) * 0.2


def test_a_tapped_key_or_candidate_is_echoed_without_caching_or_logging(speaking_app, caplog):
    caplog.set_level(logging.DEBUG)
    client = speaking_app.test_client()
    token = turn_speech_on(client)
    cache = speaking_app.extensions["kiosk"].speech.cache.folder
    before = set(cache.iterdir()) if cache.exists() else set()
    response = client.post("/speech/echo", data={"csrf_token": token, "text": "李明"})
    assert response.status_code == 200 and response.mimetype == "audio/wav"
    assert response.headers["Cache-Control"] == "no-store"
    assert wav_duration(response.get_data()) > 0.3
    assert (set(cache.iterdir()) if cache.exists() else set()) == before
    assert "李明" not in caplog.text


def test_a_field_read_back_when_the_keyboard_closes_is_spelled_out(speaking_app):
    client = speaking_app.test_client()
    token = turn_speech_on(client)
    spelled = client.post("/speech/echo", data={"csrf_token": token, "text": "13812345678",
                                                "spell": "yes"})
    whole = client.post("/speech/echo", data={"csrf_token": token, "text": "13812345678"})
    assert spelled.status_code == whole.status_code == 200
    assert wav_duration(spelled.get_data()) > 11 * 0.2     # eleven digits, one at a time
    assert spelled.get_data() != whole.get_data()           # not read as one number


@pytest.mark.parametrize("text", ["", "   ", "x" * 201, "\u0000\u0007"])
def test_an_echo_of_nothing_or_too_much_is_a_clear_json_error(speaking_app, text):
    client = speaking_app.test_client()
    token = turn_speech_on(client)
    response = client.post("/speech/echo", data={"csrf_token": token, "text": text})
    assert response.status_code == 400 and response.is_json


def test_an_echo_needs_the_security_token(speaking_app):
    response = speaking_app.test_client().post("/speech/echo", data={"text": "a"})
    assert response.status_code == 400 and response.is_json


def test_the_eligibility_questions_are_read_on_arrival(speaking_app):
    client = speaking_app.test_client()
    token = turn_speech_on(client)
    client.post("/packages", data={"csrf_token": token, "package": "have_baby"})
    page = client.get("/eligibility")
    arrival = page.document.find(".//main").get("data-speech-arrival").split()
    assert [url.split("/")[-1].split(".ogg")[0] for url in arrival] == [
        "screen.eligibility", "question.local_hukou"]


def test_warming_in_processes_reports_progress_batch_by_batch(tmp_path):
    settings = speech_settings(tmp_path)
    jobs = [(f"Counter {number}", "en", False) for number in range(WARM_BATCH * 2 + 3)]
    reported = []
    made = warm_in_processes(settings, jobs, processes=2, progress=reported.append)
    assert made == len(jobs)
    assert sorted(reported) == [3, WARM_BATCH, WARM_BATCH]   # every job, once, as batches end
    assert warm_in_processes(settings, jobs, processes=2) == 0    # all cached now


def in_english(client):
    client.post("/preferences", data={"csrf_token": csrf_token(client), "lang": "en",
                                      "next": "/"})
    return client


def status_format(client):
    page = in_english(client).get("/status")
    note = page.document.find(".//p[@id='status-speech-format']")
    return "".join(note.itertext()), page.get_data(as_text=True)


def test_the_status_page_says_prompts_are_kept_as_ogg_opus(speaking_app):
    said, page = status_format(speaking_app.test_client())
    assert "Ogg Opus" in said and "WAV" not in said


def test_the_status_page_says_when_kiosk_ini_keeps_wav(tmp_path):
    said, _ = status_format(make_app(tmp_path, **{"speech.cache_format": "wav"}).test_client())
    assert "cache_format = wav" in said


def test_without_libopus_the_kiosk_keeps_wav_and_the_status_page_says_why(tmp_path):
    """A kiosk where libopus is not installed: ctypes finds no library, in a process of
    its own (nothing of the kiosk's is replaced)."""
    script = textwrap.dedent(f"""
        import ctypes.util, sys
        find = ctypes.util.find_library
        # What ctypes answers on a machine without Debian's libopus0.
        ctypes.util.find_library = lambda name: None if name == "opus" else find(name)
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from support import csrf_token, make_app
        app = make_app(__import__("pathlib").Path({str(tmp_path)!r}))
        client = app.test_client()
        client.post("/preferences", data={{"csrf_token": csrf_token(client), "lang": "en",
                                          "next": "/"}})
        response = client.get("/speech/en/normal/screen.home.ogg")
        location = response.headers["Location"]
        audio = client.get(location)
        print("SERVED", location, audio.mimetype, audio.get_data()[:4])
        print("STATUS", client.get("/status").get_data(as_text=True))
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            cwd=Path(__file__).parent.parent, timeout=120)
    assert result.returncode == 0, result.stderr
    served = result.stdout.split("SERVED ", 1)[1].split("\n", 1)[0]
    page = result.stdout.split("STATUS ", 1)[1]
    assert served.startswith("/speech/en/normal/screen.home.wav") and served.endswith(
        "audio/wav b'RIFF'")
    assert "Ogg Opus is not available" in page and "All is well" not in page
    assert "cache_max_mb" in page
    assert list((tmp_path / "speech-cache").glob("*.wav"))
