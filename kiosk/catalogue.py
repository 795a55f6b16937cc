"""The package catalogue: load the operator's TOML file, check it, answer questions about it.

The catalogue is data, not code: launching a new package is an edit of the file named in
kiosk.ini. Every mistake found stops start-up with a CatalogueError naming the package
or item (or other entry) and the field. No Flask here.
"""
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import CatalogueError
from .settings import LANGUAGES
from .spelling import did_you_mean

KEY_PATTERN = re.compile(r"[a-z][a-z0-9_]{1,40}")
FIELD_TYPES = ("text", "name", "date", "choice", "id_type", "id_number", "phone",
               "address", "email", "number")
# Longest answer accepted when the catalogue does not say; longer posts are refused.
DEFAULT_MAX_LENGTH = {"text": 100, "name": 50, "address": 200, "email": 254,
                      "id_number": 30, "phone": 30, "number": 12, "date": 10,
                      "choice": 41, "id_type": 41}
ICONS = ("shop", "baby", "retire", "hire", "card", "school", "move", "change", "home", "health")
CUSTOM_PACKAGE = "build_your_own"
TABLES = ("meta", "sections", "categories", "departments", "places", "documents", "questions",
          "fields", "items", "packages", "shortcuts")
# What a resident does after sending, per service: go to a counter now, nothing (the hall
# calls or texts), or come back to a place once the time limit has passed.
VISITS = ("now", "none", "later")
DERIVABLE = ("birth_date", "sex")   # what a mainland resident ID number tells


class Text(dict):
    """A text in every kiosk language: {"zh": ..., "en": ..., "ko": ...}."""

    def in_language(self, language):
        return self.get(language) or self["zh"]


@dataclass(frozen=True)
class Option:
    value: str
    label: Text


@dataclass(frozen=True)
class Section:
    key: str
    order: int
    title: Text


@dataclass(frozen=True)
class Category:
    key: str
    order: int
    title: Text


@dataclass(frozen=True)
class Department:
    key: str
    title: Text


@dataclass(frozen=True)
class Place:
    """A counter (or other spot) in the hall that a resident is sent to."""
    key: str
    title: Text


@dataclass(frozen=True)
class NextStep:
    """What happens after sending: visit "now" | "none" | "later", where, an optional note."""
    visit: str
    place: str | None
    note: Text | None = None


@dataclass(frozen=True)
class Document:
    key: str
    title: Text
    hint: Text | None
    # Not asked for when one of these items is chosen in the same visit (it produces it).
    not_needed_with: tuple = ()
    # (field, values): only needed when that field is answered with one of the values;
    # while it is unanswered (the builder), the document is listed.
    only_when: tuple | None = None
    # (document, (field, values) or None): left out when that document is listed too and
    # the answer is one of the values (a parent's own ID is among "both parents' IDs").
    covered_by: tuple | None = None


@dataclass(frozen=True)
class FieldHint:
    """A hint a field shows instead of its default one, for some services or answers."""
    key: str                        # stable: names its prompt, field.FIELD.KEY
    text: Text
    with_items: tuple = ()          # only when one of these items is chosen
    only_when: tuple | None = None  # (field, values), read as a document's only_when

    def applies(self, chosen, answers):
        return ((not self.with_items or bool(set(chosen) & set(self.with_items)))
                and answer_allows(self.only_when, answers))


def answer_allows(condition, answers):
    """True unless `condition` (field, values) is answered with another value; an
    unanswered condition allows (the builder lists what may be needed)."""
    if not condition:
        return True
    field_key, values = condition
    return not answers.get(field_key) or answers[field_key] in values


@dataclass(frozen=True)
class Question:
    key: str
    text: Text
    hint: Text | None


