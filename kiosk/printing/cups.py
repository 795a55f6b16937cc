"""CUPS: print a PDF with `lp`, and ask a queue how it is (`lpstat`, `lpoptions`).

CUPS's own command-line tools, so the kiosk needs no CUPS library and honours $CUPS_SERVER
and /etc/cups/client.conf like every other CUPS client. No Flask here.
"""
import re
import shutil
import subprocess

from .states import ERROR, OFFLINE, OK, OUT_OF_PAPER, PrintFailed

TIMEOUT_SECONDS = 10
# printer-state-reasons (RFC 8011 and PWG 5100.9, with -error/-warning/-report dropped).
PAPER_REASONS = {"media-empty", "media-needed", "media-low-empty", "input-tray-missing"}
OFFLINE_REASONS = {"offline", "shutdown", "paused", "connecting-to-device", "stopped",
                   "timed-out", "other-offline"}
IPP_STOPPED = "5"    # printer-state: 3 idle, 4 processing, 5 stopped


class SchedulerMissing(Exception):
    """CUPS is not installed here, or its scheduler is not running."""


def _run(*command, data=None):
    """(exit code, standard output, standard error) of a CUPS tool, `data` on its input."""
    if shutil.which(command[0]) is None:
        raise SchedulerMissing(f"{command[0]} is not installed (Debian package cups-client)")
    try:
        done = subprocess.run(command, capture_output=True, input=data,
                              timeout=TIMEOUT_SECONDS)
    except (OSError, subprocess.SubprocessError) as error:
        raise SchedulerMissing(f"{command[0]} failed: {error}") from None
    done.stdout = done.stdout.decode("utf-8", "replace")
    done.stderr = done.stderr.decode("utf-8", "replace")
    words = (done.stdout + done.stderr).strip()
    if "scheduler is not running" in words.lower() or "unable to connect" in words.lower():
        raise SchedulerMissing(words)
    return done.returncode, done.stdout, done.stderr.strip()


def default_queue():
    """The name of CUPS's default printer, or None when there is none."""
    _, out, _ = _run("lpstat", "-d")
    found = re.search(r"system default destination:\s*(\S+)", out)
    return found.group(1) if found else None


def queue_state(queue):
    """(state, detail) of `queue` ("": the default): ok, out_of_paper, offline or error;
    offline when CUPS has no such queue. Raises SchedulerMissing when CUPS cannot be asked."""
    _, running, _ = _run("lpstat", "-r")
    if "is running" not in running:
        raise SchedulerMissing(running.strip() or "the CUPS scheduler is not running")
    queue = queue or default_queue()
    if queue is None:
        return OFFLINE, "CUPS has no default printer (lpadmin -d QUEUE)"
    code, listed, problem = _run("lpstat", "-p", queue)
    if code != 0 or not listed.strip():
        return OFFLINE, problem or f"CUPS has no queue {queue!r}"
    _, options, _ = _run("lpoptions", "-p", queue)
    return state_from_attributes(listed, options)


def state_from_attributes(listed, options):
    """The state from `lpstat -p QUEUE` and `lpoptions -p QUEUE` output, with the reasons."""
    values = dict(re.findall(r"(printer-state(?:-reasons)?)=(\S+)", options))
    reasons = {re.sub(r"-(error|warning|report)$", "", reason)
               for reason in values.get("printer-state-reasons", "none").split(",")} - {"none"}
    detail = ", ".join(sorted(reasons)) or listed.strip()
    if reasons & PAPER_REASONS:
        return OUT_OF_PAPER, detail
    if reasons & OFFLINE_REASONS or values.get("printer-state") == IPP_STOPPED \
            or " disabled since " in listed:
        return OFFLINE, detail or "the queue is stopped (cupsenable QUEUE)"
    if any(reason.endswith("-error") for reason in
           values.get("printer-state-reasons", "").split(",")):
        return ERROR, detail
    return OK, detail


def print_pdf(pdf, queue, title):
    """Queue the PDF bytes on `queue` ("": the default printer); the job id."""
    command = ["lp", "-t", title]
    if queue:
        command += ["-d", queue]
    try:
        # On lp's input: nothing of the resident's is left in a file behind them.
        code, out, problem = _run(*command, data=pdf)
    except SchedulerMissing as missing:
        raise PrintFailed(OFFLINE, str(missing)) from None
    if code != 0:
        raise PrintFailed(OFFLINE if "destination" in problem.lower() else ERROR,
                          problem or f"lp exited with {code}")
    found = re.search(r"request id is (\S+)", out)
    return found.group(1) if found else out.strip()

