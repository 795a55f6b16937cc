"""A throwaway PostgreSQL server for one test or bench run, from Debian's `postgresql` package.

    with ThrowawayPostgres() as server:
        server.create_database("kiosk")
        engine = sqlalchemy.create_engine(server.url("kiosk"))

`start()` runs initdb into a new temporary folder and starts the server with pg_ctl on a free
loopback port, its Unix socket in the same folder, tuned for speed rather than durability
(the data is thrown away). `stop()` stops it and deletes the folder. Plain Python, no pytest:
bench scripts use it as well as tests/conftest.py.

PostgreSQL refuses to run as root, and CI runs as root: then initdb and pg_ctl run as the
`postgres` system user that Debian's package creates, and the folder belongs to that user.

    .venv/bin/python tests/postgres_server.py    starts one and prints its URL until Ctrl-C
"""
import atexit
import functools
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import psycopg
from psycopg import sql

DEBIAN_ROOT = Path("/usr/lib/postgresql")
SYSTEM_USER = "postgres"    # who runs the server when the tests run as root
SUPERUSER = "postgres"      # the cluster's own superuser, the one every URL names
FOLDER_PREFIX = "kiosk-pg-"
# In memory when there is room: on disk, even with fsync off, CREATE DATABASE takes 100-200 ms
# instead of about 10 (and initdb a few tenths of a second longer). Docker gives /dev/shm
# only 64 MB by default, too little for a cluster and its databases: then the disk it is.
MEMORY_FOLDER = Path("/dev/shm")
MEMORY_FOLDER_ROOM = 1 << 30
OWNER_FILE = "owner.pid"    # the pid of the process that started the server; see reap_stale
START_SECONDS = 30
# Speed over durability: the cluster lives for one run. Small, so that several engineers'
# test runs (and xdist workers) fit side by side on one shared machine.
SETTINGS = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "shared_buffers": "32MB",
    "max_connections": "100",
    "max_wal_size": "1GB",          # no checkpoints forced by WAL volume in a test run
    "checkpoint_timeout": "1h",
    "autovacuum": "off",            # tables live for one test; vacuum would only add noise
    "logging_collector": "off",
    "log_min_messages": "warning",
    "lc_messages": "C",             # errors in English, whatever the machine's locale
    "timezone": "UTC",
}


class PostgresNotInstalled(Exception):
    """No PostgreSQL binaries (Debian's `postgresql` package is not installed)."""


class PostgresStartFailed(Exception):
    """initdb or pg_ctl failed; the message carries the command's output or the log's tail."""


def find_bin_dir(root=None):
    """The newest /usr/lib/postgresql/VERSION/bin holding pg_ctl and initdb."""
    root = Path(root or DEBIAN_ROOT)
    found = []
    for candidate in root.glob("*/bin"):
        version = re.fullmatch(r"\d+(\.\d+)?", candidate.parent.name)
        if version and (candidate / "pg_ctl").is_file() and (candidate / "initdb").is_file():
            found.append((tuple(int(part) for part in version.group().split(".")), candidate))
    if not found:
        raise PostgresNotInstalled(
            f"no PostgreSQL under {root}/*/bin (install Debian's package: "
            "scripts/install-system-packages.sh test, or apt-get install postgresql)")
    return max(found)[1]


def free_port():
    """A loopback TCP port nobody listens on right now (the server may still lose a race)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def port_is_open(port):
    """Whether something accepts connections on 127.0.0.1:`port`."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def unique_database_name(prefix="test"):
    """A database name no other test in this run will pick."""
    return f"{prefix}_{uuid.uuid4().hex[:12]}"


