"""The offline update: `make bundle` builds a bundle, `make update` verifies, installs,
migrates, switches over between residents and rolls back by itself (deploy/).

Shortcuts, so the tests stay fast: bundles carry a one-file placeholder wheelhouse instead
of a wheel of every dependency (the real `make bundle` runs `pip wheel`; README figures),
and each release's .venv is made with --reuse-site-packages: it sees this test run's own
packages, so the offline `pip install --no-index` finds everything installed already.
Everything else is real: git archive of HEAD, the checksums, the tar, the migration
command, a kiosk served by `python -m kiosk.serve` from ROOT/opt/kiosk/current.
"""
import configparser
import fcntl
import hashlib
import http.server
import io
import json
import os
import socket
import sqlite3
import sys
import sysconfig
import tarfile
import threading
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from deploy import bundle, update  # noqa: E402

SERVICE = f"{sys.executable} {ROOT / 'tests' / 'update_service.py'}"


def make_bundle(folder, version, change_code=None, voice_models=None):
    """A bundle of HEAD as `version` with a placeholder wheelhouse; `change_code(code)`
    may alter the code before the manifest is written (a broken release)."""
    folder = Path(folder)
    wheels = folder / f"wheels-{version}"
    wheels.mkdir()
    (wheels / "placeholder-0.1-py3-none-any.whl").write_bytes(b"placeholder")
    staging = folder / f"staging-{version}"
    staged = bundle.stage(staging, version=version, wheelhouse=wheels,
                          voice_models=voice_models or folder / "no-models")
    if change_code:
        change_code(staged / "code")
    bundle.write_manifest(staged, version)
    return bundle.pack(staged, folder / f"kiosk-{version}.tar")


@pytest.fixture(scope="module")
def good_bundle(tmp_path_factory):
    return make_bundle(tmp_path_factory.mktemp("bundles"), "1.0.0")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def kiosk_root(folder, port=8080):
    """A temporary / with /etc/kiosk/kiosk.ini (paths relative to it, so they stay under
    the root) and /var/lib/kiosk, as the installer leaves them."""
    config = configparser.ConfigParser(interpolation=None)
    config.read(ROOT / "kiosk.ini", encoding="utf-8")
    release, state = "../../opt/kiosk/current", "../../var/lib/kiosk"
    for key, value in {
            "catalogue.path": f"{release}/kiosk/data/catalogue.toml",
            "database.path": f"{state}/kiosk.db", "server.port": str(port),
            "server.secret_key": "update-tests", "speech.enabled": "no",
            "speech.cache_dir": f"{state}/speech-cache", "speech.warm_at_start": "no",
            "voice.enabled": "no", "voice.load_at_start": "no",
            "voice.models_dir": f"{state}/voice-models",
            "signs.library_dir": f"{release}/signlang_videos",
            "keyboard.pinyin_dictionary": f"{release}/kiosk/data/pinyin-dictionary.tsv.gz",
            "handoff.heartbeat_seconds": "0"}.items():
        section, name = key.split(".")
        config[section][name] = value
    (folder / "etc" / "kiosk").mkdir(parents=True)
    (folder / "var" / "lib" / "kiosk").mkdir(parents=True)
    with open(folder / "etc" / "kiosk" / "kiosk.ini", "w", encoding="utf-8") as file:
        config.write(file)
    return folder


def run_update(root, bundle_path, *extra):
    """deploy/update.py as `make update` runs it, against `root`; returns its exit code."""
    try:
        update.main(["--bundle", str(bundle_path), "--root", str(root),
                     "--reuse-site-packages", sysconfig.get_path("purelib"), *extra])
    except SystemExit as exit:
        return exit.code
    return 0


