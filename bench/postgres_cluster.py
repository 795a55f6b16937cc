"""A throwaway PostgreSQL cluster on loopback, for the central back office's benchmarks.

    with throwaway_cluster() as url:   # postgresql://postgres@127.0.0.1:PORT/backoffice
        ...

Debian's server binaries (/usr/lib/postgresql/NN/bin) in a temporary folder owned by the
`postgres` user: PostgreSQL refuses to run as root, so when we are root every server
command runs through `runuser -u postgres`. Trust authentication on 127.0.0.1 only; the
cluster and its data are deleted at the end. Self-contained on purpose: the tests' own
fixture (tests/postgres_server.py) is being built elsewhere, and a benchmark should not
wait for it.
"""
import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time

DATABASE = "backoffice"


def server_binaries():
    """The folder of the newest Debian PostgreSQL server installed (initdb, pg_ctl)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda path: int(path.split("/")[4]))
    if not found:
        raise SystemExit("PostgreSQL's server is not installed (apt-get install postgresql)")
    return os.path.dirname(found[-1])


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_postgres(command):
    """Run a server command as `postgres` when we are root (PostgreSQL refuses root)."""
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    return subprocess.run(command, check=True, capture_output=True, text=True)


@contextlib.contextmanager
def throwaway_cluster(settings=()):
    """Start a cluster on a free loopback port; yield its postgresql:// URL; remove it all.

    `settings` are extra "name=value" server settings (e.g. "max_connections=200")."""
    binaries = server_binaries()
    folder = tempfile.mkdtemp(prefix="bench-postgres-")
    data = os.path.join(folder, "data")
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    port = free_port()
    try:
        _as_postgres([f"{binaries}/initdb", "-D", data, "-U", "postgres", "--auth=trust",
                      "--encoding=UTF8", "--locale=C.UTF-8"])
        options = " ".join([f"-c listen_addresses=127.0.0.1 -p {port}",
                            f"-c unix_socket_directories={folder}",
                            *(f"-c {setting}" for setting in settings)])
        _as_postgres([f"{binaries}/pg_ctl", "-D", data, "-l", os.path.join(folder, "log"),
                      "-o", options, "-w", "start"])
        try:
            _as_postgres([f"{binaries}/createdb", "-h", "127.0.0.1", "-p", str(port),
                          "-U", "postgres", DATABASE])
            yield f"postgresql://postgres@127.0.0.1:{port}/{DATABASE}"
        finally:
            _as_postgres([f"{binaries}/pg_ctl", "-D", data, "-m", "fast", "-w", "stop"])
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    with throwaway_cluster() as url:
        print(url)
        time.sleep(1)
