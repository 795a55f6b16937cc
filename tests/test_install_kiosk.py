"""make install-kiosk / uninstall-kiosk, run against a temporary root (DESTDIR-style): this
machine's PID 1 is not systemd, so the installer writes down the commands for the machine
(useradd, systemctl) instead of running them, and the tree it leaves is inspected here,
every unit it wrote checked by `systemd-analyze verify`."""
import configparser
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from kiosk.settings import load_settings

CHECKOUT = Path(__file__).resolve().parent.parent
INSTALL = CHECKOUT / "deploy" / "install-kiosk.sh"
UNINSTALL = CHECKOUT / "deploy" / "uninstall-kiosk.sh"
UNITS = ["kiosk-server.service", "kiosk-handoff.service", "kiosk-screen.service",
         "kiosk-backup.service", "kiosk-backup.timer"]
# The keys of kiosk.ini that name files or folders.
PATH_KEYS = re.compile(r"^(path|folder|.*_dir|.*_path|.*_file|.*_dictionary)$")
# What the browser must be started with (issue #16), as written in kiosk-screen.service.
SCREEN_FLAGS = ["--kiosk", "--kiosk-printing", "--autoplay-policy=no-user-gesture-required",
                "--lang=${KIOSK_LANGUAGE}", "--disable-pinch", "--overscroll-history-navigation=0",
                "--disable-features=Translate,TouchpadOverscrollHistoryNavigation",
                "--noerrdialogs", "--hide-crash-restore-bubble", "--no-first-run",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--incognito", "--ozone-platform=wayland",
                "--user-data-dir=/var/lib/kiosk-screen/chromium", "http://127.0.0.1:8080/"]


def install(root, *options):
    return subprocess.run([str(INSTALL), "--root", str(root), "--skip-python-packages",
                           *options], capture_output=True, text=True, timeout=120)