class ThrowawayPostgres:
    """One PostgreSQL cluster in a temporary folder, on a free loopback port, trust auth."""

    def __init__(self, bin_dir=None, parent_folder=None, settings=None):
        """`settings` change SETTINGS: a benchmark wants PostgreSQL's durable defaults."""
        self.settings = {**SETTINGS, **(settings or {})}
        self.bin_dir = Path(bin_dir) if bin_dir else find_bin_dir()
        self.parent_folder = parent_folder or default_parent_folder()
        self.run_as = SYSTEM_USER if os.geteuid() == 0 else None
        self.folder = None
        self.port = None
        self.startup_seconds = None

    # -- life cycle -------------------------------------------------------------------------

    def start(self):
        """initdb and start the server; returns self. Takes about a second."""
        began = time.perf_counter()
        if self.run_as:
            try:
                pwd.getpwnam(self.run_as)
            except KeyError:
                raise PostgresStartFailed(
                    f"running as root, but there is no {self.run_as!r} system user to run "
                    "PostgreSQL as (Debian's postgresql package creates it)") from None
        reap_stale(self.bin_dir, self.parent_folder)
        self.folder = Path(tempfile.mkdtemp(prefix=FOLDER_PREFIX, dir=self.parent_folder))
        (self.folder / OWNER_FILE).write_text(str(os.getpid()))
        atexit.register(self.stop)
        try:
            if self.run_as:
                shutil.chown(self.folder, user=self.run_as, group=self.run_as)
            self._initdb()
            self._start_on_a_free_port()
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.perf_counter() - began
        return self

    def stop(self):
        """Stop the server at once (its data is thrown away) and delete its folder."""
        atexit.unregister(self.stop)
        if self.folder is None:
            return
        if (self.data_dir / "postmaster.pid").exists():
            self._run("pg_ctl", "stop", "--pgdata", self.data_dir, "--mode", "immediate",
                      "--wait", check=False)
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @functools.cached_property
    def version(self):
        """The version of the binaries, as a tuple: (15, 18)."""
        output = subprocess.run([self.bin_dir / "pg_ctl", "--version"], capture_output=True,
                                text=True, check=True).stdout    # "pg_ctl (PostgreSQL) 15.18 ..."
        return tuple(int(part) for part in re.search(r"\d+(\.\d+)*", output).group().split("."))

    @property
    def data_dir(self):
        return self.folder / "data"

    @property
    def log_file(self):
        return self.folder / "server.log"

    # -- databases --------------------------------------------------------------------------

    def url(self, dbname="postgres"):
        """A SQLAlchemy URL (psycopg 3 driver) for `dbname` on this server."""
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{dbname}"

    def dsn(self, dbname="postgres"):
        """A libpq connection string for psycopg itself, without SQLAlchemy."""
        return f"host=127.0.0.1 port={self.port} user={SUPERUSER} dbname={dbname}"

    def create_database(self, name, template=None):
        """Create database `name`, empty or as a copy of database `template` (which must have
        no open connections: dispose of its engine first). Returns the SQLAlchemy URL."""
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
        if self.version >= (15,):
            # Copies the template's files instead of WAL-logging every block: about 10 ms
            # instead of 25 for the small databases tests use.
            statement += sql.SQL(" STRATEGY FILE_COPY")
        self.execute(statement)
        return self.url(name)

    def drop_database(self, name):
        """Drop database `name` if it exists, closing whatever connections are still open."""
        self.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(name)))

    def execute(self, statement, dbname="postgres"):
        """Run one admin statement (outside a transaction, as CREATE DATABASE needs)."""
        with psycopg.connect(self.dsn(dbname), autocommit=True) as connection:
            connection.execute(statement)

    # -- the commands -----------------------------------------------------------------------

    def _initdb(self):
        self._run("initdb", "--pgdata", self.data_dir, "--username", SUPERUSER,
                  "--auth", "trust", "--encoding", "UTF8", "--locale", "C.UTF-8",
                  "--no-sync", "--no-instructions")
        settings = {**self.settings, "listen_addresses": "'127.0.0.1'",
                    "unix_socket_directories": f"'{self.folder}'"}
        with open(self.data_dir / "postgresql.conf", "a") as conf:
            conf.write("\n# ThrowawayPostgres (tests/postgres_server.py)\n")
            conf.writelines(f"{key} = {value}\n" for key, value in settings.items())
        # Trust is fine for a cluster that lives one run, but only from this machine.
        (self.data_dir / "pg_hba.conf").write_text(
            "local all all trust\n"
            "host all all 127.0.0.1/32 trust\n")

    def _start_on_a_free_port(self, attempts=3):
        for attempt in range(attempts):
            self.port = free_port()
            result = self._run("pg_ctl", "start", "--pgdata", self.data_dir,
                               "--log", self.log_file, "--wait", "--timeout", START_SECONDS,
                               "--options", f"-p {self.port}", check=False)
            if result.returncode == 0:
                return
            log = self.log_file.read_text(errors="replace") if self.log_file.exists() else ""
            if "could not bind" not in log or attempt == attempts - 1:
                raise PostgresStartFailed(f"pg_ctl start failed:\n{result.stdout}\n{log[-3000:]}")
            self.log_file.unlink()   # someone took the port between probe and bind: try another

    def _run(self, program, *arguments, check=True):
        command = [str(self.bin_dir / program), *map(str, arguments)]
        if self.run_as:
            command = ["runuser", "-u", self.run_as, "--", *command]
        # The folder as working directory: root's may be closed to the postgres user.
        result = subprocess.run(command, cwd=self.folder or "/", stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if check and result.returncode != 0:
            raise PostgresStartFailed(f"{program} failed ({result.returncode}):\n{result.stdout}")
        return result


def default_parent_folder():
    """/dev/shm when it has room for a cluster, else the system's temporary folder."""
    try:
        room = os.statvfs(MEMORY_FOLDER)
    except OSError:
        return tempfile.gettempdir()
    if room.f_bavail * room.f_frsize >= MEMORY_FOLDER_ROOM and os.access(MEMORY_FOLDER, os.W_OK):
        return str(MEMORY_FOLDER)
    return tempfile.gettempdir()


def reap_stale(bin_dir, parent_folder=None):
    """Stop and delete servers left by earlier runs that were killed before they could stop
    them. Only those whose starting process is gone: other test runs on this machine (other
    engineers, other worktrees) keep theirs."""
    parents = {Path(parent_folder or default_parent_folder()), MEMORY_FOLDER,
               Path(tempfile.gettempdir())}
    folders = [folder for parent in parents for folder in parent.glob(FOLDER_PREFIX + "*")]
    for folder in folders:
        try:
            owner = int((folder / OWNER_FILE).read_text())
        except (OSError, ValueError):
            continue    # not ours, or still being set up
        if process_is_alive(owner):
            continue
        stale = ThrowawayPostgres(bin_dir, folder.parent)
        stale.folder = folder
        stale.stop()


def process_is_alive(pid):
    """Whether process `pid` exists (a zombie counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def stop_on_terminate(signum, frame):
    raise KeyboardInterrupt     # so that `kill` stops the server too, through `with`


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, stop_on_terminate)
    with ThrowawayPostgres() as server:
        print(f"PostgreSQL {server.bin_dir.parent.name} up in {server.startup_seconds:.2f} s")
        print(f"  {server.url()}\n  folder {server.folder}\nCtrl-C (or kill) stops it and deletes it.")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
