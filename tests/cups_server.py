"""A throwaway CUPS scheduler for the printing tests: its own configuration, spool and socket
in a temporary folder, from Debian's cupsd (packages cups and printer-driver-cups-pdf,
scripts/install-system-packages.sh test). Needs root, as cupsd does; CI runs as root.

Two kinds of queue:
- `keep_queue(name)`: a raw queue whose backend keeps each document CUPS would send to the
  printer as `folder/job-N.pdf`: the kiosk's PDF as the printer gets it, so its text can be
  checked (tests/data/keep-backend, in a private ServerBin beside Debian's own filters).
- `pdf_queue(name)`: CUPS's PDF printer (cups-pdf, its stock PPD) writing into a folder. Its
  chain (pdftops, Ghostscript) redraws the text and drops the map back to Unicode for the
  Type 3 fonts Chromium embeds CJK text with, so its PDFs are looked at, not read.
The client tools find it through $CUPS_SERVER (the socket).
"""
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

KEEP_BACKEND = Path(__file__).resolve().parent / "data" / "keep-backend"
CUPS_BIN = Path("/usr/lib/cups")
PDF_PPD = Path("/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd")


class CupsNotAvailable(Exception):
    """cupsd or cups-pdf is not installed here, or this is not root."""


class ThrowawayCups:
    def __init__(self):
        if shutil.which("cupsd") is None or not (CUPS_BIN / "backend" / "cups-pdf").exists():
            raise CupsNotAvailable("install cups and printer-driver-cups-pdf "
                                   "(scripts/install-system-packages.sh test)")
        if os.geteuid() != 0:
            raise CupsNotAvailable("cupsd runs its backends as root: run the tests as root")
        # Not under pytest's tmp_path: that is private to root, and CUPS's filters and
        # backends run as lp.
        self.folder = Path(tempfile.mkdtemp(prefix="kiosk-cups-"))
        self.socket = self.folder / "cups.sock"
        self.pdf_configs = []
        for name in ("spool", "tmp", "cache", "state", "bin/backend"):
            (self.folder / name).mkdir(parents=True, exist_ok=True)
        (self.folder / "tmp").chmod(0o1777)     # CUPS's filters write there as lp
        for part in CUPS_BIN.iterdir():
            if part.name != "backend":
                (self.folder / "bin" / part.name).symlink_to(part)
        for backend in ("cups-pdf",):
            (self.folder / "bin" / "backend" / backend).symlink_to(CUPS_BIN / "backend" / backend)
        keep = self.folder / "bin" / "backend" / "keep"
        shutil.copy(KEEP_BACKEND, keep)
        keep.chmod(0o755)
        (self.folder / "cupsd.conf").write_text(
            f"Listen {self.socket}\nLogLevel info\nWebInterface No\nBrowsing No\n"
            "<Location />\n  Order allow,deny\n  Allow all\n</Location>\n")
        (self.folder / "cups-files.conf").write_text("\n".join([
            f"ServerRoot {self.folder}", f"ServerBin {self.folder / 'bin'}",
            f"RequestRoot {self.folder / 'spool'}", f"TempDir {self.folder / 'tmp'}",
            f"CacheDir {self.folder / 'cache'}", f"StateDir {self.folder / 'state'}",
            f"ErrorLog {self.folder / 'error_log'}", f"AccessLog {self.folder / 'access_log'}",
            f"PageLog {self.folder / 'page_log'}", "User lp", "Group lp", ""]))
        self.folder.chmod(0o755)
        self.process = subprocess.Popen(
            ["cupsd", "-f", "-c", str(self.folder / "cupsd.conf"),
             "-s", str(self.folder / "cups-files.conf")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.environment = {"CUPS_SERVER": str(self.socket)}
        deadline = time.monotonic() + 10
        while "is running" not in self.run("lpstat", "-r").stdout:
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise CupsNotAvailable(f"cupsd did not start: see {self.folder / 'error_log'}")
            time.sleep(0.1)

    def run(self, *command):
        return subprocess.run(command, capture_output=True, text=True, timeout=20,
                              env={**os.environ, **self.environment})

    def _admin(self, *arguments):
        done = self.run("lpadmin", *arguments)
        assert done.returncode == 0, done.stderr

    def output(self, name):
        """A folder for a queue's output that lp (CUPS's backends) can write into."""
        folder = self.folder / "out" / name
        folder.mkdir(parents=True, exist_ok=True)
        folder.parent.chmod(0o755)
        folder.chmod(0o777)
        return folder

    def keep_queue(self, name):
        """A queue keeping each document it gets as FOLDER/job-N.pdf; (name, FOLDER)."""
        folder = self.output(name)
        self._admin("-p", name, "-E", "-v", f"keep:{folder}")
        return name, folder

    def pdf_queue(self, name):
        """A CUPS-PDF queue writing its PDFs into FOLDER; (name, FOLDER). cups-pdf reads its
        settings from /etc/cups/cups-pdf-NAME.conf for a device URI cups-pdf:/NAME: that file
        is this test's own (a unique name) and is removed by stop()."""
        folder = self.output(name)
        config = Path(f"/etc/cups/cups-pdf-{name}.conf")
        config.write_text(f"Out {folder}\nAnonDirName {folder}\nUserUMask 0000\nLabel 0\n")
        self.pdf_configs.append(config)
        self._admin("-p", name, "-E", "-v", f"cups-pdf:/{name}", "-P", str(PDF_PPD))
        return name, folder

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        for config in self.pdf_configs:
            config.unlink(missing_ok=True)
        shutil.rmtree(self.folder, ignore_errors=True)


def wait_for_file(pattern_folder, pattern="*.pdf", seconds=30):
    """The first file matching `pattern` in the folder, once it has stopped growing."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = sorted(Path(pattern_folder).glob(pattern))
        if found:
            size = found[0].stat().st_size
            time.sleep(0.2)
            if size and found[0].stat().st_size == size:
                return found[0]
        time.sleep(0.1)
    raise AssertionError(f"no {pattern} in {pattern_folder} after {seconds} s")
