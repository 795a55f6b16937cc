"""The resident's journey as plain data: what is chosen, asked, answered and submitted.

`state` is the session's dict (kept on the server). Steps, in order: package -> builder
-> eligibility (only when a chosen item asks) -> form -> check -> submit. No Flask here.
"""
from .catalogue import CUSTOM_PACKAGE
from .errors import BadRequest, StepNotReady
from .validators import ID_TYPES, Invalid, check_date, check_email, check_id_number, \
    check_number, check_phone, check_resident_id, clean_text, printable, resident_id_facts

STEPS = ("menu", "builder", "eligibility", "form", "check")
ACCESSIBILITY_MODES = ("large_text", "high_contrast", "speech", "voice", "sign",
                       "zoom")  # whole-screen zoom to 200% (static/css/zoom.css)
# Wheelchair mode: every control in the lowest part of the screen (kiosk.ini [screen]).
ACCESSIBILITY_MODES += ("wheelchair",)
# Choices within a mode: kept with the modes, not reported as modes used.
MODE_OPTIONS = ("explore", "slow_speech")
DATE_PARTS = ("year", "month", "day")


def mode_on(modes, mode):
    """Whether `mode` is on in the session's `modes`. Slower speech follows large text until
    the resident chooses a rate of their own (Slower speech on or off)."""
    if mode == "slow_speech" and modes.get(mode) is None:
        return bool(modes.get("large_text"))
    return bool(modes.get(mode))


# Choosing and shaping a package (the LEGO part).

def start_package(state, catalogue, package_key):
    """Begin (or restart) the selection with a package's default bricks; answers are kept."""
    if package_key == CUSTOM_PACKAGE:
        items = []
    elif package_key in catalogue.packages:
        items = catalogue.packages[package_key].default_items()
    else:
        raise BadRequest(f"unknown package {package_key!r}")
    state.update(package=package_key, items=items)


def package_of(state, catalogue):
    """The chosen Package, or None for build-your-own."""
    return catalogue.packages.get(state.get("package"))


def is_required(state, catalogue, item_key):
    package = package_of(state, catalogue)
    entry = package.entry(item_key) if package else None
    return bool(entry and entry.required)


def set_item(state, catalogue, item_key, include):
    """Add or drop one brick. Required bricks of the package cannot be dropped."""
    if item_key not in catalogue.items:
        raise BadRequest(f"unknown item {item_key!r}")
    items = list(state.get("items", []))
    if include and item_key not in items:
        items.append(item_key)
    elif not include and item_key in items:
        if is_required(state, catalogue, item_key):
            raise BadRequest(f"item {item_key!r} is required by the package")
        items.remove(item_key)
    state["items"] = items


def chosen_items(state):
    return list(state.get("items", []))


def optional_items(state, catalogue):
    """Items of the package a resident may switch on or off, with whether they are on."""
    package = package_of(state, catalogue)
    if package is None:
        return []
    return [(entry, entry.item in state.get("items", [])) for entry in package.items
            if not entry.required]


def added_items(state, catalogue):
    """Items the resident added from the whole catalogue (not part of the package)."""
    package = package_of(state, catalogue)
    in_package = {entry.item for entry in package.items} if package else set()
    return [key for key in state.get("items", []) if key not in in_package]


# Eligibility.

def needs_eligibility(state, catalogue):
    return bool(catalogue.questions_for(chosen_items(state)))


def record_eligibility(state, catalogue, posted):
    """Store yes/no answers; return the keys of questions left unanswered."""
    answers = dict(state.get("eligibility", {}))
    missing = []
    for question in catalogue.questions_for(chosen_items(state)):
        value = posted.get(question.key)
        if value in ("yes", "no"):
            answers[question.key] = value == "yes"
        elif value:
            raise BadRequest(f"answer {value!r} to {question.key!r} is neither yes nor no")
        else:
            missing.append(question.key)
    state["eligibility"] = answers
    return missing


def eligibility_complete(state, catalogue):
    """True when every question the chosen items ask has a yes or no."""
    answers = state.get("eligibility", {})
    return all(question.key in answers
               for question in catalogue.questions_for(chosen_items(state)))


