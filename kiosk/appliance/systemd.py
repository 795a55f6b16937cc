"""Telling systemd how the kiosk server is (the sd_notify protocol): READY=1 once it answers,
then WATCHDOG=1 only while it keeps answering, so systemd restarts a server that hangs.

Outside systemd (make run, the tests' own apps) NOTIFY_SOCKET is unset and nothing happens.
The protocol is one datagram on a unix socket; the standard library does it in a few lines,
so no package (sdnotify, the one on PyPI, has had no release since 2017) is needed.
"""
import http.client
import logging
import os
import socket
import threading

log = logging.getLogger(__name__)

# Until the first answer, how often the server is asked whether it serves yet.
READINESS_POLL_SECONDS = 0.2


def notify(message, environ=os.environ):
    """Send `message` ("READY=1", "WATCHDOG=1") to systemd; False when not under systemd."""
    address = environ.get("NOTIFY_SOCKET")
    if not address:
        return False
    if address.startswith("@"):      # an abstract socket: no file, a leading NUL byte
        address = "\0" + address[1:]
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
            sock.connect(address)
            sock.sendall(message.encode())
    except OSError as error:
        # Keep watching: one lost message is only a missed ping (systemd allows for two).
        log.warning("could not tell systemd %r: %s", message, error)
        return False
    return True


def watchdog_seconds(environ=os.environ):
    """The watchdog timeout systemd set for this process (WatchdogSec=), or None."""
    usec = environ.get("WATCHDOG_USEC")
    pid = environ.get("WATCHDOG_PID")
    if not usec or (pid and int(pid) != os.getpid()):
        return None
    return int(usec) / 1_000_000


def answers(host, port, timeout):
    """True when the server at host:port answers GET /health with 200 within `timeout`:
    the same way in as a resident's request, so a server whose threads are all stuck says no."""
    connection = http.client.HTTPConnection(_reachable(host), port, timeout=timeout)
    try:
        connection.request("GET", "/health")
        return connection.getresponse().status == 200
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()


def start_watchdog(host, port, environ=os.environ, stop=None):
    """Under systemd, a thread that says READY=1 once the server answers and, when systemd
    asked for a watchdog, WATCHDOG=1 every third of its timeout while the server answers.
    Returns the thread, or None when not under systemd."""
    if not environ.get("NOTIFY_SOCKET"):
        return None
    thread = threading.Thread(target=_watch, args=(host, port, environ, stop or threading.Event()),
                              name="systemd-watchdog", daemon=True)
    thread.start()
    return thread


def _watch(host, port, environ, stop):
    timeout = watchdog_seconds(environ)
    # A third of the timeout: two checks may fail (a slow moment) before systemd gives up.
    every = timeout / 3 if timeout else None
    while not answers(host, port, timeout=every or 5):
        if stop.wait(READINESS_POLL_SECONDS):
            return
    notify("READY=1\nSTATUS=Serving residents", environ)
    log.info("told systemd the kiosk is ready%s",
             f"; watchdog every {every:g} s" if every else "")
    while every and not stop.wait(every):
        if answers(host, port, timeout=every):
            notify("WATCHDOG=1", environ)
        else:
            log.warning("the kiosk did not answer /health within %g s: no watchdog ping", every)


def _reachable(host):
    """Where to reach a server listening on `host` from this machine."""
    return {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