def uninstall(root, *options):
    return subprocess.run([str(UNINSTALL), "--root", str(root), *options],
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def root(tmp_path):
    """A temporary root with the kiosk installed into it."""
    root = tmp_path / "root"
    result = install(root)
    assert result.returncode == 0, result.stderr
    return root


def unit_setting(unit_text, key):
    """A setting's value as systemd reads it: continuation lines joined, comments dropped."""
    joined = []
    for line in unit_text.splitlines():
        if line.lstrip().startswith(("#", ";")):
            continue
        if joined and joined[-1].endswith("\\"):
            joined[-1] = joined[-1][:-1] + " " + line.strip()
        else:
            joined.append(line)
    return [line.split("=", 1)[1] for line in joined if line.startswith(f"{key}=")]


def test_the_installer_writes_every_unit_the_journal_limits_and_the_screens_session(root):
    for unit in UNITS:
        assert (root / "etc/systemd/system" / unit).is_file()
    journal = configparser.ConfigParser()
    journal.read(root / "etc/systemd/journald.conf.d/kiosk.conf")
    assert journal["Journal"]["SystemMaxUse"] == "500M"
    assert journal["Journal"]["SystemMaxFileSize"]
    assert "pam_systemd.so" in (root / "etc/pam.d/kiosk-screen").read_text()
    assert '"AudioCaptureAllowedUrls": ["http://127.0.0.1:8080"]' in (
        root / "etc/chromium/policies/managed/kiosk.json").read_text()


def test_the_server_unit_has_a_watchdog_restarts_and_may_write_only_its_state(root):
    unit = (root / "etc/systemd/system/kiosk-server.service").read_text()
    for setting in ["Type=notify", "WatchdogSec=30", "Restart=always", "User=kiosk",
                    "ProtectSystem=strict", "ReadWritePaths=/var/lib/kiosk",
                    "NoNewPrivileges=yes", "PrivateTmp=yes",
                    "Environment=KIOSK_CONFIG=/etc/kiosk/kiosk.ini PYTHONUNBUFFERED=1",
                    "ExecStart=/opt/kiosk/current/.venv/bin/python -m kiosk.serve"]:
        assert setting in unit.splitlines()
    worker = (root / "etc/systemd/system/kiosk-handoff.service").read_text()
    assert "ExecStart=/opt/kiosk/current/.venv/bin/python -m kiosk.worker" in worker
    assert "Restart=always" in worker
    backup = (root / "etc/systemd/system/kiosk-backup.service").read_text()
    assert "ExecStart=/opt/kiosk/current/.venv/bin/flask --app kiosk backup now" in backup
    assert "Persistent=true" in (root / "etc/systemd/system/kiosk-backup.timer").read_text()


def test_the_screen_runs_chromium_in_kiosk_mode_under_cage_on_tty1_with_every_flag(root):
    unit = (root / "etc/systemd/system/kiosk-screen.service").read_text()
    [command] = unit_setting(unit, "ExecStart")
    words = command.split()
    assert words[:5] == ["/usr/bin/cage", "-d", "-s", "--", "/usr/bin/chromium"]
    for flag in SCREEN_FLAGS:
        assert flag in words, flag
    assert words[-1] == "http://127.0.0.1:8080/"
    for setting in ["User=kiosk-screen", "PAMName=kiosk-screen", "TTYPath=/dev/tty1",
                    "Restart=always", "After=kiosk-server.service", "WantedBy=graphical.target",
                    "EnvironmentFile=/etc/kiosk/screen.env"]:
        assert setting in unit.splitlines()
    # The hall's language, from kiosk.ini, in the form Chromium knows.
    assert "KIOSK_LANGUAGE=zh-CN" in (root / "etc/kiosk/screen.env").read_text().splitlines()


def test_the_installed_kiosk_ini_uses_absolute_paths_and_the_separate_hand_off_worker(root):
    ini = configparser.ConfigParser(interpolation=None)
    ini.read(root / "etc/kiosk/kiosk.ini", encoding="utf-8")
    assert ini["server"]["handoff_worker"] == "separate"
    paths = {f"[{section}] {key}": value for section in ini.sections()
             for key, value in ini[section].items() if PATH_KEYS.match(key) and value}
    assert paths["[database] path"] == "/var/lib/kiosk/kiosk.db"
    assert paths["[speech] cache_dir"] == "/var/lib/kiosk/speech-cache"
    assert paths["[signs] library_dir"] == "/var/lib/kiosk/signlang_videos"
    assert paths["[catalogue] path"] == "/opt/kiosk/current/kiosk/data/catalogue.toml"
    assert all(value.startswith("/") for value in paths.values()), paths
    # Every comment of the checkout's kiosk.ini is still there for the operator.
    original = (CHECKOUT / "kiosk.ini").read_text()
    installed = (root / "etc/kiosk/kiosk.ini").read_text()
    assert [line for line in original.splitlines() if line.startswith("#")] == [
        line for line in installed.splitlines() if line.startswith("#")]


def test_the_installed_kiosk_ini_is_one_the_kiosk_accepts(root):
    settings = load_settings(root / "etc/kiosk/kiosk.ini")
    assert settings.handoff_worker == "separate"
    assert settings.database_path == Path("/var/lib/kiosk/kiosk.db")
    assert settings.speech.cache_dir == Path("/var/lib/kiosk/speech-cache")


def test_the_release_is_this_checkout_and_current_points_at_it(root):
    current = root / "opt/kiosk/current"
    assert current.is_symlink()
    version = (current / "VERSION").read_text().strip()
    assert os.readlink(current) == f"releases/{version}"
    assert (current / "kiosk/serve.py").read_text() == (CHECKOUT / "kiosk/serve.py").read_text()
    assert (current / ".venv/bin/python").exists()
    assert not (current / "tests").exists() and not (current / ".git").exists()
    assert (root / "var/lib/kiosk/signlang_videos/manifest.json").is_file()


def test_under_a_root_the_machine_is_not_touched_and_the_commands_are_written_down(root):
    commands = (root / "kiosk-install.commands").read_text().splitlines()
    assert any(line.startswith("useradd --system") and line.endswith(" kiosk ")
               for line in commands)
    assert any(line.startswith("useradd --system") and line.endswith(" kiosk-screen ")
               for line in commands)
    assert "systemctl set-default graphical.target " in commands
    assert ("systemctl enable kiosk-server.service kiosk-handoff.service kiosk-screen.service "
            "kiosk-backup.timer ") in commands
    assert any(line.endswith("scripts/install-system-packages.sh kiosk ") for line in commands)


def test_installing_again_keeps_the_operators_kiosk_ini(root):
    ini = root / "etc/kiosk/kiosk.ini"
    ini.write_text(ini.read_text().replace("id = K2", "id = K7"))
    assert install(root).returncode == 0
    assert "id = K7" in ini.read_text().splitlines()


@pytest.mark.parametrize("option", ["--rooot", "--purge"])
def test_the_installer_refuses_an_unknown_option(tmp_path, option):
    result = subprocess.run([str(INSTALL), option], capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert f"unknown option {option}" in result.stderr


def verify(root, *units):
    return subprocess.run(["systemd-analyze", "verify", f"--root={root}", *units],
                          capture_output=True, text=True, timeout=120)


def stand_in(path):
    """An executable where Debian's package would put one: `systemd-analyze verify` checks
    that each ExecStart= names an executable, inside the root. Never through a link, which
    could point out of the temporary root at this machine's own files."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o755)
    with os.fdopen(descriptor, "w") as file:
        file.write("#!/bin/sh\n")


@pytest.fixture
def root_to_verify(root):
    """The installed root, with what a Debian system has beside it: systemd's own units,
    and stand-ins for cage, Chromium, Python (the .venv's python links to /usr/bin/python3)
    and flask (which pip would put in the .venv; --skip-python-packages installed none)."""
    if not shutil.which("systemd-analyze"):
        pytest.skip("systemd-analyze (package systemd) is needed to check the units")
    shutil.copytree("/usr/lib/systemd/system", root / "usr/lib/systemd/system", symlinks=True)
    for program in ["usr/bin/cage", "usr/bin/chromium", "usr/bin/python3",
                    "opt/kiosk/current/.venv/bin/flask"]:
        stand_in(root / program)
    return root


def test_systemd_analyze_verify_finds_nothing_wrong_in_any_unit_the_installer_wrote(root_to_verify):
    result = verify(root_to_verify, *UNITS)
    assert result.returncode == 0 and not (result.stdout + result.stderr).strip(), (
        result.stdout + result.stderr)


def test_the_verify_check_does_fail_on_a_unit_with_a_mistake(root_to_verify):
    units = root_to_verify / "etc/systemd/system"
    server = (units / "kiosk-server.service").read_text()
    (units / "kiosk-misspelt.service").write_text(server.replace("Restart=", "Restrat="))
    (units / "kiosk-missing.service").write_text(server.replace("/.venv/bin/python", "/nowhere"))
    assert "Unknown key" in verify(root_to_verify, "kiosk-misspelt.service").stderr
    missing = verify(root_to_verify, "kiosk-missing.service")
    assert missing.returncode != 0 and "is not executable" in missing.stderr


def test_uninstall_removes_the_kiosk_and_keeps_its_state_and_settings(root):
    (root / "var/lib/kiosk/kiosk.db").write_text("the hall's submissions")
    result = uninstall(root)
    assert result.returncode == 0, result.stderr
    assert "--purge" in result.stdout
    for unit in UNITS:
        assert not (root / "etc/systemd/system" / unit).exists()
    assert not (root / "etc/systemd/journald.conf.d/kiosk.conf").exists()
    assert not (root / "etc/pam.d/kiosk-screen").exists()
    assert not (root / "etc/chromium/policies/managed/kiosk.json").exists()
    assert not (root / "opt/kiosk").exists()
    assert (root / "var/lib/kiosk/kiosk.db").read_text() == "the hall's submissions"
    assert (root / "etc/kiosk/kiosk.ini").exists()
    commands = (root / "kiosk-uninstall.commands").read_text().splitlines()
    assert commands[0].startswith("systemctl disable --now kiosk-screen.service")
    assert "userdel --remove kiosk-screen " in commands and "userdel kiosk " in commands
    assert "systemctl set-default multi-user.target " in commands


def test_uninstall_with_purge_removes_state_and_settings_too(root):
    assert uninstall(root, "--purge").returncode == 0
    assert not (root / "var/lib/kiosk").exists() and not (root / "etc/kiosk").exists()
    assert not (root / "opt/kiosk").exists()


def test_make_passes_the_root_through_to_the_installer_and_uninstaller():
    for target, script in [("install-kiosk", "deploy/install-kiosk.sh"),
                           ("uninstall-kiosk", "deploy/uninstall-kiosk.sh")]:
        # Under `make test` this make is a sub-make: without the outer one's flags it does
        # not announce "Entering directory".
        outer = ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")
        environment = {key: value for key, value in os.environ.items() if key not in outer}
        result = subprocess.run(["make", "--no-print-directory", "-n", target,
                                 "ROOT=/tmp/somewhere"], cwd=CHECKOUT, env=environment,
                                capture_output=True, text=True, timeout=30)
        assert result.stdout.split() == [script, "--root", "/tmp/somewhere"]
