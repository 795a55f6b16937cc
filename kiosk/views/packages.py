"""Home, the package menu and the package builder (the LEGO part)."""
from flask import Blueprint, redirect, render_template, request, url_for

from .. import flow
from ..catalogue import CUSTOM_PACKAGE
from ..i18n import current_language
from ..service_search import MAX_QUERY
from ..settings import LANGUAGES
from ..validators import printable
from ..web import returning_to_check, services, state

bp = Blueprint("packages", __name__)


@bp.get("/")
def home():
    # Before anyone has chosen a language, how to start read aloud is said in all three:
    # the screen's language first (see templates/components/start_speech.html).
    first = current_language()
    hint_languages = [code for code in sorted(LANGUAGES, key=lambda code: code != first)
                      if services().speech.available(code)]
    return render_template("screens/home.html", hint_languages=hint_languages)


@bp.get("/packages")
def menu():
    return render_template("screens/menu.html", packages=services().catalogue.packages_in_order(),
                           custom_package=CUSTOM_PACKAGE)


@bp.post("/packages")
def choose_package():
    package_key = request.form.get("package", "")
    if "package" not in state():
        state().rotate()   # a resident's start: an id planted before it reads nothing
    flow.start_package(state(), services().catalogue, package_key)
    if package_key in services().catalogue.packages:
        state()["announce"] = [f"chosen.{package_key}", "screen.builder"]
    return redirect(url_for("packages.builder"))


@bp.get("/builder")
def builder():
    catalogue = services().catalogue
    flow.require_step(state(), catalogue, "builder")
    items = flow.chosen_items(state())
    return render_template(
        "screens/builder.html",
        package=flow.package_of(state(), catalogue),
        # Each list as its cards: (item, "required" | "on" | "off", why one might want it).
        required=[(catalogue.items[key], "required", None)
                  for key in items if flow.is_required(state(), catalogue, key)],
        optional=[(catalogue.items[entry.item], "on" if on else "off", entry.reason)
                  for entry, on in flow.optional_items(state(), catalogue)],
        added=[(catalogue.items[key], "on", None) for key in flow.added_items(state(), catalogue)],
        documents=catalogue.documents_for(items, flow.all_answers(state(), catalogue)),
        chosen=items, announce=state().pop("announce", None),
        next_step=flow.step_after_builder(state(), catalogue) if items else None,
        from_check=returning_to_check(request.args))


@bp.post("/builder")
def change_item():
    """Switch one brick on or off, then return to where the resident pressed the button."""
    catalogue = services().catalogue
    flow.require_step(state(), catalogue, "builder")
    item_key = request.form.get("item", "")
    include = request.form.get("include") == "yes"
    flow.set_item(state(), catalogue, item_key, include)
    state()["announce"] = [f"{'added' if include else 'removed'}.{item_key}"]
    state().modified = True
    back_to = "packages.add_service" if request.form.get("page") == "add" else "packages.builder"
    extra = {"from": "check"} if returning_to_check(request.form) else {}
    if back_to == "packages.add_service":   # the resident's search and topic stay
        extra.update({key: printable(request.form[key])[:MAX_QUERY] for key in ("topic", "q")
                      if request.form.get(key)})
    return redirect(url_for(back_to, **extra, _anchor=f"item-{item_key}"))


@bp.get("/builder/add")
def add_service():
    """The whole catalogue by topic, narrowed by a topic chip or a typed search."""
    catalogue = services().catalogue
    flow.require_step(state(), catalogue, "builder")
    chosen = flow.chosen_items(state())
    topic = request.args.get("topic")
    topic = topic if topic in catalogue.categories else None
    query = printable(request.args.get("q", ""))[:MAX_QUERY].strip()
    language = current_language()
    finder = services().service_finder
    required = {key for key in chosen if flow.is_required(state(), catalogue, key)}

    def card(item):
        """(item, status, reason) as service_cards shows it."""
        status = "required" if item.key in required else "on" if item.key in chosen else "off"
        return item, status, None

    return render_template("screens/add_service.html",
                           groups=[(category, [card(item) for item in items])
                                   for category, items in finder.find(language, query, topic)],
                           topics=[category for category, _items in catalogue.items_by_category()],
                           topic=topic, query=query,
                           search_terms=lambda item: finder.terms(item, language),
                           announce=state().pop("announce", None),
                           from_check=returning_to_check(request.args))
