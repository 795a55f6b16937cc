"""Receipts that print (#16): no dialog, 80 mm thermal paper, Chinese and Korean included.

Through CUPS (a throwaway scheduler: `lp` to a queue that keeps what the printer would get,
and CUPS's own PDF printer), through an ESC/POS printer (python-escpos's Dummy: the bytes),
the printer's state on /status and in the heartbeat, and the hostile posts the print button
can receive. The receipt's pictures are written to test-artifacts/receipts/ to be looked at.
"""
import os
import subprocess
import time
from pathlib import Path

import pytest
from escpos.printer import Dummy
from PIL import Image, ImageOps

from kiosk.errors import SettingsError
from kiosk.heartbeat import Heartbeat
from kiosk.messages import translator
from kiosk.printing import cups, escpos_printer, paper
from kiosk.printing.printer import ReceiptPrinter
from kiosk.printing.states import NOTICES, SILENT_NOTICES
from kiosk.settings import PrinterSettings
from cups_server import CupsNotAvailable, ThrowawayCups, wait_for_file
from support import answer_whole_form, csrf_token, make_app

LANGUAGES = ["zh", "en", "ko"]
SHOP_ANSWERS = {"applicant_name": "张三", "applicant_id_type": "cn_resident",
                "applicant_id_number": "11010519491231002X", "applicant_phone": "13812345678",
                "shop_name": "小面馆", "shop_kind": "restaurant"}
# Every language every day where the language changes what is checked (the PDF's text);
# the ESC/POS bytes in Chinese and Korean, and English too for a release (KIOSK_RELEASE=1).
RELEASE = os.environ.get("KIOSK_RELEASE") == "1"
PICTURES = Path(__file__).resolve().parent.parent / "test-artifacts" / "receipts"
ESC_INIT, CUT = b"\x1b@", b"\x1dV"


def post(client, url, data=None):
    return client.post(url, data={"csrf_token": csrf_token(client), **(data or {})})


def send_application(client, language):
    """A resident sends the open-a-shop package in `language`; their reference."""
    post(client, "/preferences", {"lang": language})
    post(client, "/packages", {"package": "open_shop"})
    answer_whole_form(client, SHOP_ANSWERS)
    assert post(client, "/submit").location == "/done"
    return client.get("/done").document.find(".//*[@data-reference]").text


def words(language, message):
    return translator(language).gettext(message)


def outcome_on(page):
    notice = page.document.find(".//*[@data-print-outcome]")
    return None if notice is None else (notice.get("data-print-outcome"),
                                        " ".join("".join(notice.itertext()).split()))


# --- kiosk.ini [printer] -----------------------------------------------------------------

@pytest.mark.parametrize("key, value, message", [
    ("method", "thermal", "[printer] method must be one of browser, cups, escpos, none"),
    ("escpos_connection", "usb:04b8", "[printer] escpos_connection must give the USB ids in hex"),
    ("escpos_connection", "usb:4b8:e15x", "USB ids in hex"),
    ("escpos_connection", "serial:ttyUSB0", "full path"),
    ("escpos_connection", "bluetooth:AA", "[printer] escpos_connection must be"),
    ("cups_queue", "receipts; rm -rf /", "[printer] cups_queue must be a CUPS queue name"),
    ("escpos_dots", "80mm", "[printer] escpos_dots must be a whole number"),
])
def test_a_bad_printer_setting_stops_start_up_naming_the_key(tmp_path, key, value, message):
    with pytest.raises(SettingsError) as raised:
        make_app(tmp_path, **{f"printer.{key}": value})
    assert message in str(raised.value)


def test_escpos_needs_its_connection(tmp_path):
    with pytest.raises(SettingsError) as raised:
        make_app(tmp_path, **{"printer.method": "escpos"})
    assert "[printer] escpos_connection must be" in str(raised.value)


# --- CUPS ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def cups_server():
    try:
        server = ThrowawayCups()
    except CupsNotAvailable as missing:
        pytest.skip(str(missing))
    yield server
    server.stop()


