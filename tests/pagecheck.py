"""Cheap checks on every HTML page the test client GETs (after GOV.UK Notify's client).

A page must parse as HTML5 without errors, have exactly one <h1>, a <title> starting
with the h1's text, <html lang>, a label for every input, and no duplicate ids.
"""
import html5lib
from flask.testing import FlaskClient

HTML_LANGS = {"zh-Hans", "en", "ko"}


class PageProblem(AssertionError):
    pass


def text_of(element):
    return " ".join("".join(element.itertext()).split())


def check_page(html):
    """Parse `html`, raise PageProblem on the first broken rule, return the element tree."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    try:
        document = parser.parse(html)
    except html5lib.html5parser.ParseError as error:
        raise PageProblem(f"HTML does not parse: {error}") from None
    if document.get("lang") not in HTML_LANGS:
        raise PageProblem(f"<html lang> is {document.get('lang')!r}")
    headings = document.findall(".//h1")
    if len(headings) != 1:
        raise PageProblem(f"{len(headings)} <h1> elements")
    heading = text_of(headings[0])
    title = text_of(document.find(".//title"))
    if not heading or not title.startswith(heading):
        raise PageProblem(f"title {title!r} does not start with the h1 {heading!r}")
    ids = [element.get("id") for element in document.iter() if element.get("id")]
    duplicates = {value for value in ids if ids.count(value) > 1}
    if duplicates:
        raise PageProblem(f"duplicate ids: {sorted(duplicates)}")
    labelled = {label.get("for") for label in document.iter("label")}
    for control in document.iter():
        if control.tag not in ("input", "select", "textarea"):
            continue
        if control.get("type") in ("hidden", "submit", "button"):
            continue
        if control.get("id") not in labelled and not control.get("aria-label") \
                and not control.get("aria-labelledby"):
            raise PageProblem(f"unlabelled {control.tag} name={control.get('name')!r}")
    return document


class PageCheckingClient(FlaskClient):
    """A test client that runs check_page on every HTML page it fetches."""

    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        if response.mimetype == "text/html" and response.status_code != 204:  # 204: no page
            response.document = check_page(response.get_data(as_text=True))
        return response
