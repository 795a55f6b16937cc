"""Print receipt at a kiosk whose server prints (#16): one tap, no dialog; "Printing…", then
"Please take it"; an out-of-paper printer is said and shown, with the QR code and read aloud
offered instead. And what Chromium's own kiosk printing puts on 80 mm paper: the receipt,
nothing to tap. By touch alone, in Korean and Chinese, read aloud on, axe clean."""
import subprocess

import pytest
from escpos.printer import Dummy
from playwright.sync_api import expect

from conftest import ARTIFACTS, serve_kiosk
from journey import Visit
from kiosk.printing.printer import ReceiptPrinter
from kiosk.printing.states import NOTICES
from kiosk.settings import PrinterSettings
from layout import LANDSCAPE, axe_violations, layout_problems
from test_read_aloud import expect_speaking
from touch import forbid_keyboard

pytestmark = pytest.mark.browser


class PaperOut(Dummy):
    """python-escpos's Dummy printer whose paper sensor says "no paper"."""

    def _read(self):
        return b"\x12" if self._output_list[-1].endswith(b"\x10\x04\x01") else b"\x72"


@pytest.fixture(scope="module")
def printing_kiosk(tmp_path_factory):
    """A kiosk that prints on the server to an ESC/POS printer; `kind[0]` says which printer
    the next connection finds (Dummy or PaperOut); `printed` keeps each one."""
    app, url, server = serve_kiosk(tmp_path_factory.mktemp("printing"), **{
        "printer.method": "escpos", "printer.escpos_connection": "usb:04b8:0e15"})
    kind, printed = [PaperOut], []
    app.extensions["kiosk"].printer = ReceiptPrinter(
        app.extensions["kiosk"].settings.printer,
        connect=lambda connection: printed.append(kind[0]()) or printed[-1])
    yield app, url, kind, printed
    server.shutdown()


def expect_notice(visit, outcome):
    notice = visit.page.locator("#print-outcome")
    expect(notice).to_have_attribute("data-print-outcome", outcome)
    expect(notice).to_have_text(visit.words(NOTICES[outcome]))
    expect(notice).to_be_focused()
    return notice


def expect_clean(page):
    assert axe_violations(page) == []
    assert layout_problems(page, large_text=False) == []


def test_print_receipt_prints_without_a_dialog_and_says_when_the_paper_is_out(
        browser, printing_kiosk, monkeypatch, tmp_path, screenshots):
    """One resident's confirmation (Korean, then Chinese), three ways of printing in turn."""
    app, base_url, kind, printed = printing_kiosk
    server_printer = app.extensions["kiosk"].printer
    context = browser.new_context(viewport=LANDSCAPE, has_touch=True, base_url=base_url)
    page = context.new_page()
    page.goto("/")
    forbid_keyboard(monkeypatch)
    visit = Visit(page, app, "ko")
    # Chromium's own kiosk printing first (kiosk.ini's default, [printer] method = browser).
    app.extensions["kiosk"].printer = ReceiptPrinter(PrinterSettings(method="browser"))
    visit.reach_check("retire")
    reference = visit.send()
    expect_only_the_receipt_on_80_mm_paper(visit, reference, tmp_path)

    # The server prints. Read aloud on (from the confirmation's own top bar).
    app.extensions["kiosk"].printer = server_printer
    visit.finger.tap(page.locator(".kiosk-bar").get_by_role(
        "button", name=visit.words("Read aloud"), exact=True), navigates=True)

    # Out of paper: said on arrival, shown above the reference and its QR code, with read
    # aloud offered; nothing is printed.
    kind[0] = PaperOut
    visit.finger.tap_button(visit.words("Print receipt"))
    expect_notice(visit, "out_of_paper")
    expect_speaking(page, "receipt.out_of_paper")
    expect(page.locator(".reference-panel__qr svg")).to_be_in_viewport()
    expect(page.locator(".reference-panel [data-reference]")).to_have_text(reference)
    expect(page.get_by_role("button", name=visit.words("Read my reference number"))).to_be_visible()
    assert not any(b"\x1dv0" in printer.output for printer in printed)
    expect_clean(page)
    screenshots(page, "ko", "receipt-out-of-paper")

    # Paper back in: the same button prints, and the screen says to take the receipt.
    kind[0] = Dummy
    visit.finger.tap_button(visit.words("Print receipt"))
    expect_notice(visit, "printing")
    assert b"\x1dv0" in printed[-1].output and b"\x1dV" in printed[-1].output[-8:]
    screenshots(page, "ko", "receipt-printing")

    # In Chinese too.
    kind[0] = PaperOut
    visit.finger.tap(page.get_by_role("button", name="中文", exact=True), navigates=True)
    visit.resident.language = "zh"
    visit.finger.tap_button(visit.words("Print receipt"))
    expect_notice(visit, "out_of_paper")
    expect_clean(page)
    screenshots(page, "zh", "receipt-out-of-paper")

    # The operator's status page says so too.
    page.goto("/status")
    expect(page.locator("[data-printer-state]")).to_have_attribute("data-printer-state",
                                                                  "out_of_paper")
    expect(page.locator(".error-summary")).to_contain_text(
        visit.words("The receipt printer is out of paper."))
    assert axe_violations(page) == []
    screenshots(page, "zh", "status-printer-out-of-paper")
    context.close()


def expect_only_the_receipt_on_80_mm_paper(visit, reference, folder):
    """What Chromium's kiosk printing puts on paper: the receipt alone, 72 mm wide, with no
    button, no rating, no speech controls."""
    page = visit.page
    expect(page.get_by_role("button", name=visit.words("Print receipt"))).to_be_visible()
    page.emulate_media(media="print")
    width = page.locator(".receipt").evaluate("(el) => el.getBoundingClientRect().width")
    assert abs(width - 72 * 96 / 25.4) < 2, width          # 72 mm of 80 mm paper
    pdf = folder / "receipt.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert reference in text and visit.words("What happens next") in text
    for control in ("Print receipt", "Finish", "How satisfied are you with this service?",
                    "Read aloud", "Start over"):
        assert visit.words(control) not in text, control
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "226.7" in info or "227.0" in info, info       # 80 mm wide
    pictures = ARTIFACTS / "receipts"       # not in a fresh checkout: test-artifacts is ignored
    pictures.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "110", "-png", "-singlefile", str(pdf),
                    str(pictures / "browser-print-ko")], check=True)
    page.emulate_media(media="screen")