@pytest.fixture
def on_cups(cups_server, monkeypatch):
    monkeypatch.setenv("CUPS_SERVER", cups_server.environment["CUPS_SERVER"])
    return cups_server


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_receipt_prints_through_lp_with_the_reference_and_headings_as_text(
        tmp_path, on_cups, language):
    queue, folder = on_cups.keep_queue(f"receipts-{language}")
    app = make_app(tmp_path, **{"printer.method": "cups", "printer.cups_queue": queue})
    client = app.test_client()
    reference = send_application(client, language)

    started = time.monotonic()
    response = post(client, "/receipt/print")
    assert response.status_code == 302 and response.location == "/done#print-outcome"
    printed = wait_for_file(folder)
    took = time.monotonic() - started

    text = subprocess.run(["pdftotext", "-layout", str(printed), "-"], capture_output=True,
                          text=True, check=True).stdout
    catalogue = app.extensions["kiosk"].catalogue
    for expected in (reference, words(language, "Your reference number"),
                     words(language, "What happens next"),
                     catalogue.documents["lease"].title[language],
                     app.extensions["kiosk"].settings.kiosk_names[language]):
        assert expected in text, (expected, text)
    # Nothing to tap on paper.
    for control in ("Print receipt", "Finish", "Read my reference number"):
        assert words(language, control) not in text
    pages = subprocess.run(["pdfinfo", str(printed)], capture_output=True, text=True).stdout
    assert "226.77 x" in pages or "227.04 x" in pages    # 80 mm wide
    look_at(printed, f"cups-{language}")

    done = client.get("/done")
    assert outcome_on(done) == ("printing", words(language, NOTICES["printing"]))
    print(f"cups receipt in {language}: {took:.1f} s from the tap to the printer's file")


def test_cups_pdf_printer_makes_the_korean_receipt(tmp_path, on_cups):
    """The stock CUPS-PDF queue (its filters redraw the text: looked at, not read)."""
    queue, folder = on_cups.pdf_queue("kiosk-receipt-test-pdf")
    app = make_app(tmp_path, **{"printer.method": "cups", "printer.cups_queue": queue})
    client = app.test_client()
    send_application(client, "ko")
    post(client, "/receipt/print")
    printed = wait_for_file(folder)
    assert b"%PDF" in printed.read_bytes()[:10]
    picture = Image.open(look_at(printed, "cups-pdf-ko")).convert("L")
    inked = ImageOps.invert(picture).point(lambda ink: ink > 128 and 255)
    left, top, right, bottom = inked.getbbox()
    assert bottom - top > picture.height / 4      # the receipt is on the page, not a blank


def test_a_stopped_queue_is_offline_on_status_and_the_receipt_offers_the_qr_code(
        tmp_path, on_cups):
    queue, folder = on_cups.keep_queue("stopped-receipts")
    assert on_cups.run("cupsdisable", "-r", "paper jam", queue).returncode == 0
    app = make_app(tmp_path, **{"printer.method": "cups", "printer.cups_queue": queue})
    client = app.test_client()
    send_application(client, "ko")
    post(client, "/receipt/print")
    assert outcome_on(client.get("/done")) == ("offline", words("ko", SILENT_NOTICES["offline"]))
    time.sleep(0.5)
    assert not list(folder.glob("*.pdf"))          # nothing went to the printer
    status = client.get("/status")
    assert status.document.find(".//*[@data-printer-state]").get("data-printer-state") == "offline"
    assert words("ko", "The receipt printer is offline, stopped or not connected.") in \
        status.get_data(as_text=True)


def test_a_missing_queue_is_offline(tmp_path, on_cups):
    printer = ReceiptPrinter(PrinterSettings(method="cups", cups_queue="no-such-queue"))
    assert printer.state() == "offline"
    assert printer.print_receipt("<p>x</p>") == "offline"


@pytest.mark.parametrize("reasons, state", [
    ("printer-state=3 printer-state-reasons=none", "ok"),
    ("printer-state=5 printer-state-reasons=media-empty-error", "out_of_paper"),
    ("printer-state=4 printer-state-reasons=media-needed-warning", "out_of_paper"),
    ("printer-state=3 printer-state-reasons=offline-report", "offline"),
    ("printer-state=5 printer-state-reasons=none", "offline"),
    ("printer-state=3 printer-state-reasons=cover-open-error", "error"),
    ("printer-state=3 printer-state-reasons=toner-low-warning", "ok"),
])
def test_cups_reasons_become_the_printer_state(reasons, state):
    assert cups.state_from_attributes("printer q is idle.", reasons)[0] == state


def test_without_a_cups_scheduler_the_browser_method_cannot_tell(monkeypatch, tmp_path):
    monkeypatch.setenv("CUPS_SERVER", str(tmp_path / "no-cups.sock"))
    assert ReceiptPrinter(PrinterSettings(method="browser")).state() == "unknown"
    assert ReceiptPrinter(PrinterSettings(method="cups")).state() == "offline"