@dataclass(frozen=True)
class FormField:
    key: str
    section: str
    order: int
    type: str
    label: Text
    hint: Text | None
    required: bool
    max_length: int
    options: tuple = ()
    id_type_field: str | None = None
    date_range: str = "any"
    minimum: int | None = None
    maximum: int | None = None
    # (id_number field, "birth_date" | "sex"): not asked when that ID can tell it.
    derive: tuple | None = None
    # Shown masked on a shared screen (Check answers) until the resident taps Show.
    private: bool = False
    # Conditional hints, first that applies wins; else `hint` (which may be None).
    hints: tuple = ()

    def hint_for(self, item_keys, answers):
        """The FieldHint shown to a resident with these items and answers, or None when the
        default `hint` is shown."""
        return next((hint for hint in self.hints if hint.applies(item_keys, answers)), None)


@dataclass(frozen=True)
class EligibilityRule:
    question: str
    eligible_answer: bool
    explanation: Text
    instead: Text


@dataclass(frozen=True)
class Item:
    key: str
    title: Text
    summary: Text
    category: str
    department: str
    time_limit_days: int
    fee_yuan: float
    online: bool
    no_meeting: bool
    documents: tuple
    fields: tuple
    eligibility: tuple = ()
    aliases: dict = field(default_factory=dict)   # language -> other names residents use
    next_step: NextStep | None = None


@dataclass(frozen=True)
class PackageItem:
    item: str
    required: bool
    reason: Text | None
    selected: bool


@dataclass(frozen=True)
class Package:
    key: str
    title: Text
    summary: Text
    order: int
    icon: str
    aliases: dict
    items: tuple

    def default_items(self):
        """Item keys a resident starts with: the required ones and pre-selected optional ones."""
        return [entry.item for entry in self.items if entry.required or entry.selected]

    def entry(self, item_key):
        return next((entry for entry in self.items if entry.item == item_key), None)


@dataclass(frozen=True)
class Shortcut:
    """One tap that copies earlier answers into other fields ("I am the mother")."""
    key: str
    label: Text
    copy: tuple   # ((target field, source field), ...)
    sex: str | None = None   # offered only to residents whose mainland ID says so, if any

    def targets(self):
        return [target for target, _ in self.copy]

    def sources(self):
        return [source for _, source in self.copy]


@dataclass
class Catalogue:
    meta: dict
    sections: dict
    categories: dict
    departments: dict
    documents: dict
    questions: dict
    fields: dict
    items: dict
    packages: dict = field(default_factory=dict)
    shortcuts: dict = field(default_factory=dict)
    places: dict = field(default_factory=dict)

    def packages_in_order(self):
        return sorted(self.packages.values(), key=lambda package: (package.order, package.key))

    def items_by_category(self):
        """[(category, [items])] in category order, items by title key for a stable list."""
        grouped = []
        for category in sorted(self.categories.values(), key=lambda c: (c.order, c.key)):
            members = [item for item in self.items.values() if item.category == category.key]
            if members:
                grouped.append((category, members))
        return grouped

    def form_fields(self, item_keys):
        """The one form: every field the items need, each once, in section then field order.

        An ID number brings its "which kind of ID" field along even if no item lists it.
        """
        keys = {key for item_key in item_keys for key in self.items[item_key].fields}
        keys |= {self.fields[key].id_type_field for key in keys if self.fields[key].id_type_field}
        return sorted((self.fields[key] for key in keys), key=self._field_position)

    def _field_position(self, form_field):
        section = self.sections[form_field.section]
        return (section.order, section.key, form_field.order, form_field.key)

    def documents_for(self, item_keys, answers=None):
        """The one set of documents: each document once, in the order items first need it,
        leaving out what a chosen service produces, what the answers show is not needed and
        what another listed document already covers."""
        answers = answers or {}
        chosen = set(item_keys)
        seen = {}
        for item_key in item_keys:
            for document_key in self.items[item_key].documents:
                seen.setdefault(document_key, self.documents[document_key])
        needed = [document for document in seen.values()
                  if not chosen & set(document.not_needed_with)
                  and answer_allows(document.only_when, answers)]
        listed = {document.key for document in needed}
        return [document for document in needed if not (
            document.covered_by and document.covered_by[0] in listed
            and (document.covered_by[1] is None
                 or answers.get(document.covered_by[1][0]) in document.covered_by[1][1]))]

    def questions_for(self, item_keys):
        """The yes/no eligibility questions the items ask, each once."""
        seen = {}
        for item_key in item_keys:
            for rule in self.items[item_key].eligibility:
                seen.setdefault(rule.question, self.questions[rule.question])
        return list(seen.values())

    def longest_days(self, item_keys):
        return max((self.items[key].time_limit_days for key in item_keys), default=0)

    def total_fee(self, item_keys):
        return sum(self.items[key].fee_yuan for key in item_keys)

    def all_without_visit(self, item_keys):
        """True when no item sends the resident to a counter, now or later (its next_step);
        the receipt says the same."""
        return bool(item_keys) and all(
            self.items[key].next_step.visit == "none" for key in item_keys)