def keep_eligibility_draft(state, catalogue, posted):
    """Keep yes/no answers given so far without asking for the rest (language switch)."""
    answers = dict(state.get("eligibility", {}))
    for question in catalogue.questions_for(chosen_items(state)):
        if posted.get(question.key) in ("yes", "no"):
            answers[question.key] = posted[question.key] == "yes"
    state["eligibility"] = answers


def ineligible(state, catalogue):
    """[(item, rule)] for chosen items whose rule the resident's answer does not meet."""
    answers = state.get("eligibility", {})
    failures = []
    for key in chosen_items(state):
        item = catalogue.items[key]
        for rule in item.eligibility:
            if rule.question in answers and answers[rule.question] != rule.eligible_answer:
                failures.append((item, rule))
                break
    return failures


def items_to_submit(state, catalogue):
    """Chosen items minus those the resident is not eligible for."""
    left_out = {item.key for item, _ in ineligible(state, catalogue)}
    return [key for key in chosen_items(state) if key not in left_out]


# The one form, asked one section per screen.

def form_fields(state, catalogue):
    """Every field the items to submit need, derived ones included."""
    return catalogue.form_fields(items_to_submit(state, catalogue))


def derived_answers(state, catalogue, today=None):
    """{field key: answer} the kiosk can tell from a mainland resident ID already given."""
    answers = state.get("answers", {})
    derived = {}
    for form_field in form_fields(state, catalogue):
        if form_field.derive:
            source, part = form_field.derive
            facts = id_facts(answers, catalogue.fields[source], today)
            if facts:
                derived[form_field.key] = facts[part]
    return derived


def id_facts(answers, id_field, today=None):
    """What a checked mainland resident ID in `id_field` tells (birth date, sex), or {}."""
    if answers.get(id_field.id_type_field) != "cn_resident":
        return {}
    try:
        return resident_id_facts(check_resident_id(answers.get(id_field.key, ""), today))
    except Invalid:
        return {}


def copied_answers(state, catalogue):
    """{field key: answer} copied by the shortcuts the resident ticked ("I am the mother"),
    from the answers as they are now: a changed name or ID changes its copies too."""
    answers = state.get("answers", {})
    asked = {form_field.key for form_field in form_fields(state, catalogue)}
    copies = {}
    for key in state.get("shortcuts", []):
        for target, source in catalogue.shortcuts[key].copy:
            if target in asked and answers.get(source):
                copies[target] = answers[source]
    return copies


def all_answers(state, catalogue):
    """What the resident typed and chose, with what the kiosk copied and derived for them."""
    return {**state.get("answers", {}), **copied_answers(state, catalogue),
            **derived_answers(state, catalogue)}


def fields_to_ask(state, catalogue):
    """The one form's fields minus those the kiosk can derive."""
    derived = derived_answers(state, catalogue)
    return [form_field for form_field in form_fields(state, catalogue)
            if form_field.key not in derived]


def shown_hints(state, catalogue, fields):
    """{field key: FieldHint or None}: the conditional hint each of `fields` shows for the
    services being applied for and the answers so far; None shows the field's own hint."""
    items = items_to_submit(state, catalogue)
    answers = all_answers(state, catalogue)
    return {form_field.key: form_field.hint_for(items, answers) for form_field in fields}


def form_sections(state, catalogue):
    """[(section, [fields])]: the screens of the one form, in order; derived fields left out."""
    return by_section(fields_to_ask(state, catalogue), catalogue)


def by_section(fields, catalogue):
    """[(section, [fields])] keeping the fields' order."""
    grouped = []
    for form_field in fields:
        section = catalogue.sections[form_field.section]
        if not grouped or grouped[-1][0] is not section:
            grouped.append((section, []))
        grouped[-1][1].append(form_field)
    return grouped


def section_fields(state, catalogue, section_key):
    """The fields asked on one section's screen; BadRequest for a section not asked."""
    for section, fields in form_sections(state, catalogue):
        if section.key == section_key:
            return fields
    raise BadRequest(f"section {section_key!r} is not part of this form")


