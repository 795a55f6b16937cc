"""The receipt printer's states (as the fleet heartbeat names them) and what the resident
and the operator are told about each. No Flask here; strings are message ids."""
from ..messages import N_

OK, OUT_OF_PAPER, OFFLINE, ERROR, UNKNOWN = "ok", "out_of_paper", "offline", "error", "unknown"
STATES = (OK, OUT_OF_PAPER, OFFLINE, ERROR, UNKNOWN)
# States in which a receipt will not come out: the operator is told, the resident is offered
# the QR code and read aloud instead.
PROBLEMS = (OUT_OF_PAPER, OFFLINE, ERROR)
# What a tap on "Print receipt" led to: the receipt is on its way, or one of the problems.
PRINTING = "printing"
OUTCOMES = (PRINTING, *PROBLEMS)

# The confirmation's notice after "Print receipt" (prompt keys receipt.OUTCOME), said aloud
# when read aloud is on. The problems offer the other two ways to keep the reference.
NOTICES = {
    PRINTING: N_("Your receipt is printing. Please take it from the printer."),
    OUT_OF_PAPER: N_("The printer is out of paper. Scan the QR code to keep your reference "
                     "number on your phone, or tap Read my reference number to hear it."),
    OFFLINE: N_("The receipt printer is not working just now. Scan the QR code to keep your "
                "reference number on your phone, or tap Read my reference number to hear it."),
    ERROR: N_("Your receipt could not be printed. Scan the QR code to keep your reference "
              "number on your phone, or tap Read my reference number to hear it."),
}
# The same without read aloud (sign language, or touch alone): nobody is told to listen,
# and there is no read-aloud button to tap.
SILENT_NOTICES = {
    PRINTING: NOTICES[PRINTING],
    OUT_OF_PAPER: N_("The printer is out of paper. Scan the QR code to keep your reference "
                     "number on your phone, or write it down from the screen."),
    OFFLINE: N_("The receipt printer is not working just now. Scan the QR code to keep your "
                "reference number on your phone, or write it down from the screen."),
    ERROR: N_("Your receipt could not be printed. Scan the QR code to keep your reference "
              "number on your phone, or write it down from the screen."),
}

# For the operator's status page.
STATE_LABELS = {
    OK: N_("Ready"),
    OUT_OF_PAPER: N_("Out of paper"),
    OFFLINE: N_("Offline, stopped or not connected"),
    ERROR: N_("Error"),
    UNKNOWN: N_("Unknown: the kiosk cannot ask this printer how it is"),
}
ATTENTION = {
    OUT_OF_PAPER: N_("The receipt printer is out of paper."),
    OFFLINE: N_("The receipt printer is offline, stopped or not connected."),
    ERROR: N_("The receipt printer reports an error."),
}


class PrintFailed(Exception):
    """A receipt that did not go to the printer: `state` is one of PROBLEMS, `detail` the
    printer's or the tool's own words (for the log and signed-in staff, never residents)."""

    def __init__(self, state, detail):
        super().__init__(f"{state}: {detail}")
        self.state, self.detail = state, detail