def load_catalogue(path):
    """Read and check the catalogue file; raise CatalogueError naming what is wrong."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            raw = tomllib.load(handle)
    except FileNotFoundError:
        raise CatalogueError(f"{path}: the catalogue file does not exist") from None
    except tomllib.TOMLDecodeError as error:
        raise CatalogueError(f"{path}: not valid TOML: {error}") from None
    return check_catalogue(raw, path)


def read_catalogue_text(text, source):
    """Check a catalogue given as text (an operator's upload, a copy from the centre) with
    the same messages as at start-up, naming `source` where they name the file."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise CatalogueError(f"{source}: not valid TOML: {error}") from None
    return check_catalogue(raw, source)


def check_catalogue(raw, source):
    """Turn parsed catalogue data into a Catalogue; errors name `source`, entry and field."""
    return _Checker(raw, source).catalogue()


class _Checker:
    """Turns the raw TOML tables into checked dataclasses, one entry at a time."""

    def __init__(self, raw, path):
        self.raw = raw
        self.path = path

    def fail(self, where, name, problem):
        raise CatalogueError(f"{self.path}: {where}: field \"{name}\" {problem}")

    def table(self, name, required=True):
        table = self.raw.get(name)
        if table is None and not required:
            return {}
        if not isinstance(table, dict) or not table:
            raise CatalogueError(f"{self.path}: the [{name}] table is missing or empty")
        for key in table:
            if not KEY_PATTERN.fullmatch(key):
                raise CatalogueError(
                    f"{self.path}: [{name}] key {key!r} must be lower-case letters, digits "
                    "and _ (2 to 41 characters, starting with a letter)")
        return table

    def entries(self, table_name, kind, build):
        return {key: Entry(self, f'{kind} "{key}"', value).build(build, key)
                for key, value in self.table(table_name).items()}

    def refuse_unknown_tables(self):
        """A misspelt table ([pakages]) would otherwise be ignored without a word."""
        for name in self.raw:
            if name not in TABLES:
                raise CatalogueError(f"{self.path}: unknown table [{name}]"
                                     f"{did_you_mean(name, TABLES)}")

    def catalogue(self):
        self.refuse_unknown_tables()
        sections = self.entries("sections", "section", lambda key, e: Section(
            key, e.integer("order"), e.text("title")))
        categories = self.entries("categories", "category", lambda key, e: Category(
            key, e.integer("order"), e.text("title")))
        departments = self.entries("departments", "department", lambda key, e: Department(
            key, e.text("title")))
        documents = self.entries("documents", "document", lambda key, e: Document(
            key, e.text("title"), e.text("hint", required=False),
            tuple(e.get("not_needed_with", list, required=False, default=[])),
            e.condition("only_when"), e.covered_by()))
        questions = self.entries("questions", "question", lambda key, e: Question(
            key, e.text("text"), e.text("hint", required=False)))
        fields = self.entries("fields", "form field", lambda key, e: e.form_field(key, sections))
        for form_field in fields.values():
            if form_field.derive:
                self.check_derive(form_field, fields)
            if form_field.id_type_field:
                target = fields.get(form_field.id_type_field)
                if target is None or target.type != "id_type":
                    self.fail(f'form field "{form_field.key}"', "id_type_field",
                              f"must name a field of type id_type, not {form_field.id_type_field!r}")
        # Optional: a catalogue where nobody is ever sent to a counter needs no places.
        places = {key: Entry(self, f'place "{key}"', value).build(
                      lambda key, entry: Place(key, entry.text("title")), key)
                  for key, value in self.table("places", required=False).items()}
        refs = {"category": categories, "department": departments, "documents": documents,
                "fields": fields, "question": questions, "place": places}
        items = self.entries("items", "item", lambda key, e: e.item(key, refs))
        for document in documents.values():
            self.check_document(document, items, fields, documents)
        for form_field in fields.values():
            self.check_field_hints(form_field, items, fields, sections)
        packages = self.entries("packages", "package", lambda key, e: e.package(key, items))
        if CUSTOM_PACKAGE in packages:
            self.fail(f'package "{CUSTOM_PACKAGE}"', "key", "is reserved for build-your-own")
        shortcuts = {key: Entry(self, f'shortcut "{key}"', value).build(
                         lambda key, entry: entry.shortcut(key, fields), key)
                     for key, value in self.table("shortcuts", required=False).items()}
        return Catalogue(dict(self.raw.get("meta", {})), sections, categories, departments,
                         documents, questions, fields, items, packages, shortcuts, places)


    def check_document(self, document, items, fields, documents):
        """A document's conditions must name real items, documents, and a choice field's
        options."""
        where = f'document "{document.key}"'
        for item_key in document.not_needed_with:
            if item_key not in items:
                self.fail(where, "not_needed_with", f"names {item_key!r}, which is not in the "
                          "catalogue")
        self.check_condition(where, "only_when", document.only_when, fields)
        if document.covered_by:
            other, condition = document.covered_by
            if other not in documents or other == document.key:
                self.fail(where, "covered_by", f"must name another document, not {other!r}")
            self.check_condition(where, "covered_by", condition, fields)

    def check_condition(self, where, name, condition, fields):
        """A (field, values) condition must name a choice field and options it has."""
        if not condition:
            return
        field_key, values = condition
        form_field = fields.get(field_key)
        if form_field is None or form_field.type != "choice":
            self.fail(where, name, f"must name a choice field, not {field_key!r}")
        unknown = set(values) - {option.value for option in form_field.options}
        if unknown:
            self.fail(where, name, f"names options {field_key} does not have: "
                      f"{', '.join(sorted(unknown))}")

    def check_field_hints(self, form_field, items, fields, sections):
        """A conditional hint names items that ask for the field, and an answer given on an
        earlier screen of the form (a hint cannot follow an answer on its own screen)."""
        for hint in form_field.hints:
            where = f'form field "{form_field.key}" hint "{hint.key}"'
            for item_key in hint.with_items:
                if item_key not in items:
                    self.fail(where, "with_items", f"names {item_key!r}, which is not in the "
                              "catalogue")
                if not self.item_asks(items[item_key], form_field.key, fields):
                    self.fail(where, "with_items", f"names {item_key!r}, which does not ask "
                              f"for {form_field.key}")
            self.check_condition(where, "only_when", hint.only_when, fields)
            if hint.only_when:
                asked = fields[hint.only_when[0]]
                if sections[asked.section].order >= sections[form_field.section].order:
                    self.fail(where, "only_when", f"names {asked.key}, which is not asked on "
                              "an earlier screen of the form, so the hint could not follow it")

    @staticmethod
    def item_asks(item, field_key, fields):
        """True when the item's form has the field (an ID number brings its kind of ID)."""
        return field_key in item.fields or any(
            fields[key].id_type_field == field_key for key in item.fields)

    def check_derive(self, form_field, fields):
        """A derived field must come from an ID number and hold what that ID can tell."""
        source, part = form_field.derive
        where = f'form field "{form_field.key}"'
        if source not in fields or fields[source].type != "id_number":
            self.fail(where, "derive", f"must name a field of type id_number, not {source!r}")
        if part == "birth_date" and form_field.type != "date":
            self.fail(where, "derive", "gives a birth date, so the field must be a date")
        if part == "sex" and (form_field.type != "choice" or {"male", "female"} - {
                option.value for option in form_field.options}):
            self.fail(where, "derive", "gives a sex, so the field must be a choice with "
                      "the options male and female")


class Entry:
    """One table entry being checked; every failure names the entry and the field."""

    def __init__(self, checker, where, values):
        if not isinstance(values, dict):
            checker.fail(where, "(entry)", "must be a table")
        self.checker = checker
        self.where = where
        self.values = values
        self.asked = set()   # the fields the kiosk reads from this entry

    def fail(self, name, problem):
        self.checker.fail(self.where, name, problem)

    def build(self, build, key):
        """`build(key, self)`, then refuse any field it did not read: a misspelt optional
        field (selcted = true) would otherwise be ignored without a word."""
        built = build(key, self)
        self.refuse_unknown()
        return built

    def refuse_unknown(self):
        for name in self.values:
            if name not in self.asked:
                self.fail(name, "is not a field the kiosk knows here"
                          + did_you_mean(name, self.asked))

    def get(self, name, kind, required=True, default=None):
        self.asked.add(name)
        if name not in self.values:
            if required:
                self.fail(name, "is missing")
            return default
        value = self.values[name]
        # bool is a subclass of int in Python; a number field must not accept true/false.
        if not isinstance(value, kind) or (kind in (int, (int, float)) and isinstance(value, bool)):
            self.fail(name, f"has the wrong type ({type(value).__name__})")
        return value

    def condition(self, name):
        """Optional { field = KEY, values = [...] }: (KEY, values) or None."""
        raw = self.get(name, dict, required=False)
        if raw is None:
            return None
        if set(raw) != {"field", "values"} or not isinstance(raw["field"], str) or not (
                isinstance(raw["values"], list) and raw["values"]
                and all(isinstance(value, str) for value in raw["values"])):
            self.fail(name, "must be { field = FIELD_KEY, values = [option, ...] }")
        return (raw["field"], tuple(raw["values"]))

    def covered_by(self):
        """Optional { document = KEY, when = { field = KEY, values = [...] } } (when is
        optional): (document, condition or None), or None."""
        raw = self.get("covered_by", dict, required=False)
        if raw is None:
            return None
        cover = Entry(self.checker, f"{self.where} covered_by", raw)
        covered = (cover.get("document", str), cover.condition("when"))
        cover.refuse_unknown()
        return covered

    def field_hints(self):
        """Optional [[fields.KEY.hints]]: key, text, with_items and/or only_when."""
        hints = []
        for raw in self.get("hints", list, required=False, default=[]):
            entry = Entry(self.checker, f"{self.where} hint", raw)
            key = entry.get("key", str)
            if not KEY_PATTERN.fullmatch(key):
                entry.fail("key", f"{key!r} must be lower-case letters, digits and _ (2 to 41 "
                           "characters, starting with a letter)")
            with_items = entry.get("with_items", list, required=False, default=[])
            if not all(isinstance(item_key, str) for item_key in with_items):
                entry.fail("with_items", "must list item keys")
            hint = FieldHint(key, entry.text("text"), tuple(with_items),
                             entry.condition("only_when"))
            entry.refuse_unknown()
            if not hint.with_items and not hint.only_when:
                entry.fail("with_items", "or only_when is needed: a hint shown to everyone is "
                           "the field's own hint")
            if key in {earlier.key for earlier in hints}:
                self.fail("hints", f"uses the key {key!r} twice")
            hints.append(hint)
        return tuple(hints)

    def integer(self, name, required=True, default=None):
        return self.get(name, int, required, default)

    def boolean(self, name, required=True, default=False):
        return self.get(name, bool, required, default)

    def text(self, name, required=True, where=None):
        value = self.get(name, dict, required)
        if value is None:
            return None
        return self.localized(value, name)

    def localized(self, value, name):
        if not isinstance(value, dict):
            self.fail(name, "must be a table of zh, en and ko texts")
        for language in LANGUAGES:
            text = value.get(language)
            if not isinstance(text, str) or not text.strip():
                self.fail(name, f"has no {language} text")
        unknown = set(value) - set(LANGUAGES)
        if unknown:
            self.fail(name, f"has unknown languages: {', '.join(sorted(unknown))}")
        return Text({language: value[language].strip() for language in LANGUAGES})

    def reference(self, name, targets, required=True):
        key = self.get(name, str, required)
        if key is not None and key not in targets:
            self.fail(name, f"names {key!r}, which is not in the catalogue")
        return key

    def references(self, name, targets):
        keys = self.get(name, list)
        for key in keys:
            if key not in targets:
                self.fail(name, f"names {key!r}, which is not in the catalogue")
        if len(set(keys)) != len(keys):
            self.fail(name, "lists an entry twice")
        return tuple(keys)

    def form_field(self, key, sections):
        field_type = self.get("type", str)
        if field_type not in FIELD_TYPES:
            self.fail("type", f"must be one of {', '.join(FIELD_TYPES)}, not {field_type!r}")
        options = ()
        if field_type == "choice":
            raw_options = self.get("options", list)
            if not raw_options:
                self.fail("options", "must list at least one option for a choice")
            options = tuple(self.option(raw) for raw in raw_options)
        id_type_field = self.get("id_type_field", str, required=field_type == "id_number")
        date_range = self.get("date_range", str, required=False, default="any")
        if date_range not in ("past", "future", "any"):
            self.fail("date_range", "must be past, future or any")
        max_length = self.integer("max_length", required=False,
                                  default=DEFAULT_MAX_LENGTH[field_type])
        if not 1 <= max_length <= 1000:
            self.fail("max_length", "must be between 1 and 1000")
        derive = self.get("derive", dict, required=False)
        if derive is not None:
            if set(derive) != {"from", "part"} or derive["part"] not in DERIVABLE:
                self.fail("derive", "must be { from = ID number field, part = "
                          f"{' or '.join(DERIVABLE)} }}")
            derive = (str(derive["from"]), derive["part"])
        return FormField(
            key=key, section=self.reference("section", sections), order=self.integer("order"),
            type=field_type, label=self.text("label"), hint=self.text("hint", required=False),
            required=self.boolean("required", required=False, default=True),
            max_length=max_length, options=options, id_type_field=id_type_field,
            date_range=date_range, minimum=self.integer("min", required=False),
            maximum=self.integer("max", required=False), derive=derive,
            private=self.boolean("private", required=False, default=field_type == "id_number"),
            hints=self.field_hints())

    def option(self, raw):
        if not isinstance(raw, dict) or not KEY_PATTERN.fullmatch(str(raw.get("value", ""))):
            self.fail("options", "needs a value (a lower-case key) and a label for each option")
        for name in set(raw) - {"value", "label"}:
            self.fail("options", f"has an unknown field {name!r} in option {raw['value']!r}"
                      + did_you_mean(name, ("value", "label")))
        return Option(raw["value"], self.localized(raw.get("label"), "options.label"))

    def item(self, key, refs):
        rules = []
        for raw in self.get("eligibility", list, required=False, default=[]):
            rule = Entry(self.checker, f"{self.where} eligibility rule", raw)
            rules.append(EligibilityRule(
                question=rule.reference("question", refs["question"]),
                eligible_answer=rule.boolean("eligible_answer"),
                explanation=rule.text("explanation"), instead=rule.text("instead")))
            rule.refuse_unknown()
        days = self.integer("time_limit_days")
        fee = self.get("fee_yuan", (int, float))
        if days < 0:
            self.fail("time_limit_days", "must not be negative")
        if fee < 0:
            self.fail("fee_yuan", "must not be negative")
        online, no_meeting = self.boolean("online"), self.boolean("no_meeting")
        return Item(
            key=key, title=self.text("title"), summary=self.text("summary"),
            category=self.reference("category", refs["category"]),
            department=self.reference("department", refs["department"]),
            time_limit_days=days, fee_yuan=fee, online=online, no_meeting=no_meeting,
            documents=self.references("documents", refs["documents"]),
            fields=self.references("fields", refs["fields"]), eligibility=tuple(rules),
            aliases=self.aliases(),
            next_step=self.next_step(refs["place"], days, online, no_meeting))

    def next_step(self, places, days, online, no_meeting):
        """[items.KEY.next_step]: what the receipt tells the resident to do after sending.
        It must agree with the item's flags, so the menu's "No visit needed" and the
        receipt never contradict each other."""
        raw = self.get("next_step", dict)
        step = Entry(self.checker, f"{self.where} next_step", raw)
        visit = step.get("visit", str)
        if visit not in VISITS:
            step.fail("visit", f"must be one of {', '.join(VISITS)}, not {visit!r}")
        if visit == "none":
            if "where" in raw:
                step.fail("where", 'is not used with visit = "none": nobody is sent anywhere')
            step.asked.add("where")
            place = None
        else:
            place = step.reference("where", places)
        note = step.text("note", required=False)
        step.refuse_unknown()
        if visit == "none" and not (online and no_meeting):
            self.fail("next_step", 'says visit = "none" (nothing more to do), so the item '
                      "needs online = true and no_meeting = true")
        if visit == "now" and no_meeting:
            self.fail("next_step", 'says visit = "now" (go to a counter now), which is an '
                      "in-person meeting, so the item needs no_meeting = false")
        if visit == "later" and days < 1:
            self.fail("next_step", 'says visit = "later", which is counted from '
                      'time_limit_days: give at least 1 working day, or use visit = "now"')
        return NextStep(visit, place, note)

    def aliases(self):
        """Optional {language: [names]}: what residents call it, for search and voice."""
        raw = self.get("aliases", dict, required=False, default={})
        for language, names in raw.items():
            if language not in LANGUAGES:
                self.fail("aliases", f"has an unknown language: {language}")
            if not isinstance(names, list) or not all(
                    isinstance(name, str) and name.strip() for name in names):
                self.fail("aliases", f"must list the {language} names as texts")
        return {language: tuple(name.strip() for name in names)
                for language, names in raw.items()}

    def shortcut(self, key, fields):
        copy = self.get("copy", dict)
        for target, source in copy.items():
            for name in (target, source):
                if name not in fields:
                    self.fail("copy", f"names {name!r}, which is not in the catalogue")
            if fields[target].type != fields[source].type:
                self.fail("copy", f"copies {source!r} into {target!r}, a field of another type")
        if not copy:
            self.fail("copy", "must copy at least one field")
        sex = self.get("sex", str, required=False)
        if sex not in (None, "male", "female"):
            self.fail("sex", "must be male or female")
        return Shortcut(key, self.text("label"), tuple(copy.items()), sex)

    def package(self, key, items):
        icon = self.get("icon", str)
        if icon not in ICONS:
            # A name, never a path (the card shows static/icons/ICON.svg). The bad value is
            # quoted short and escaped: a hostile one cannot flood or garble the message.
            self.fail("icon", f"must be one of the package icons: {', '.join(ICONS)} "
                              f"(a name, not a file or path), not {icon[:40]!r}")
        entries = []
        for raw in self.get("items", list):
            entry = Entry(self.checker, f"{self.where} item entry", raw)
            item_key = entry.reference("item", items)
            required = entry.boolean("required")
            reason = entry.text("reason", required=not required)
            entries.append(PackageItem(item_key, required, reason,
                                       entry.boolean("selected", required=False)))
            entry.refuse_unknown()
        if not entries:
            self.fail("items", "must list at least one item")
        if len({entry.item for entry in entries}) != len(entries):
            self.fail("items", "lists an item twice")
        return Package(key=key, title=self.text("title"), summary=self.text("summary"),
                       order=self.integer("order"), icon=icon, aliases=self.aliases(),
                       items=tuple(entries))