def first_open_section(state, catalogue):
    """The first section with a missing or wrong answer (None when the form is complete)."""
    answers = state.get("answers", {})
    for section, fields in form_sections(state, catalogue):
        if check_answers(fields, answers, known=answers)[1]:
            return section.key
    return None


def posted_value(form_field, posted):
    """A field's posted answer, or None when the post does not hold it.

    A date comes as three parts (KEY-year, KEY-month, KEY-day) from the kiosk's date
    picker and is kept as YYYY-MM-DD; parts that are not numbers are kept as typed, so
    the resident sees them again with the error.
    """
    if form_field.type != "date" or form_field.key in posted:
        value = posted.get(form_field.key)
        return None if value is None else str(value)
    parts = [posted.get(f"{form_field.key}-{part}") for part in DATE_PARTS]
    if all(part is None for part in parts):
        return None
    parts = [str(part or "").strip() for part in parts]
    if not any(parts):
        return ""
    if all(part.isdigit() for part in parts):
        return f"{parts[0]:0>4}-{parts[1]:0>2}-{parts[2]:0>2}"
    return "-".join(parts)


def date_parts(value):
    """{"year": ..., "month": ..., "day": ...} of a kept date answer, for the date picker."""
    pieces = (value or "").split("-")
    if len(pieces) != 3:
        pieces = ["", "", ""]
    return dict(zip(DATE_PARTS, (piece.lstrip("0") if index else piece
                                 for index, piece in enumerate(pieces))))


def keep_draft(state, catalogue, posted):
    """Keep what was typed without judging it (language switch, large text toggle)."""
    answers = dict(state.get("answers", {}))
    for form_field in form_fields(state, catalogue):
        value = posted_value(form_field, posted)
        if value is not None:
            answers[form_field.key] = printable(value)[:form_field.max_length]
    state["answers"] = answers


def tick_shortcuts(state, catalogue, offered, ticked):
    """Keep which of the shortcuts `offered` on a screen the resident ticked. Two that copy
    the same answers exclude each other (mother or father): the first ticked one stays."""
    offered_keys = {shortcut.key for shortcut in offered}
    if set(ticked) - offered_keys:
        raise BadRequest(f"shortcuts {sorted(set(ticked) - offered_keys)} are not offered here")
    kept = [key for key in state.get("shortcuts", []) if key not in offered_keys]
    sources = set()
    for key in ticked:
        shortcut = catalogue.shortcuts[key]
        if not sources & set(shortcut.sources()):
            kept.append(key)
            sources |= set(shortcut.sources())
    state["shortcuts"] = kept


def with_shortcuts(state, catalogue, posted):
    """The posted answers with the ticked shortcuts' copies in place of the typed ones."""
    return {**{key: posted[key] for key in posted}, **copied_answers(state, catalogue)}


def shortcuts_for(state, catalogue, fields):
    """Shortcuts that fill some of `fields` from answers the resident has already given
    (and not "I am the father" when the resident's mainland ID says she is a woman)."""
    keys = {form_field.key for form_field in fields}
    answers = state.get("answers", {})
    offered = []
    for shortcut in catalogue.shortcuts.values():
        if not set(shortcut.targets()) & keys or set(shortcut.sources()) & keys:
            continue
        if not all(answers.get(source) for source in shortcut.sources()):
            continue
        if shortcut.sex and any(
                id_facts(answers, catalogue.fields[source]).get("sex", shortcut.sex) != shortcut.sex
                for source in shortcut.sources() if catalogue.fields[source].type == "id_number"):
            continue
        offered.append(shortcut)
    return offered


def record_answers(state, catalogue, posted, today=None, *, fields=None):
    """Check and keep the answers to `fields` (default: the whole form).

    Returns {field key: error code}, empty when all are good. Everything typed is kept,
    even when wrong, so the resident never types it twice.
    """
    fields = fields_to_ask(state, catalogue) if fields is None else fields
    raw = {f.key: (posted_value(f, posted) or "")[:f.max_length * 4] for f in fields}
    answers = dict(state.get("answers", {}))
    cleaned, errors = check_answers(fields, raw, today, known=answers)
    lengths = {form_field.key: form_field.max_length for form_field in fields}
    answers.update({key: cleaned.get(key, printable(raw[key])[:lengths[key]]) for key in raw})
    state["answers"] = answers
    return errors