# --- ESC/POS -------------------------------------------------------------------------------

class PaperOut(Dummy):
    """python-escpos's Dummy printer whose paper sensor says "no paper" (DLE EOT 4: 0x72)."""

    def _read(self):
        last = self._output_list[-1]
        return b"\x12" if last.endswith(b"\x10\x04\x01") else b"\x72"


@pytest.mark.parametrize("language", LANGUAGES if RELEASE else ["zh", "ko"])
def test_escpos_gets_a_raster_receipt_576_dots_wide_and_a_cut(tmp_path, monkeypatch, language):
    """The bytes the printer gets; the picture in them is written out to be looked at."""
    printers = []
    make_picture = paper.pdf_to_raster

    def kept_picture(pdf, dots):
        picture = make_picture(pdf, dots)
        PICTURES.mkdir(parents=True, exist_ok=True)
        picture.save(PICTURES / f"escpos-{language}.png")
        return picture
    monkeypatch.setattr(paper, "pdf_to_raster", kept_picture)
    app = make_app(tmp_path, **{"printer.method": "escpos",
                                "printer.escpos_connection": "usb:04b8:0e15"})
    app.extensions["kiosk"].printer = ReceiptPrinter(
        app.extensions["kiosk"].settings.printer,
        connect=lambda connection: printers.append(Dummy()) or printers[-1])
    client = app.test_client()
    send_application(client, language)
    started = time.monotonic()
    post(client, "/receipt/print")
    took = time.monotonic() - started
    sent = b"".join(printer.output for printer in printers)
    # First the printer is asked how it is (DLE EOT 1; the Dummy cannot answer, so the
    # state is unknown and the receipt goes), then initialised (ESC @) and sent.
    assert sent.startswith(b"\x10\x04\x01") and sent.count(ESC_INIT) == 1
    sent = sent[sent.index(ESC_INIT):]
    # GS v 0, mode 0, then the width in bytes (576 dots = 72 bytes) and the height in dots.
    blocks = sent.split(b"\x1dv0\x00")[1:]
    assert blocks and all(block[:2] == bytes([72, 0]) for block in blocks)
    height = sum(int.from_bytes(block[2:4], "little") for block in blocks)
    assert 400 < height < 8 * 297 * 3                   # a receipt, not a blank or a scroll
    assert CUT in sent[-8:]
    assert (PICTURES / f"escpos-{language}.png").exists()
    assert outcome_on(client.get("/done"))[0] == "printing"
    print(f"escpos receipt in {language}: {took:.1f} s, {len(sent)} bytes, {height} dots high")


def test_escpos_out_of_paper_sends_no_receipt_and_says_so(tmp_path):
    printers = []
    app = make_app(tmp_path, **{"printer.method": "escpos",
                                "printer.escpos_connection": "network:192.0.2.1"})
    app.extensions["kiosk"].printer = ReceiptPrinter(
        app.extensions["kiosk"].settings.printer,
        connect=lambda connection: printers.append(PaperOut()) or printers[-1])
    client = app.test_client()
    send_application(client, "zh")
    post(client, "/receipt/print")
    assert b"\x1dv0" not in b"".join(printer.output for printer in printers)
    assert outcome_on(client.get("/done")) == ("out_of_paper",
                                               words("zh", SILENT_NOTICES["out_of_paper"]))
    assert Heartbeat(app.extensions["kiosk"]).report()["printer"] == {"state": "out_of_paper"}
    status = client.get("/status")
    assert status.document.find(".//*[@data-printer-state]").get("data-printer-state") == \
        "out_of_paper"


@pytest.mark.parametrize("online, paper, state", [
    (b"\x12", b"\x12", "ok"), (b"\x1a", b"\x12", "offline"), (b"\x12", b"\x72", "out_of_paper"),
    (b"\x12", b"\x1e", "ok"),          # near the end of the roll: still prints
    (b"", b"", "unknown"),             # no answer: a file device, or a printer that never says
])
def test_escpos_status_replies_become_the_printer_state(online, paper, state):
    assert escpos_printer.state_from_replies(online, paper) == state


def test_an_escpos_printer_that_is_not_plugged_in_is_offline():
    printer = ReceiptPrinter(PrinterSettings(method="escpos",
                                             escpos_connection="serial:/dev/no-such-tty"))
    assert printer.state() == "offline"
    assert printer.print_receipt("<p>x</p>") == "offline"


# --- hostile posts --------------------------------------------------------------------------

