"""Start-up refuses a broken kiosk.ini or catalogue with a message an operator can act on."""
import os
import shutil
import subprocess
import sys

import pytest

from kiosk.settings import DEFAULT_CONFIG


def start(tmp_path, ini_text):
    ini = tmp_path / "kiosk.ini"
    ini.write_text(ini_text)
    environment = {**os.environ, "KIOSK_CONFIG": str(ini)}
    return subprocess.run([sys.executable, "-m", "kiosk.serve"], env=environment,
                          capture_output=True, text=True, timeout=60)


def test_a_broken_catalogue_stops_start_up_naming_the_item_and_field(tmp_path):
    catalogue = (DEFAULT_CONFIG.parent / "kiosk/data/catalogue.toml").read_text()
    broken = catalogue.replace('department = "market_regulation"', 'department = "nowhere"', 1)
    (tmp_path / "catalogue.toml").write_text(broken)
    ini = DEFAULT_CONFIG.read_text().replace("path = kiosk/data/catalogue.toml",
                                             "path = catalogue.toml")
    result = start(tmp_path, ini)
    assert result.returncode == 1
    assert 'field "department" names \'nowhere\'' in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bad_setting_stops_start_up_naming_section_and_key(tmp_path):
    result = start(tmp_path, DEFAULT_CONFIG.read_text().replace("port = 8080", "port = lots"))
    assert result.returncode == 1
    assert "[server] port must be a whole number" in result.stderr
    assert "Traceback" not in result.stderr


def as_a_user_who_cannot_override_permissions(command):
    """`command` run so that file permissions bind it: root (as tests run in CI) keeps its
    user id but loses the capabilities that let it write anywhere."""
    if os.geteuid() != 0:
        return command
    if not shutil.which("setpriv"):
        pytest.skip("setpriv (util-linux) is needed to test permissions as root")
    dropped = "-dac_override,-dac_read_search,-fowner"
    return ["setpriv", "--bounding-set", dropped, "--inh-caps", dropped, *command]


@pytest.mark.parametrize("locked", ["folder", "database"])
def test_a_database_that_cannot_be_written_stops_start_up_with_one_clear_line(tmp_path, locked):
    var = tmp_path / "var"
    ini = DEFAULT_CONFIG.read_text().replace("path = var/kiosk.db", f"path = {var}/kiosk.db")
    ini = ini.replace("warm_at_start = yes", "warm_at_start = no").replace(
        "path = kiosk/data/catalogue.toml", f"path = {DEFAULT_CONFIG.parent}/kiosk/data/catalogue.toml")
    (tmp_path / "kiosk.ini").write_text(ini)
    environment = {**os.environ, "KIOSK_CONFIG": str(tmp_path / "kiosk.ini")}
    # A kiosk that ran once, then was restored with the wrong owner.
    subprocess.run([sys.executable, "-c", "import kiosk; kiosk.create_app()"], env=environment,
                   check=True, timeout=60)
    for path in var.iterdir():
        path.chmod(0o444)
    if locked == "folder":
        var.chmod(0o555)
    try:
        result = subprocess.run(
            as_a_user_who_cannot_override_permissions([sys.executable, "-m", "kiosk.serve"]),
            env=environment, capture_output=True, text=True, timeout=60)
    finally:
        var.chmod(0o755)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    problem = result.stderr.strip().splitlines()[-1]
    assert problem.startswith("The kiosk cannot start: the database")
    assert str(var) in problem and "cannot be written" in problem
    assert "serving at" not in result.stdout


def broken_catalogue_ini(tmp_path):
    """A kiosk.ini whose catalogue has a misspelt field (`selcted` for `selected`)."""
    catalogue = (DEFAULT_CONFIG.parent / "kiosk/data/catalogue.toml").read_text()
    assert "selected = true" in catalogue
    (tmp_path / "catalogue.toml").write_text(catalogue.replace("selected = true",
                                                               "selcted = true", 1))
    ini = DEFAULT_CONFIG.read_text().replace("path = kiosk/data/catalogue.toml",
                                             "path = catalogue.toml")
    (tmp_path / "kiosk.ini").write_text(ini)
    return tmp_path / "kiosk.ini"


@pytest.mark.parametrize("command", [["catalogue"], ["voice", "list"], ["handoff", "status"]])
def test_operator_commands_on_a_bad_catalogue_say_so_in_one_line(tmp_path, command):
    environment = {**os.environ, "KIOSK_CONFIG": str(broken_catalogue_ini(tmp_path))}
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "kiosk", *command],
                            env=environment, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"Error: the kiosk cannot start: {tmp_path / 'catalogue.toml'}: package "
        '"open_shop" item entry: field "selcted" is not a field the kiosk knows here '
        '(did you mean "selected"?)']


def test_a_port_already_in_use_is_one_clear_line(tmp_path):
    import socket
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        ini = DEFAULT_CONFIG.read_text().replace("port = 8080", f"port = {port}")
        ini = ini.replace("warm_at_start = yes", "warm_at_start = no").replace(
            "path = var/kiosk.db", f"path = {tmp_path}/kiosk.db").replace(
            "path = kiosk/data/catalogue.toml",
            f"path = {DEFAULT_CONFIG.parent}/kiosk/data/catalogue.toml")
        result = start(tmp_path, ini)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "serving at" not in result.stdout
    assert result.stderr.strip().splitlines()[-1].startswith(
        f"The kiosk cannot start: cannot serve at 127.0.0.1:{port} (Address already in use)")