def snapshot(folder):
    """Every path under `folder` with its content's hash: to prove nothing changed."""
    return {str(path.relative_to(folder)): path.is_file() and
            hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*"))}


# Verifying: a damaged or hostile bundle is refused and nothing is written -------------------

def rewritten(source, target, change):
    """A copy of the tar `source` at `target` whose members `change(members)` edits: a
    list of [TarInfo, bytes or None] it may alter, extend or shorten."""
    with tarfile.open(source) as tar:
        members = [[info, tar.extractfile(info).read() if info.isfile() else None]
                   for info in tar.getmembers()]
    members = change(members) or members
    with tarfile.open(target, "w") as tar:
        for info, data in members:
            if data is not None:
                info.size = len(data)
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return target


def member(members, suffix):
    return next(entry for entry in members if entry[0].name.endswith(suffix))


def added(name, data=b"print('hi')\n", kind=tarfile.REGTYPE, link=""):
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, link
    return [info, data if kind == tarfile.REGTYPE else None]


def altered(members):
    entry = member(members, "code/kiosk/flow.py")
    entry[1] = entry[1].replace(b"def ", b"def_", 1)     # same size, other content


def with_manifest(edit):
    def change(members):
        entry = member(members, "MANIFEST.json")
        manifest = json.loads(entry[1])
        edit(manifest)
        entry[1] = json.dumps(manifest).encode()
    return change


TAMPERING = {
    "altered file": (altered, "code/kiosk/flow.py does not match its checksum"),
    "extra file": (lambda members: members.append(added("kiosk-1.0.0/code/kiosk/extra.py")),
                   "not in the manifest: code/kiosk/extra.py"),
    "missing file": (lambda members: members.remove(member(members, "code/kiosk/flow.py")),
                     "missing from the bundle: code/kiosk/flow.py"),
    "dot-dot member": (lambda members: members.append(added("kiosk-1.0.0/../../evil.py")),
                       "points outside the bundle's folder"),
    "absolute member": (lambda members: members.append(added("/tmp/evil.py")),
                        "points outside the bundle's folder"),
    "symlink member": (lambda members: members.append(added(
        "kiosk-1.0.0/code/passwd", kind=tarfile.SYMTYPE, link="/etc/passwd")),
        "is a symbolic link"),
    "hard link member": (lambda members: members.append(added(
        "kiosk-1.0.0/code/shadow", kind=tarfile.LNKTYPE, link="/etc/shadow")),
        "is a hard link"),
    "member twice": (lambda members: members.append(
        added(member(members, "code/kiosk/flow.py")[0].name, b"evil = True\n")),
        "is in the bundle twice"),
    "no manifest": (lambda members: members.remove(member(members, "MANIFEST.json")),
                    "the bundle has no kiosk-1.0.0/MANIFEST.json"),
    "manifest not JSON": (lambda members: member(members, "MANIFEST.json").__setitem__(
        1, b"{not json"), "MANIFEST.json is not valid JSON"),
    "other python": (with_manifest(lambda manifest: manifest.update(python="3.9")),
                     "wheels are for python 3.9"),
    "other platform": (with_manifest(lambda manifest: manifest.update(platform="win-amd64")),
                       "wheels are for platform win-amd64"),
    "version escaping": (with_manifest(lambda manifest: manifest.update(version="../../etc")),
                         "is not a plain name"),
    "manifest lists outside": (with_manifest(lambda manifest: manifest["files"].update(
        {"../x": {"sha256": "0", "size": 1}})), "which is not part of a bundle"),
}


@pytest.mark.parametrize("tampering", TAMPERING)
def test_a_damaged_or_hostile_bundle_is_refused_and_nothing_changes(
        tampering, good_bundle, tmp_path, capsys):
    change, reason = TAMPERING[tampering]
    hostile = rewritten(good_bundle, tmp_path / "hostile.tar", change)
    root = kiosk_root(tmp_path / "root")
    before = snapshot(tmp_path)
    assert run_update(root, hostile) == 1
    said = capsys.readouterr().out
    assert reason in said and "nothing was changed" in said
    assert snapshot(tmp_path) == before
    assert not Path("/tmp/evil.py").exists()


def test_a_file_that_is_no_tar_is_refused(tmp_path, capsys):
    root = kiosk_root(tmp_path / "root")
    (tmp_path / "kiosk.tar").write_bytes(b"certainly not a tar" * 100)
    assert run_update(root, tmp_path / "kiosk.tar") == 1
    assert "cannot be read as a tar file" in capsys.readouterr().out


def test_the_bundle_holds_code_wheels_clips_and_a_manifest_of_every_file(good_bundle):
    manifest = update.verify_bundle(good_bundle)
    files = manifest["files"]
    assert manifest["version"] == "1.0.0" and manifest["python"] == \
        f"{sys.version_info.major}.{sys.version_info.minor}"
    assert {"code/kiosk/__init__.py", "code/pyproject.toml", "code/VERSION",
            "code/Makefile", "wheels/placeholder-0.1-py3-none-any.whl",
            "signlang_videos/manifest.json"} <= set(files)
    assert all(len(entry["sha256"]) == 64 for entry in files.values())


def test_an_installed_release_reports_the_version_its_bundle_stamped(tmp_path, monkeypatch):
    from kiosk import heartbeat
    (tmp_path / "VERSION").write_text("1.4.2+abc1234\n")
    monkeypatch.setattr(heartbeat, "ROOT", tmp_path)
    assert heartbeat.software_version.__wrapped__() == "1.4.2+abc1234"


def test_a_second_update_is_refused_while_one_runs(good_bundle, tmp_path, capsys):
    root = kiosk_root(tmp_path)
    (root / "opt" / "kiosk").mkdir(parents=True)
    with open(root / "opt" / "kiosk" / ".update.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        assert run_update(root, good_bundle) == 1
    assert "another update is running" in capsys.readouterr().out
    assert not (root / "opt" / "kiosk" / "releases").exists()


# Between residents --------------------------------------------------------------------------

def sessions_database(path, *sessions):
    db = sqlite3.connect(path)
    db.execute("create table sessions (id text primary key, data text, updated float, "
               "expires float)")
    for number, data in enumerate(sessions):
        db.execute("insert into sessions values (?, ?, ?, ?)",
                   [str(number), json.dumps(data), time.time(), time.time() + 300])
    db.commit()
    db.close()
    return path


def test_the_switch_waits_for_the_resident_on_screen_and_goes_when_they_finish(tmp_path):
    database = sessions_database(tmp_path / "kiosk.db", {"csrf_token": "t"},
                                 {"csrf_token": "t", "staff": "clerk"},
                                 {"csrf_token": "t", "language": "ko", "journey": "move"})
    assert update.residents_on_screen(database) == 1   # the home screen and a clerk do not count

    def resident_finishes():
        time.sleep(0.5)
        with sqlite3.connect(database) as db:
            db.execute("delete from sessions where data like '%journey%'")
    threading.Thread(target=resident_finishes).start()
    started = time.monotonic()
    update.wait_between_residents(database, max_wait=10, poll_seconds=0.1)
    assert 0.4 < time.monotonic() - started < 5


def test_the_update_gives_up_when_a_resident_stays_past_the_longest_wait(tmp_path):
    database = sessions_database(tmp_path / "kiosk.db", {"language": "zh", "mode": "sign"})
    with pytest.raises(update.UpdateError, match="still using the kiosk after 0 s; nothing "
                                                 "was switched"):
        update.wait_between_residents(database, max_wait=0.3, poll_seconds=0.1)


def test_only_the_newest_releases_are_kept(tmp_path):
    kiosk = update.Kiosk(kiosk_root(tmp_path))
    for age, name in enumerate(["5", "4", "3", "2", "1"]):
        (kiosk.releases / name).mkdir(parents=True)
        stamp = time.time() - age * 60
        os.utime(kiosk.releases / name, (stamp, stamp))
    update.prune_releases(kiosk, keep=2, spare=[kiosk.releases / "1"])
    assert sorted(path.name for path in kiosk.releases.iterdir()) == ["1", "4", "5"]


# Health: the new version must say it is healthy, and be the new version -----------------

class Health(http.server.BaseHTTPRequestHandler):
    """/health as the appliance's kiosk answers it: ok, and the version `current` runs."""
    root = None
    answer = None   # a fixed (status, JSON) instead

    def do_GET(self):
        status, body = self.answer or (200, {"ok": True, "version": (
            self.root / "opt/kiosk/current/VERSION").read_text().strip()})
        if self.path != "/health":
            status, body = (200, {}) if self.path == "/status" else (404, {})
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def health_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Health)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server, f"http://127.0.0.1:{server.server_port}/health"
    server.shutdown()
    Health.root = Health.answer = None


@pytest.mark.parametrize("answer, healthy, said", [
    ((200, {"ok": True, "version": "1.1.0"}), True, "answered ok, version 1.1.0"),
    ((200, {"ok": True, "version": "1.0.0"}), False, "answered version '1.0.0', not '1.1.0'"),
    ((503, {"ok": False, "problem": "database"}), False, "answered 503"),
    ((200, {"ok": False}), False, "answered {'ok': False}"),
    ((404, {}), True, "no /health; "),            # a version from before /health: /status
])
def test_only_a_healthy_answer_from_the_new_version_counts(health_server, answer, healthy, said):
    Health.answer = answer
    verdict, seen = update.ask_health(health_server[1], "1.1.0")
    assert verdict is healthy and said in seen


def test_a_version_whose_migration_fails_is_rolled_back_before_it_serves(
        good_bundle, health_server, tmp_path, capsys):
    root = kiosk_root(tmp_path)
    kiosk = update.Kiosk(root)
    (kiosk.releases / "1.0.0").mkdir(parents=True)
    (kiosk.releases / "1.0.0" / "VERSION").write_text("1.0.0\n")
    kiosk.switch_to(kiosk.releases / "1.0.0")
    Health.root = root
    broken = make_bundle(tmp_path, "2.0.0", import_fails)
    assert run_update(root, broken, "--restart-command", "true", "--stop-command", "true",
                      "--health-url", health_server[1]) == 1
    said = capsys.readouterr().out
    assert "the new version's migrations failed" in said and "broken release" in said
    assert "rolled back: 1.0.0 is serving again" in said and "version 1.0.0" in said
    assert kiosk.current.resolve().name == "1.0.0"


# A real kiosk, updated and rolled back --------------------------------------------------------

def answers(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except OSError:
        return None


def schema_and_marker(database):
    with sqlite3.connect(database) as db:
        tables = sorted(row[0] for row in db.execute(
            "select name from sqlite_master where type = 'table'"))
        return tables, db.execute("select note from update_marker").fetchall()


def import_fails(code):
    (code / "kiosk" / "__init__.py").write_text("raise RuntimeError('broken release')\n")


def serves_nothing_after_migrating(code):
    """Migrations pass (they run through the app), then the server exits at once, after
    changing the database as a new version's start-up might."""
    (code / "kiosk" / "serve.py").write_text(
        "import os, sqlite3, sys\n"
        "def main():\n"
        "    db = sqlite3.connect(os.environ['KIOSK_CONFIG'].rsplit('/etc/', 1)[0]"
        " + '/var/lib/kiosk/kiosk.db')\n"
        "    db.execute('create table broken_upgrade (x)')\n"
        "    db.commit()\n"
        "    sys.exit('this version cannot serve')\n"
        "if __name__ == '__main__':\n"
        "    main()\n")


def test_a_kiosk_updates_to_a_healthy_version_and_rolls_back_from_broken_ones(
        tmp_path, capsys):
    port = free_port()
    root = kiosk_root(tmp_path / "root", port)
    commands = ["--restart-command", f"{SERVICE} restart {root}",
                "--stop-command", f"{SERVICE} stop {root}",
                "--health-timeout", "40"]
    current = root / "opt" / "kiosk" / "current"
    database = root / "var" / "lib" / "kiosk" / "kiosk.db"
    status = f"http://127.0.0.1:{port}/status"
    bundles = tmp_path / "bundles"
    bundles.mkdir()
    try:
        # The first install (with a voice model), then a marker row the rollbacks must
        # leave alone.
        models = tmp_path / "models"
        (models / "vosk-model-small-en").mkdir(parents=True)
        (models / "vosk-model-small-en" / "README").write_text("a model")
        assert run_update(root, make_bundle(bundles, "1.0.0", voice_models=models),
                          *commands) == 0, capsys.readouterr().out
        assert (root / "var" / "lib" / "kiosk" / "voice-models" / "vosk-model-small-en" /
                "README").read_text() == "a model"
        assert current.resolve() == root / "opt" / "kiosk" / "releases" / "1.0.0"
        with sqlite3.connect(database) as db:
            db.execute("create table update_marker (note)")
            db.execute("insert into update_marker values ('a submission')")

        started = time.monotonic()
        newer = make_bundle(bundles, "1.1.0")
        assert run_update(root, newer, *commands) == 0, \
            capsys.readouterr().out
        update_seconds = time.monotonic() - started
        said = capsys.readouterr().out
        assert current.resolve().name == "1.1.0" and answers(status) == 200
        assert "database backed up to" in said and "migrated:" in said
        assert (current / "VERSION").read_text().strip() == "1.1.0"
        assert list((database.parent / "backups").glob("before-update-1.0.0-to-1.1.0-*.db"))
        good = schema_and_marker(database)

        assert run_update(root, newer, *commands) == 1
        assert "1.1.0 is the one running: nothing to do" in capsys.readouterr().out

        # A version that migrates, changes the database, and never serves.
        started = time.monotonic()
        assert run_update(root, make_bundle(bundles, "2.0.1", serves_nothing_after_migrating),
                          *commands[:-1], "5") == 1
        rollback_seconds = time.monotonic() - started
        said = capsys.readouterr().out
        assert "2.0.1 did not come up healthy within 5 s" in said
        assert "the migration changed the database: restoring" in said
        assert "rolled back: 1.1.0 is serving again" in said
        assert current.resolve().name == "1.1.0" and answers(status) == 200
        assert schema_and_marker(database) == good      # broken_upgrade is gone again
        print(f"update {update_seconds:.1f} s, failed update with rollback "
              f"{rollback_seconds:.1f} s", file=sys.stderr)
    finally:
        update.subprocess.run([*SERVICE.split(), "stop", str(root)])