class RecordingPrinter:
    """Stands in for the printer: keeps each receipt page it is asked to print, and answers
    `outcome`."""
    method, prints_on_server = "escpos", True

    def __init__(self, outcome="printing"):
        self.pages, self.outcome = [], outcome

    def state(self):
        return "ok" if self.outcome == "printing" else self.outcome

    def print_receipt(self, html, title):
        self.pages.append(html)
        return self.outcome


@pytest.mark.parametrize("mode, notices", [("sign", SILENT_NOTICES), ("speech", NOTICES)])
def test_the_out_of_paper_notice_offers_read_aloud_only_where_it_is_on(tmp_path, mode, notices):
    """A deaf resident is not told to tap a read-aloud button or to listen."""
    app = make_app(tmp_path, **{"printer.method": "escpos",
                                "printer.escpos_connection": "file:/dev/null"})
    app.extensions["kiosk"].printer = RecordingPrinter("out_of_paper")
    client = app.test_client()
    send_application(client, "ko")
    post(client, "/preferences", {"toggle": mode, "next": "/done"})
    post(client, "/receipt/print")
    done = client.get("/done")
    assert outcome_on(done) == ("out_of_paper", words("ko", notices["out_of_paper"]))
    prompts = app.extensions["kiosk"].prompts
    assert prompts.text("receipt.out_of_paper", "ko", "sign") == \
        words("ko", SILENT_NOTICES["out_of_paper"])


@pytest.fixture
def recorded(tmp_path):
    app = make_app(tmp_path, **{"printer.method": "escpos",
                                "printer.escpos_connection": "file:/dev/null"})
    app.extensions["kiosk"].printer = printer = RecordingPrinter()
    return app, printer


def test_printing_without_a_sent_application_is_refused_calmly(recorded):
    app, printer = recorded
    client = app.test_client()
    response = post(client, "/receipt/print", {"reference": "K2-AAAA-BBBB"})
    assert response.status_code == 400
    assert words("zh", "That choice is not available") in response.get_data(as_text=True)
    assert printer.pages == []


def test_printing_without_the_security_token_is_refused(recorded):
    app, printer = recorded
    client = app.test_client()
    send_application(client, "en")
    response = client.post("/receipt/print")
    assert response.status_code == 400
    assert "This page has expired" in response.get_data(as_text=True)
    assert printer.pages == []


def test_a_forged_reference_prints_only_the_residents_own_receipt(recorded):
    app, printer = recorded
    other = app.test_client()
    theirs = send_application(other, "zh")
    client = app.test_client()
    mine = send_application(client, "en")
    post(client, "/receipt/print", {"reference": theirs})
    assert len(printer.pages) == 1 and mine in printer.pages[0] and theirs not in printer.pages[0]


def test_after_finish_the_receipt_cannot_be_printed(recorded):
    app, printer = recorded
    client = app.test_client()
    send_application(client, "ko")
    post(client, "/start-over")
    assert post(client, "/receipt/print").status_code == 400
    assert printer.pages == []


def test_the_browser_method_is_not_printed_by_the_server(tmp_path):
    app = make_app(tmp_path)      # kiosk.ini's default: Chromium prints
    client = app.test_client()
    send_application(client, "zh")
    done = client.get("/done")
    assert done.document.find(".//*[@data-print]") is not None
    assert done.document.find(".//*[@data-print-form]") is None
    assert post(client, "/receipt/print").status_code == 400


def test_a_browser_printer_known_to_be_out_of_paper_is_said_instead_of_the_button(tmp_path):
    app = make_app(tmp_path)
    printer = RecordingPrinter("out_of_paper")
    printer.method, printer.prints_on_server = "browser", False
    app.extensions["kiosk"].printer = printer
    client = app.test_client()
    send_application(client, "en")
    done = client.get("/done")
    assert outcome_on(done) == ("out_of_paper", SILENT_NOTICES["out_of_paper"])
    assert done.document.find(".//*[@data-print]") is None


def test_with_no_printer_there_is_no_print_button(tmp_path):
    app = make_app(tmp_path, **{"printer.method": "none"})
    client = app.test_client()
    send_application(client, "zh")
    done = client.get("/done")
    assert done.document.find(".//*[@data-print]") is None
    assert done.document.find(".//*[@data-print-form]") is None


def look_at(pdf, name):
    """Page 1 of `pdf` as a PNG in test-artifacts/receipts/, for a person to look at."""
    PICTURES.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "110", "-png", "-singlefile", "-f", "1", str(pdf),
                    str(PICTURES / name)], check=True)
    return PICTURES / f"{name}.png"
