"""Receipts on paper (#16): the confirmation's receipt printed with no dialog, 80 mm wide.

Four ways, chosen by kiosk.ini [printer] method: Chromium's own kiosk printing ("browser"),
the server printing a PDF through CUPS ("cups"), the server driving an ESC/POS thermal
printer ("escpos") or none. One receipt layout serves them all (templates/receipt/paper.html
and static/css/receipt.css): the server methods make it a PDF with headless Chromium, and
for ESC/POS a 1-bit picture of that PDF, so Chinese and Korean print on printers with no
CJK font. No Flask here.

    states.py          the printer's states and what the resident is told about each
    receipt.py         what a receipt says, from the stored submission and the catalogue
    paper.py           HTML -> PDF (headless Chromium) -> raster picture (pdftoppm)
    cups.py            `lp` and the queue's state from `lpstat` / `lpoptions`
    escpos_printer.py  python-escpos: connecting, sending the picture, the paper sensor
    printer.py         ReceiptPrinter: the service the app hangs on Services.printer
"""