def check_answers(fields, raw, today=None, known=None):
    """({field key: cleaned answer}, {field key: error code}) for some of the form's fields.

    `known` holds answers given on earlier screens (an ID number needs its kind of ID).
    """
    cleaned, errors = {}, {}
    for form_field in fields:
        try:
            cleaned[form_field.key] = check_answer(form_field, raw.get(form_field.key, ""),
                                                   {**(known or {}), **cleaned}, today)
        except Invalid as invalid:
            errors[form_field.key] = invalid.code
    return cleaned, errors


def form_complete(state, catalogue):
    """True when the answers kept so far satisfy every field the chosen items need.

    Derived, not remembered: adding a service with new questions reopens the form.
    """
    return first_open_section(state, catalogue) is None


def check_answer(form_field, value, earlier, today=None):
    """The cleaned answer for one field, or Invalid. `earlier` holds answers checked before."""
    value = clean_text(value, form_field.max_length)
    if not value:
        if form_field.required:
            raise Invalid("required_choice" if form_field.type in ("choice", "id_type")
                          else "required")
        return ""
    if form_field.type == "choice":
        if value not in {option.value for option in form_field.options}:
            raise Invalid("choice")
        return value
    if form_field.type == "id_type":
        if value not in ID_TYPES:
            raise Invalid("choice")
        return value
    if form_field.type == "id_number":
        return check_id_number(value, earlier.get(form_field.id_type_field), today)
    if form_field.type == "phone":
        return check_phone(value)
    if form_field.type == "email":
        return check_email(value)
    if form_field.type == "date":
        return check_date(value, form_field.date_range, today)
    if form_field.type == "number":
        return check_number(value, form_field.minimum, form_field.maximum)
    return value


# Where a resident may be.

def require_step(state, catalogue, step):
    """Raise StepNotReady(naming the step to go to) unless the steps before `step` are done."""
    if step == "menu":
        return
    if "package" not in state:
        raise StepNotReady("menu")
    if step == "builder":
        return
    if not chosen_items(state):
        raise StepNotReady("builder")
    if step == "eligibility":
        return
    if not eligibility_complete(state, catalogue):
        raise StepNotReady("eligibility")
    if not items_to_submit(state, catalogue):
        raise StepNotReady("eligibility")
    if step == "form":
        return
    if not form_complete(state, catalogue):
        raise StepNotReady("form")


def step_before(state, catalogue, step):
    """The step the Back link of `step` leads to."""
    if step == "form" and not needs_eligibility(state, catalogue):
        return "builder"
    return STEPS[STEPS.index(step) - 1] if step in STEPS[1:] else "home"


def step_after_builder(state, catalogue):
    return "eligibility" if needs_eligibility(state, catalogue) else "form"


# The submission handed to the back office.

def submission_record(state, catalogue):
    """What is stored and handed off: choices, answers, documents and eligibility outcomes."""
    language = state.get("lang", "zh")
    keys = items_to_submit(state, catalogue)
    fields = form_fields(state, catalogue)
    answers = all_answers(state, catalogue)
    package = package_of(state, catalogue)
    return {
        "language": language,
        "modes": sorted(set(state.get("modes_used", []))),
        "package": {"key": state.get("package"),
                    "title": package.title.in_language(language) if package else None,
                    "title_zh": package.title["zh"] if package else None},
        "items": [{"key": key, "title": catalogue.items[key].title.in_language(language),
                   "title_zh": catalogue.items[key].title["zh"],
                   "department": catalogue.items[key].department}
                  for key in keys],
        "answers": {form_field.key: answers.get(form_field.key, "") for form_field in fields},
        "documents": [document.key for document in catalogue.documents_for(keys, answers)],
        "eligibility": {
            "answers": dict(sorted(state.get("eligibility", {}).items())),
            "not_eligible": [{"item": item.key, "question": rule.question}
                             for item, rule in ineligible(state, catalogue)],
        },
    }
