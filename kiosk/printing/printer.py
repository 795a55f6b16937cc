"""ReceiptPrinter: the service behind "Print receipt", chosen by kiosk.ini [printer] method.

`state()` is what /status, the fleet heartbeat and the confirmation show (asked at most every
few seconds: a USB printer or CUPS is not asked on every page). `print_receipt(html)` prints
the receipt page on the server's methods and returns the outcome, never raising for a printer
that is missing, out of paper or failing: the resident is offered the QR code and read aloud
instead. No Flask here.
"""
import logging
import threading
import time

from . import cups, paper
from .states import OFFLINE, PRINTING, PROBLEMS, UNKNOWN, PrintFailed

log = logging.getLogger(__name__)
# The server prints on these methods; "browser" leaves it to Chromium, "none" has no printer.
SERVER_METHODS = ("cups", "escpos")
STATE_SECONDS = 10     # how long a state is believed before the printer is asked again


class ReceiptPrinter:
    """Prints receipts as kiosk.ini [printer] says (kiosk.settings.PrinterSettings)."""

    def __init__(self, settings, clock=time.monotonic, connect=None):
        """`connect(connection)` opens an ESC/POS printer (tests pass one that gives
        python-escpos's Dummy); by default escpos_printer.connect."""
        self.settings = settings
        self.clock = clock
        self._connect = connect
        self._lock = threading.Lock()    # one receipt at a time: a USB printer has one owner
        self._state, self._asked, self.detail = UNKNOWN, None, ""

    @property
    def method(self):
        return self.settings.method

    @property
    def prints_on_server(self):
        return self.method in SERVER_METHODS

    def state(self):
        """ok, out_of_paper, offline, error or unknown (kiosk.printing.states)."""
        if self._asked is None or self.clock() - self._asked > STATE_SECONDS:
            self._remember(*self._ask())
        return self._state

    def _remember(self, state, detail=""):
        self._state, self.detail, self._asked = state, detail, self.clock()

    def _ask(self):
        method = self.method
        if method == "none":
            return UNKNOWN, "no printer (kiosk.ini [printer] method = none)"
        if method in ("browser", "cups"):
            try:
                return cups.queue_state(self.settings.cups_queue)
            except cups.SchedulerMissing as missing:
                # Chromium prints through CUPS: without it the kiosk cannot tell (a developer's
                # machine); when the server itself prints through it, the printer is offline.
                return (UNKNOWN if method == "browser" else OFFLINE), str(missing)
        from . import escpos_printer     # python-escpos is loaded only where it is used
        with self._lock:
            try:
                device = self._open_escpos()
            except PrintFailed as failed:
                return failed.state, failed.detail
            try:
                return escpos_printer.state_of(device), ""
            finally:
                escpos_printer.close(device)

    def print_receipt(self, html, title="receipt"):
        """Print the receipt page `html`; "printing", or the problem that stopped it."""
        if not self.prints_on_server:
            raise ValueError(f"the server does not print with method {self.method!r}")
        started = self.clock()
        try:
            if self.method == "cups":
                self._print_with_cups(html, title)
            else:
                self._print_with_escpos(html)
        except PrintFailed as failed:
            log.warning("receipt not printed (%s): %s", failed.state, failed.detail)
            self._remember(failed.state, failed.detail)
            return failed.state
        log.info("receipt printed by %s in %.1f s", self.method, self.clock() - started)
        return PRINTING

    def _print_with_cups(self, html, title):
        state, detail = self._ask()      # a stopped or empty queue would only hold the job
        self._remember(state, detail)
        if state in PROBLEMS:
            raise PrintFailed(state, detail)
        cups.print_pdf(paper.html_to_pdf(html), self.settings.cups_queue, title)

    def _print_with_escpos(self, html):
        from . import escpos_printer
        # Asked first, so a resident at an empty printer hears so at once, not after the
        # seconds the picture takes; the printer is claimed only while it is asked or prints.
        state, detail = self._ask()
        self._remember(state, detail)
        if state in PROBLEMS:
            raise PrintFailed(state, detail or "the printer's own status says so")
        picture = paper.pdf_to_raster(paper.html_to_pdf(html), self.settings.escpos_dots)
        with self._lock:
            device = self._open_escpos()
            try:
                escpos_printer.send(device, picture)
            finally:
                escpos_printer.close(device)

    def _open_escpos(self):
        from . import escpos_printer
        return (self._connect or escpos_printer.connect)(self.settings.escpos_connection)
