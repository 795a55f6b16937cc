"""The residents and the clerk the screen benches set up, the same way in-process
(bench/screen_pages.py) and over HTTP (bench/screen_ratios.py).

A client here is anything with get(path) -> page, post(path, **form) -> where it redirects,
and location(path) -> where a GET of `path` redirects; each keeps its own session and the
page's anti-forgery token, as a browser would.
"""
PASSWORD = "correct horse battery"
# One whole form for "I want to open a shop" (bench/screens.py answers the same).
ANSWERS = {
    "applicant_name": "张伟", "applicant_id_type": "cn_resident",
    "applicant_id_number": "11010519491231002X", "applicant_phone": "13812345678",
    "applicant_address": "成都市武侯区人民南路四段1号", "business_name": "张记面馆",
    "business_form": "individual", "business_scope": "restaurant", "taxpayer_type": "small_scale",
    "seal_type": "official_only", "business_address": "成都市武侯区人民南路四段1号",
    "floor_area": "60", "employee_count": "3", "signboard_text": "张记面馆",
    "signboard_size": "3 x 1 m", "housing_status": "rented", "employer_name": "张记面馆",
    "credit_code": "91510107MA6CXXXX0X",
}


def shop_chosen(client, language, modes=()):
    """A resident who chose "open a shop" in `language`, with `modes` turned on first."""
    client.get("/")
    client.post("/preferences", lang=language, next="/")
    for mode in modes:
        client.post("/preferences", toggle=mode, next="/")
    client.post("/packages", package="open_shop")
    return client


def to_check(client, language):
    """A resident who opened a shop (without the signboard) and answered the whole form;
    `client.first_section` is the form's first screen."""
    shop_chosen(client, language)
    client.get("/builder")
    client.post("/builder", item="outdoor_signboard", include="no")
    client.first_section = location = client.location("/form")
    while location.startswith("/form/"):
        client.get(location)
        location = client.post(location, **ANSWERS)
    assert location == "/check", location
    return client


def at_eligibility(client, language):
    """A resident who added a tobacco retail licence, whose questions come before the form."""
    shop_chosen(client, language)
    client.post("/builder", item="tobacco_retail_licence", include="yes")
    return client


def signed_in_clerk(client):
    client.get("/staff/sign-in")
    client.post("/staff/sign-in", name="clerk", password=PASSWORD)
    return client
