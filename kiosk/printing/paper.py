"""The receipt on paper: its HTML made a PDF by headless Chromium (real text, Noto CJK fonts
embedded, the 80 mm page of static/css/receipt.css), and that PDF made a 1-bit picture as
wide as a thermal printer's head (pdftoppm), for printers that have no CJK font.

Measured on a 2-core test machine: about 1.5 to 2 s for the PDF (Chromium's start), 0.2 s
for the picture. No Flask here.
"""
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from PIL import Image, ImageChops

from .states import ERROR, PrintFailed

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
# The layout's paper: 80 mm wide, 72 mm of it printable (static/css/receipt.css @page).
PAPER_MM, MARGIN_MM = 80, 4
DPI = 203                    # thermal print heads: 8 dots per mm
# Light grey anti-aliasing at the edges of letters prints black below this, else white.
BLACK_BELOW = 160
TIMEOUT_SECONDS = 60


def html_to_pdf(html):
    """The receipt page `html` (self-contained: inline CSS and SVG, nothing fetched) as PDF
    bytes, made by headless Chromium with a throwaway profile."""
    browser = next(filter(None, map(shutil.which, BROWSERS)), None)
    if browser is None:
        raise PrintFailed(ERROR, "no Chromium to make the receipt's PDF (install chromium)")
    with tempfile.TemporaryDirectory(prefix="kiosk-receipt-") as folder:
        folder = Path(folder)
        page, pdf = folder / "receipt.html", folder / "receipt.pdf"
        page.write_text(html, encoding="utf-8")
        try:
            # --no-sandbox: the page is the kiosk's own template with nothing from outside,
            # and the sandbox cannot start for a system user without a login session.
            subprocess.run(
                [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-pdf-header-footer",
                 f"--user-data-dir={folder / 'profile'}",
                 f"--print-to-pdf={pdf}", page.as_uri()],
                capture_output=True, timeout=TIMEOUT_SECONDS, check=False,
                env={**os.environ, "HOME": str(folder)})
        except (OSError, subprocess.SubprocessError) as error:
            raise PrintFailed(ERROR, f"Chromium could not make the receipt's PDF: "
                                     f"{error}") from None
        if not pdf.exists() or pdf.stat().st_size == 0:
            raise PrintFailed(ERROR, "Chromium made no PDF of the receipt")
        return pdf.read_bytes()


def pdf_to_raster(pdf, dots):
    """The PDF's pages, one below the other, as a 1-bit picture `dots` wide: the printable
    72 mm scaled to the print head, white space below the last line cut off."""
    if shutil.which("pdftoppm") is None:
        raise PrintFailed(ERROR, "no pdftoppm to make the receipt's picture "
                                 "(install poppler-utils)")
    with tempfile.TemporaryDirectory(prefix="kiosk-raster-") as folder:
        source = Path(folder) / "receipt.pdf"
        source.write_bytes(pdf)
        try:
            subprocess.run(["pdftoppm", "-r", str(DPI), "-gray", "-png", str(source),
                            str(Path(folder) / "page")],
                           capture_output=True, timeout=TIMEOUT_SECONDS, check=True)
        except (OSError, subprocess.SubprocessError) as error:
            raise PrintFailed(ERROR, f"pdftoppm could not read the receipt's PDF: "
                                     f"{error}") from None
        pages = [Image.open(path).convert("L") for path in sorted(Path(folder).glob("page*.png"))]
    if not pages:
        raise PrintFailed(ERROR, "the receipt's PDF has no pages")
    margin = round(pages[0].width * MARGIN_MM / PAPER_MM)
    pages = [page.crop((margin, 0, page.width - margin, page.height)) for page in pages]
    sheet = Image.new("L", (pages[0].width, sum(page.height for page in pages)), 255)
    top = 0
    for page in pages:
        sheet.paste(page, (0, top))
        top += page.height
    sheet = sheet.resize((dots, round(sheet.height * dots / sheet.width)), Image.LANCZOS)
    sheet = sheet.point(lambda grey: 0 if grey < BLACK_BELOW else 255).convert("1")
    return _without_blank_end(sheet)


def _without_blank_end(picture, keep=24):
    """The picture down to its last black dot and `keep` rows more (paper is not free)."""
    inked = ImageChops.invert(picture.convert("L")).getbbox()
    bottom = min(picture.height, (inked[3] if inked else 1) + keep)
    return picture.crop((0, 0, picture.width, bottom))
