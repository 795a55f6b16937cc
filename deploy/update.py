"""`sudo make update BUNDLE=/media/usb/kiosk-V.tar`: update a kiosk without the internet.

    python3 -m deploy.update --bundle PATH [--root DIR] [--restart-command CMD]
                             [--stop-command CMD] [--health-url URL] [--keep K]

In order, logging each step on stdout (journald keeps it under systemd):
 1. verify the bundle: every file's sha256 and size against MANIFEST.json; refuse a
    missing, extra or altered file, a member that is a link or leaves the folder, and
    wheels made for another Python or platform. Nothing is written before this passes;
 2. unpack it beside the running version, /opt/kiosk/releases/VERSION (never over it),
    and build its .venv offline from the bundle's wheels;
 3. wait until no resident is mid-journey (the kiosk's sessions table), at most --max-wait;
 4. stop the services, back up the database (SQLite's online backup), switch
    /opt/kiosk/current atomically, run the new version's migrations, start the services;
 5. poll /health until the new version answers healthy; if it does not within
    --health-timeout: stop, restore the backup if the migration changed the database,
    switch back, start the old version, and exit 1 saying why;
 6. keep the last --keep releases and remove older ones.

A lock file makes a second update wait for nobody: it is refused while one runs.
--root DIR runs all of this against DIR as if it were / (tests; nothing of the real
machine is touched, and the systemctl commands are only written down unless given).
"""
import argparse
import configparser
import contextlib
import datetime
import fcntl
import json
import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import time
import tomllib
import urllib.error
import urllib.request
from pathlib import Path, PurePosixPath

from .bundle_manifest import (FORMAT, MANIFEST, PARTS, BundleError, check_version,
                              sha256_of, this_python, top_folder)

SERVICES = "kiosk-server kiosk-handoff"
DEFAULT_RESTART = f"systemctl restart {SERVICES}"
DEFAULT_STOP = f"systemctl stop {SERVICES}"


class UpdateError(Exception):
    """The update stopped; the message says why and what state the kiosk is in."""


def log(message):
    stamp = datetime.datetime.now().strftime("%H:%M:%S")
    print(f"{stamp} update: {message}", flush=True)


# 1. Verifying the bundle ------------------------------------------------------------------

def verify_bundle(path):
    """Check the bundle at `path` completely and return its manifest; BundleError says what
    is wrong. Reads the tar only: nothing is unpacked before every check has passed."""
    try:
        tar = tarfile.open(path, "r:*")
    except (OSError, tarfile.TarError) as error:
        raise BundleError(f"{path} cannot be read as a tar file ({error})") from None
    with tar:
        members = tar.getmembers()
        top = safe_members(members)
        manifest = read_manifest(tar, top)
        files = {PurePosixPath(member.name).relative_to(top).as_posix(): member
                 for member in members if member.isfile()}
        files.pop(MANIFEST)
        listed = manifest["files"]
        missing, extra = sorted(set(listed) - set(files)), sorted(set(files) - set(listed))
        if missing:
            raise BundleError(f"{len(missing)} file(s) in the manifest are missing from the "
                              f"bundle: {', '.join(missing[:5])}")
        if extra:
            raise BundleError(f"{len(extra)} file(s) in the bundle are not in the manifest: "
                              f"{', '.join(extra[:5])}")
        for name, member in sorted(files.items()):
            digest, size = sha256_of(tar.extractfile(member))
            if digest != listed[name]["sha256"] or size != listed[name]["size"]:
                raise BundleError(f"{name} does not match its checksum in the manifest: "
                                  f"the bundle is damaged or was altered")
    return manifest


def safe_members(members):
    """The one top folder every member is under; BundleError for a member that is anything
    but a plain file or folder, leaves that folder, or comes twice."""
    tops, seen = set(), set()
    for member in members:
        name = PurePosixPath(member.name)
        if name.is_absolute() or ".." in name.parts or not name.parts:
            raise BundleError(f"the member {member.name!r} points outside the bundle's folder")
        if not (member.isfile() or member.isdir()):
            kind = "a symbolic link" if member.issym() else \
                "a hard link" if member.islnk() else "a device or special file"
            raise BundleError(f"the member {member.name!r} is {kind}: a bundle holds only "
                              f"files and folders")
        if name in seen:
            raise BundleError(f"the member {member.name!r} is in the bundle twice")
        seen.add(name)
        tops.add(name.parts[0])
    if len(tops) != 1:
        raise BundleError(f"a bundle holds one folder kiosk-VERSION, this one holds "
                          f"{', '.join(sorted(tops)[:5]) or 'nothing'}")
    return tops.pop()


