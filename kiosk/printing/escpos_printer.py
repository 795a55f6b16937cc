"""An ESC/POS thermal printer driven by the server through python-escpos: connect as
kiosk.ini [printer] escpos_connection says, send the receipt as a raster picture (GS v 0)
and cut, and read the paper sensor (DLE EOT) where the connection can answer.

Named escpos_printer so it is never mistaken for the python-escpos package. No Flask here.
"""
from escpos import printer as connections
from escpos.constants import RT_MASK_NOPAPER, RT_MASK_ONLINE, RT_STATUS_ONLINE, RT_STATUS_PAPER

from .states import ERROR, OFFLINE, OK, OUT_OF_PAPER, UNKNOWN, PrintFailed

TIMEOUT_SECONDS = 5


def connect(connection):
    """An open python-escpos printer for usb:VID:PID, serial:DEVICE, network:HOST[:PORT] or
    file:DEVICE (checked by kiosk.settings). Raises PrintFailed(offline) when it is not there."""
    kind, _, rest = connection.partition(":")
    try:
        if kind == "usb":
            vendor, product = (int(part, 16) for part in rest.split(":"))
            device = connections.Usb(vendor, product, timeout=TIMEOUT_SECONDS * 1000)
        elif kind == "serial":
            device = connections.Serial(rest, timeout=TIMEOUT_SECONDS)
        elif kind == "network":
            host, _, port = rest.partition(":")
            device = connections.Network(host, int(port or 9100), timeout=TIMEOUT_SECONDS)
        else:
            device = connections.File(rest)
        device.open(raise_not_found=True)
    except Exception as error:     # pyusb, pyserial and sockets each raise their own
        raise PrintFailed(OFFLINE, f"{connection}: {error}") from None
    return device


def state_of(device):
    """ok, out_of_paper or offline from the printer's real-time status replies; unknown when
    the connection gives no replies (a file device, a printer that does not answer)."""
    try:
        online = bytes(device.query_status(RT_STATUS_ONLINE) or b"")
        paper = bytes(device.query_status(RT_STATUS_PAPER) or b"") if online else b""
    except NotImplementedError:
        return UNKNOWN
    except Exception:              # the connection went away while asking
        return OFFLINE
    return state_from_replies(online, paper)


def state_from_replies(online, paper):
    """The state from the replies to DLE EOT 1 (printer) and DLE EOT 4 (paper sensor)."""
    if not online:
        return UNKNOWN
    if paper and paper[0] & RT_MASK_NOPAPER == RT_MASK_NOPAPER:
        return OUT_OF_PAPER
    if online[0] & RT_MASK_ONLINE:
        return OFFLINE
    return OK


def send(device, picture):
    """Print the 1-bit `picture` (as wide as the head) and cut: ESC @, GS v 0 blocks, GS V."""
    try:
        device.hw("INIT")
        device.image(picture, impl="bitImageRaster", center=False)
        device.cut()
    except PrintFailed:
        raise
    except Exception as error:
        raise PrintFailed(ERROR, f"the printer did not take the receipt: {error}") from None


def close(device):
    """Let go of the connection (a USB printer is claimed while it is open)."""
    try:
        device.close()
    except Exception:
        pass