def read_manifest(tar, top):
    """The manifest, checked for its format, version, files and the Python it is for."""
    try:
        member = tar.getmember(f"{top}/{MANIFEST}")
    except KeyError:
        member = None
    if member is None or not member.isfile():
        raise BundleError(f"the bundle has no {top}/{MANIFEST}")
    try:
        manifest = json.load(tar.extractfile(member))
    except (ValueError, UnicodeDecodeError) as error:
        raise BundleError(f"{MANIFEST} is not valid JSON ({error})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BundleError(f"{MANIFEST} is not a {FORMAT} manifest")
    version = check_version(manifest.get("version"))
    if top != top_folder(version):
        raise BundleError(f"the bundle's folder {top} does not match its version {version}")
    files = manifest.get("files")
    if not isinstance(files, dict) or not all(
            isinstance(entry, dict) and isinstance(entry.get("sha256"), str)
            and isinstance(entry.get("size"), int) for entry in files.values()):
        raise BundleError(f"{MANIFEST} lists no files with their sha256 and size")
    for name in files:
        parts = PurePosixPath(name).parts
        if not parts or parts[0] not in PARTS or ".." in parts or name.startswith("/"):
            raise BundleError(f"{MANIFEST} lists {name!r}, which is not part of a bundle")
    here = this_python()
    for key in ("python", "platform"):
        if manifest.get(key) != here[key]:
            raise BundleError(f"the bundle's wheels are for {key} {manifest.get(key)}, this "
                              f"kiosk has {here[key]}: build the bundle on a machine like it")
    return manifest


# The machine's layout (appliance spec), under --root ----------------------------------------

class Kiosk:
    """Where things are on this kiosk: the releases, the settings and the state."""

    def __init__(self, root, config=None):
        self.root = Path(root)
        self.opt = self.at("/opt/kiosk")
        self.releases = self.opt / "releases"
        self.current = self.opt / "current"
        self.config_path = Path(config) if config else self.at("/etc/kiosk/kiosk.ini")
        self.config = configparser.ConfigParser(interpolation=None)
        if not self.config.read(self.config_path, encoding="utf-8"):
            raise UpdateError(f"cannot read the kiosk's settings at {self.config_path}")

    def at(self, absolute):
        """An absolute path of the real machine, under --root."""
        return self.root / str(absolute).lstrip("/")

    def setting_path(self, section, key, default):
        """A path from kiosk.ini: relative ones against the ini file's folder."""
        value = Path(self.config.get(section, key, fallback="") or default)
        path = self.at(value) if value.is_absolute() else self.config_path.parent / value
        return Path(os.path.normpath(path))

    @property
    def database(self):
        return self.setting_path("database", "path", "var/kiosk.db")

    @property
    def voice_models(self):
        return self.setting_path("voice", "models_dir", "var/voice-models")

    @property
    def health_url(self):
        host = self.config.get("server", "host", fallback="") or "127.0.0.1"
        port = self.config.get("server", "port", fallback="") or "8080"
        return f"http://{host}:{port}/health"

    def running_release(self):
        """The release folder `current` points at, or None on a kiosk not yet installed."""
        return self.current.resolve() if self.current.is_symlink() else None

    def switch_to(self, release):
        """Point `current` at `release` in one step: a new link, renamed over the old one
        (rename is atomic, so a service starting meanwhile sees one version or the other)."""
        link = self.opt / ".current-switching"
        with contextlib.suppress(FileNotFoundError):
            link.unlink()
        link.symlink_to(Path("releases") / release.name)
        os.replace(link, self.current)

    def state_owner(self):
        """(uid, gid) that owns the database's folder: the `kiosk` user on a kiosk."""
        info = self.database.parent.stat()
        return info.st_uid, info.st_gid


def release_version(release):
    """The version a release says it is (code/VERSION from the bundle), or its folder name."""
    try:
        return (release / "VERSION").read_text(encoding="utf-8").strip()
    except OSError:
        return release.name


@contextlib.contextmanager
def update_lock(kiosk):
    """Only one update at a time: a second one is refused, not queued."""
    kiosk.opt.mkdir(parents=True, exist_ok=True)
    with open(kiosk.opt / ".update.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise UpdateError(f"another update is running (it holds {lock.name})") from None
        yield


# 2. Installing beside the running version ---------------------------------------------------

def install_release(kiosk, bundle, manifest, reuse_site_packages=None):
    """Unpack the verified bundle to releases/VERSION with its own .venv; returns the folder."""
    version = manifest["version"]
    release = kiosk.releases / version
    if kiosk.running_release() == release.resolve():
        raise UpdateError(f"version {version} is the one running: nothing to do")
    kiosk.releases.mkdir(parents=True, exist_ok=True)
    unpacked_size = sum(entry["size"] for entry in manifest["files"].values())
    # Room for the unpacked bundle and the .venv built from its wheels (a release took
    # 470 MB for a 131 MB bundle).
    free = shutil.disk_usage(kiosk.releases).free
    if free < 4 * unpacked_size:
        raise UpdateError(f"{kiosk.releases} has {free / 1e6:.0f} MB free; installing "
                          f"{version} needs about {4 * unpacked_size / 1e6:.0f} MB: remove "
                          f"what is not needed and try again (nothing was changed)")
    incoming = kiosk.releases / f".incoming-{version}"
    for leftover in (incoming, release):      # from an attempt that stopped half-way
        if leftover.exists():
            log(f"removing {leftover}, left by an earlier attempt")
            shutil.rmtree(leftover)
    incoming.mkdir(parents=True)
    try:
        log(f"unpacking into {release}")
        with tarfile.open(bundle, "r:*") as tar:
            # Checked by verify_bundle already; the "data" filter refuses the same again.
            tar.extractall(incoming, filter="data")
        unpacked = incoming / top_folder(version)
        (unpacked / "code").rename(release)
        shutil.rmtree(release / "signlang_videos", ignore_errors=True)
        (unpacked / "signlang_videos").rename(release / "signlang_videos")
        build_venv(release, unpacked / "wheels", reuse_site_packages)
        install_voice_models(kiosk, unpacked / "voice-models")
    except BaseException:
        shutil.rmtree(release, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(incoming, ignore_errors=True)
    return release


def build_venv(release, wheels, reuse_site_packages=None):
    """release/.venv with every dependency from the bundle's wheels, offline, and the
    release folder itself on its path (what `pip install -e` does, without setuptools),
    so `python -m kiosk.serve` and `flask --app kiosk` run this release's code.

    reuse_site_packages (tests only): a venv without pip that sees an existing
    environment's packages, so pip finds every dependency installed already."""
    venv = release / ".venv"
    log(f"building {venv} offline from the bundle's {len(list(wheels.glob('*.whl')))} wheels")
    command = [sys.executable, "-m", "venv", str(venv)]
    run(command + (["--without-pip"] if reuse_site_packages else []), "python -m venv")
    python = venv / "bin" / "python"
    site_packages = Path(subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        check=True, capture_output=True, text=True).stdout.strip())
    paths = [str(release.resolve())] + ([str(reuse_site_packages)] if reuse_site_packages else [])
    (site_packages / "kiosk-release.pth").write_text("\n".join(paths) + "\n", encoding="utf-8")
    with open(release / "pyproject.toml", "rb") as file:
        requirements = tomllib.load(file)["project"]["dependencies"]
    run([python, "-m", "pip", "install", "--quiet", "--no-index", "--find-links", str(wheels),
         "--disable-pip-version-check", *requirements], "pip install (offline)")


def run(command, what, timeout=1800):
    """Run a step's command; UpdateError with the end of its output if it fails."""
    result = subprocess.run([str(part) for part in command], capture_output=True, text=True,
                            timeout=timeout)
    if result.returncode != 0:
        raise UpdateError(f"{what} failed (exit {result.returncode}): "
                          f"{last_lines(result.stdout + result.stderr)}; the running "
                          f"version is untouched")


def install_voice_models(kiosk, models):
    """Put each bundled voice model in [voice] models_dir, unless one of that name is
    there already (models are large and rarely change; a new one gets a new name)."""
    if not models.is_dir():
        return
    for model in sorted(models.iterdir()):
        target = kiosk.voice_models / model.name
        if target.exists():
            continue
        log(f"installing the voice model {model.name} into {kiosk.voice_models}")
        target.parent.mkdir(parents=True, exist_ok=True)
        model.rename(target) if model.stat().st_dev == target.parent.stat().st_dev \
            else shutil.copytree(model, target)
        give_to_state_owner(kiosk, target)


def give_to_state_owner(kiosk, path):
    """Files the updater (root) writes into the state folder belong to the kiosk user."""
    if os.geteuid() != 0:
        return
    uid, gid = kiosk.state_owner()
    for item in [path, *(path.rglob("*") if path.is_dir() else [])]:
        os.chown(item, uid, gid, follow_symlinks=False)


# 3. Between residents -----------------------------------------------------------------------

def residents_on_screen(database, now=None):
    """How many residents' sessions are open (as kiosk.store.Store.resident_sessions
    counts them: anything but a bare anti-forgery token, and no staff)."""
    if not database.exists():
        return 0
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=10)
    try:
        rows = connection.execute("select data from sessions where expires >= ?",
                                  [time.time() if now is None else now]).fetchall()
    except sqlite3.OperationalError:
        return 0            # no sessions table: nobody has used this kiosk yet
    finally:
        connection.close()
    count = 0
    for (data,) in rows:
        with contextlib.suppress(ValueError, TypeError):
            data = json.loads(data)
            if set(data) - {"csrf_token"} and "staff" not in data:
                count += 1
    return count


def wait_between_residents(database, max_wait, poll_seconds=2.0):
    """Return once no resident is mid-journey; UpdateError after `max_wait` seconds."""
    started = time.monotonic()
    said = None
    while (count := residents_on_screen(database)):
        waited = time.monotonic() - started
        if waited >= max_wait:
            raise UpdateError(f"a resident was still using the kiosk after {max_wait:.0f} s; "
                              f"nothing was switched (the running version is untouched): "
                              f"run the update again later, or give a longer --max-wait")
        if count != said:
            log(f"waiting: {count} resident(s) mid-journey (at most {max_wait:.0f} s)")
            said = count
        time.sleep(poll_seconds)


# 4. Database, migrations, services ----------------------------------------------------------

def back_up_database(kiosk, label):
    """A consistent copy of the database (SQLite's online backup, never a file copy, so
    the WAL is included) in the backups folder beside it; returns its path or None."""
    database = kiosk.database
    if not database.exists():
        log(f"no database at {database} yet: nothing to back up")
        return None
    folder = database.parent / "backups"
    folder.mkdir(exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    backup = folder / f"before-update-{label}-{stamp}.db"
    copy_database(database, backup)
    give_to_state_owner(kiosk, folder)
    log(f"database backed up to {backup}")
    return backup


def copy_database(source, target):
    """SQLite's online backup of `source` into `target` (page by page, consistent)."""
    with contextlib.closing(sqlite3.connect(source, timeout=30)) as origin, \
            contextlib.closing(sqlite3.connect(target, timeout=30)) as copy:
        origin.backup(copy)
    # Run as root, SQLite may have made the -wal and -shm files beside either one: they
    # must stay the kiosk user's, or the kiosk cannot open its database afterwards.
    if os.geteuid() == 0:
        for database in (Path(source), Path(target)):
            owner = database.parent.stat()
            for companion in (database.with_name(database.name + "-wal"),
                              database.with_name(database.name + "-shm")):
                with contextlib.suppress(FileNotFoundError):
                    os.chown(companion, owner.st_uid, owner.st_gid)


def database_schema(database):
    """Every table, index and trigger definition: what a migration changes."""
    if not database.exists():
        return None
    with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
        schema = db.execute("select type, name, sql from sqlite_master order by 1, 2").fetchall()
        with contextlib.suppress(sqlite3.OperationalError):
            schema += db.execute("select 'alembic', version_num, '' from alembic_version"
                                 ).fetchall()
    return schema


def migrate(kiosk, release):
    """Run the new release's migrations: starting the app upgrades the schema, and
    `flask --app kiosk backoffice database` starts it and says at which migration it is.
    As the state's owner, so files it creates stay the kiosk user's."""
    log("running the new version's migrations")
    owner = {}
    if os.geteuid() == 0:
        uid, gid = kiosk.state_owner()
        owner = {"user": uid, "group": gid, "extra_groups": []}
    environment = {**os.environ, "KIOSK_CONFIG": str(kiosk.config_path)}
    command = [str(release / ".venv" / "bin" / "python"), "-m", "flask", "--app", "kiosk",
               "backoffice", "database"]
    result = subprocess.run(command, cwd=release, env=environment, capture_output=True,
                            text=True, timeout=600, **owner)
    output = (result.stdout + result.stderr).strip()
    if result.returncode != 0:
        raise UpdateError(f"the new version's migrations failed: {last_lines(output)}")
    log(f"migrated: {last_lines(output, 2)}")


def services(command, what):
    """Run a service command (systemctl ...); under --root without one, only say it."""
    if command is None:
        log(f"(would {what} the services here: --root given, no command)")
        return
    log(f"{what}: {command}")
    result = subprocess.run(shlex.split(command), capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        log(f"{what} said (exit {result.returncode}): "
            f"{last_lines(result.stdout + result.stderr)}")


def last_lines(text, count=5):
    return " | ".join(text.strip().splitlines()[-count:])


# 5. Health ----------------------------------------------------------------------------------

def wait_until_healthy(url, version, timeout, poll_seconds=1.0):
    """True once `url` (/health) answers 200 {"ok": true, "version": version}; a kiosk
    without /health yet (before the appliance work) counts as healthy when /status answers
    200. Returns (healthy, what it last saw)."""
    deadline = time.monotonic() + timeout
    seen = "nothing yet"
    while True:
        healthy, seen = ask_health(url, version)
        if healthy or time.monotonic() >= deadline:
            return healthy, seen
        time.sleep(poll_seconds)


def ask_health(url, version):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            answer = json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        if error.code == 404 and url.endswith("/health"):
            return status_page_answers(url[:-len("/health")] + "/status")
        return False, f"{url} answered {error.code}"
    except (OSError, ValueError) as error:
        return False, f"{url}: {getattr(error, 'reason', error)}"
    if not isinstance(answer, dict) or answer.get("ok") is not True:
        return False, f"{url} answered {answer!r}"
    if version is not None and answer.get("version") != version:
        return False, f"{url} answered version {answer.get('version')!r}, not {version!r}"
    return True, f"{url} answered ok, version {answer.get('version')}"


def status_page_answers(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200, f"no /health; {url} answered {response.status}"
    except (OSError, urllib.error.HTTPError) as error:
        return False, f"no /health; {url}: {getattr(error, 'reason', error)}"


# 6. Old releases ----------------------------------------------------------------------------

def prune_releases(kiosk, keep, spare=()):
    """Remove all but the `keep` most recently installed releases (never those in `spare`)."""
    releases = sorted((path for path in kiosk.releases.iterdir()
                       if path.is_dir() and not path.name.startswith(".")),
                      key=lambda path: path.stat().st_mtime, reverse=True)
    spare = {path.resolve() for path in spare if path is not None}
    for old in releases[keep:]:
        if old.resolve() not in spare:
            log(f"removing the old release {old.name}")
            shutil.rmtree(old)


# The whole update ---------------------------------------------------------------------------

def update(options):
    """Run the update described by the parsed command line; UpdateError if it failed."""
    started = time.monotonic()
    # The services run as the kiosk user: every release file must be readable by it,
    # whatever umask the admin's shell or sudo has.
    os.umask(0o022)
    kiosk = Kiosk(options.root, options.config)
    if options.root == "/" and os.geteuid() != 0:
        raise UpdateError("the update changes /opt/kiosk and restarts services: run it "
                          "with sudo (sudo make update BUNDLE=...)")
    real_machine = Path(options.root).resolve() == Path("/")
    restart = options.restart_command or (DEFAULT_RESTART if real_machine else None)
    stop = options.stop_command or (DEFAULT_STOP if real_machine else None)
    health_url = options.health_url or kiosk.health_url

    log(f"verifying {options.bundle}")
    try:
        manifest = verify_bundle(options.bundle)
    except BundleError as error:
        raise UpdateError(f"refused {options.bundle}: {error}; nothing was changed") from None
    version = manifest["version"]
    log(f"the bundle is intact: version {version}, {len(manifest['files'])} files, "
        f"built {manifest.get('created')}")

    with update_lock(kiosk):
        previous = kiosk.running_release()
        old_version = release_version(previous) if previous else None
        release = install_release(kiosk, options.bundle, manifest,
                                  options.reuse_site_packages)
        log(f"{version} is installed beside {old_version or 'nothing (first install)'}")

        wait_between_residents(kiosk.database, options.max_wait)
        switch_started = time.monotonic()
        services(stop, "stop")
        backup = schema_before = None
        try:
            backup = back_up_database(kiosk, f"{old_version or 'none'}-to-{version}")
            schema_before = database_schema(kiosk.database)
            # Switched first: kiosk.ini may name files in /opt/kiosk/current (the catalogue,
            # the clips), and the migration starts the new version's app to run.
            kiosk.switch_to(release)
            log(f"{kiosk.current} -> releases/{version}")
            migrate(kiosk, release)
            services(restart, "restart")
            healthy, seen = wait_until_healthy(health_url, version, options.health_timeout)
            if not healthy:
                raise UpdateError(f"version {version} did not come up healthy within "
                                  f"{options.health_timeout:.0f} s ({seen})")
        except (UpdateError, OSError, sqlite3.Error, subprocess.SubprocessError,
                KeyboardInterrupt) as error:        # Ctrl-C mid-switch rolls back too
            roll_back(kiosk, previous, old_version, backup, schema_before, stop, restart,
                      health_url, options.health_timeout, error)
        log(f"{seen}; switched over in {time.monotonic() - switch_started:.1f} s")
        prune_releases(kiosk, options.keep, spare=(release, previous))
    log(f"updated {old_version or 'nothing'} -> {version} in "
        f"{time.monotonic() - started:.1f} s")


def roll_back(kiosk, previous, old_version, backup, schema_before, stop, restart,
              health_url, health_timeout, error):
    """Put the kiosk back as it was before the update, then raise UpdateError with why."""
    log(f"the update went wrong: {error}")
    if previous is None:
        raise UpdateError(f"{error}; there is no earlier version to go back to") from None
    log(f"rolling back to {old_version}")
    services(stop, "stop")
    if backup is not None and database_schema(kiosk.database) != schema_before:
        log(f"the migration changed the database: restoring {backup}")
        copy_database(backup, kiosk.database)
    else:
        log("the database's schema is unchanged: it stays as it is")
    kiosk.switch_to(previous)
    log(f"{kiosk.current} -> releases/{previous.name}")
    services(restart, "restart")
    # A release installed from git rather than a bundle has no VERSION to check against.
    expected = old_version if (previous / "VERSION").is_file() else None
    # The old version worked: give it at least a minute, even after a short --health-timeout.
    healthy, seen = wait_until_healthy(health_url, expected, max(health_timeout, 60))
    outcome = (f"rolled back: {old_version} is serving again ({seen})" if healthy else
               f"rolled back to {old_version}, but it is not healthy either ({seen}): "
               f"look at journalctl -u kiosk-server")
    raise UpdateError(f"{error}; {outcome}") from None


def parse(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", required=True, help="the bundle (kiosk-VERSION.tar)")
    parser.add_argument("--root", default="/", help="act on this folder as if it were /")
    parser.add_argument("--config", help="kiosk.ini (default: ROOT/etc/kiosk/kiosk.ini)")
    parser.add_argument("--restart-command", help=f"default: {DEFAULT_RESTART}")
    parser.add_argument("--stop-command", help=f"default: {DEFAULT_STOP}")
    parser.add_argument("--health-url", help="default: http://HOST:PORT/health of kiosk.ini")
    parser.add_argument("--health-timeout", type=float, default=120,
                        help="seconds the new version has to come up healthy (120)")
    parser.add_argument("--max-wait", type=float, default=900,
                        help="seconds to wait for the resident on screen to finish (900)")
    parser.add_argument("--keep", type=int, default=3, help="releases to keep (3)")
    parser.add_argument("--reuse-site-packages", type=Path,
                        help="tests only: a venv that sees this environment's packages "
                             "instead of installing the bundle's wheels")
    return parser.parse_args(argv)


def main(argv=None):
    try:
        update(parse(argv))
    except UpdateError as error:
        log(f"FAILED: {error}")
        sys.exit(1)
    except (OSError, tarfile.TarError, sqlite3.Error, subprocess.SubprocessError) as error:
        # Before the switch (a full disk while unpacking, say): the old version still runs.
        log(f"FAILED: {error.__class__.__name__}: {error}; the steps above say how far it got")
        sys.exit(1)


if __name__ == "__main__":
    main()
