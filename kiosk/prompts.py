"""Prompt keys: a stable name for every piece of guidance, and its text in each language.

Speech (and later sign-language clips) hang off these keys. A key names where its
text comes from: `screen.menu`, `package.open_shop`, `item.seal_engraving`,
`error.applicant_phone.phone`, ... Texts come from the catalogue and from the gettext
catalogues, never from the browser, so a prompt URL can carry no personal data. A field
whose hint depends on the services and answers has a key per hint: `field.employer_name`
(label and default hint), `field.employer_name.maternity` (label and that conditional
hint); the key says which catalogue hint is shown, never the answers that chose it.
Templated prompts (`error.FIELD.CODE`, `add.ITEM`, ...) also have a shared key
(`shared.error.CODE`, `shared.add`) whose one sign-language clip serves them all.
No Flask here.
"""
import re

from .languages import finish
from .messages import ERROR_PAGES, FIELD_ERRORS, HEADPHONE_NOTICES, ID_TYPE_LABELS, MODE_LABELS, \
    N_, translator
from .printing.states import NOTICES as RECEIPT_NOTICES, SILENT_NOTICES as SILENT_RECEIPT_NOTICES
from .ratings import LEVEL_LABELS, PROMPTS as RATING_PROMPTS, REASON_LABELS
from .settings import LANGUAGES
from .validators import ID_TYPES

KEY_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,40}(\.[a-z0-9_]{1,41}){1,2}")

# What each screen says on arrival. Read aloud acts on one tap and says what was chosen;
# MODE_TEXTS["explore"] has the wording for hearing a button before choosing it.
SCREENS = {
    "home": N_("Welcome to the one-stop service. Choose your language, then tap Start. "
               "While read aloud is on, each button says what it does as you tap it. To hear "
               "a button before choosing it, turn on Hear before choosing."),
    "menu": N_("What would you like to get done? Tap a life event to choose it."),
    "builder": N_("These services make up your package. Tap a service to hear it. You can "
                  "remove the optional ones or add others. When you are ready, tap Continue."),
    "add_service": N_("Every service the hall offers, by topic. Tap Add to put a service in "
                      "your package, then tap Done."),
    "eligibility": N_("A few questions first. Answer yes or no to each, then tap Continue."),
    "eligibility_outcome": N_("Some services you chose are not available to you. For each, "
                              "the screen says what you can do instead. You can go on with "
                              "the rest."),
    "form": N_("Your details. Each question is asked once for all the services you chose. "
               "Tap a question to hear it."),
    "form_errors": N_("Some answers need checking."),
    "check": N_("Check your answers. Tap Read back to hear an answer, or Change to correct "
                "it. When everything is right, tap Send my application."),
    "done": N_("Your application has been sent. Tap Read my reference number to hear it. "
               "The screen says what to do next for each service."),
    "start_over": N_("Start over? Everything you chose and typed will be wiped."),
    "call_clerk": N_("A clerk is coming to this kiosk. Please stay here. You can go back "
                     "to your application while you wait."),
    "timeout": N_("Are you still there? For your privacy the kiosk will start over soon. "
                  "Tap Continue to keep going, or I need more time."),
}

# Per-mode wording: what the signer window signs and captions for a key, where the spoken
# text tells the resident to listen. A deaf resident is never told to listen
# (tests/test_prompts_per_mode.py checks every key in every language).
MODE_TEXTS = {
    # Read aloud with "Hear before choosing" on: the first tap speaks, the second chooses.
    "explore": {
        "screen.home": N_("Welcome to the one-stop service. Choose your language, then tap "
                          "Start. While read aloud is on, tap a button once to hear it, and "
                          "tap it again to choose it."),
        "screen.menu": N_("What would you like to get done? Tap a life event once to hear "
                          "it, and tap it again to choose it."),
    },
    "sign": {
        "screen.home": N_("Welcome to the one-stop service. Choose your language, then tap "
                          "Start. While sign language is on, tap a button once to see it "
                          "signed, and tap it again to choose it."),
        "screen.menu": N_("What would you like to get done? Tap a life event once to see it "
                          "signed, and tap it again to choose it."),
        "screen.builder": N_("These services make up your package. Tap a service to see it "
                             "signed. You can remove the optional ones or add others. When "
                             "you are ready, tap Continue."),
        "screen.form": N_("Your details. Each question is asked once for all the services "
                          "you chose. Tap a question to see it signed."),
        "screen.check": N_("Check your answers. Tap Change to correct one. When everything "
                           "is right, tap Send my application."),
        "screen.done": N_("Your application has been sent. Your reference number is on the "
                          "screen and on the receipt. The screen says what to do next for "
                          "each service."),
        "control.repeat": N_("Show it again"),
        # The read-aloud setting's button, named without asking anyone to listen.
        "mode.explore_on": N_("A read-aloud setting: a first tap explains a button, a "
                              "second tap chooses it. It is on. Tap again to turn it off."),
        "mode.explore_off": N_("A read-aloud setting: a first tap explains a button, a "
                               "second tap chooses it. It is off. Tap again to turn it on."),
    },
}

# What printing the receipt led to, signed without telling anyone to listen or to tap a
# read-aloud button (kiosk/printing/states.py).
MODE_TEXTS["sign"].update({f"receipt.{outcome}": text
                           for outcome, text in SILENT_RECEIPT_NOTICES.items()})

# The ways in where a first tap on a control explains it and a second tap chooses it.
EXPLAINED_FIRST = ("explore", "sign")

# Buttons and links, by the same message ids the screens show.
CONTROLS = {
    "start": N_("Start"), "continue": N_("Continue"), "back": N_("Back"),
    "start_over": N_("Start over"), "add_service": N_("Add another service"),
    "done_adding": N_("Done, back to my package"), "send": N_("Send my application"),
    "finish": N_("Finish"), "print": N_("Print receipt"), "change": N_("Change"),
    "yes": N_("Yes"), "no": N_("No"), "repeat": N_("Repeat"), "stop": N_("Stop"),
    "louder": N_("Louder"), "quieter": N_("Quieter"), "read_back": N_("Read back"),
    "read_reference": N_("Read my reference number"),
    "continue_rest": N_("Continue with the rest"), "change_answers": N_("Change my answers"),
    "yes_start_over": N_("Yes, start over"), "no_go_back": N_("No, go back"),
    "build_your_own": N_("Build your own"), "back_to_package": N_("Back to my package"),
    "start_over_now": N_("Start over now"), "more_time": N_("I need more time"),
    "call_clerk": N_("Call a clerk"), "cancel_call": N_("Cancel the call"),
    "back_to_application": N_("Back to my application"),
    # Zoom mode's top bar: languages and modes folded behind this one button.
    "display_menu": N_("Language, display and sound"),
}

# What the "A clerk is coming" page says as the call moves on (said and signed when it changes).
CALL_STATES = {
    "open": N_("Your call has been sent. A clerk will answer it soon."),
    "on_my_way": N_("A clerk is on the way to you."),
    "done": N_("Your call is closed. If you still need help, call a clerk again."),
    "cancelled": N_("You cancelled the call. No clerk will come."),
    "failed": N_("The call could not be sent. Please ask at the counter."),
}

# How a resident who cannot see the screen starts read aloud (tests/browser/test_speech_without_sight.py).
# "start_speech" is said on the idle home screen while read aloud is off, at a tap or a key;
# "speech_started" after a long press or the keypad's help key has turned read aloud on.
# Neither asks anyone to listen, so the same words serve every mode.
GUIDES = {
    "start_speech": N_("For spoken guidance, touch and hold anywhere on the screen for two "
                       "seconds, or press the help key."),
    "speech_started": N_("Read aloud is on. Each button says what it does as you tap it. On "
                         "a keypad, the arrow keys move from button to button, Enter chooses, "
                         "and the help key says this screen's guidance again."),
}

# The errors each kind of field can show (see kiosk.flow.check_answer).
ERRORS_BY_TYPE = {
    "all": ["required", "too_long", "bad_characters"],
    "choice": ["required_choice", "choice"], "id_type": ["required_choice", "choice"],
    "id_number": ["id_type_first", "id_length", "id_characters", "id_region", "id_birth_date",
                  "id_check_digit", "foreign_id_format", "passport_format"],
    "phone": ["phone"], "email": ["email"], "date": ["date", "date_past", "date_future"],
    "number": ["number", "number_small", "number_large"],
}

ANNOUNCEMENTS = {
    "chosen": N_("You chose: %(title)s"),
    "added": N_("Added: %(title)s"),
    "removed": N_("Removed: %(title)s"),
    "add": N_("Add: %(title)s"),
    "remove": N_("Remove: %(title)s"),
}

# Prompts built from a template and a name (an error at a field, a service added, a life
# event chosen) are signed once, as the template: the signer window plays the shared clip
# with the name shown beside it, then the name's own clip if there is one. The interpreter
# records one "too long" instead of one per field. Their keys: shared.error.CODE, shared.add, ...
SHARED_ANNOUNCEMENTS = {
    "chosen": N_("You chose this life event"),
    "add": N_("Add this service"),
    "remove": N_("Remove this service"),
    "added": N_("This service was added"),
    "removed": N_("This service was removed"),
}
# The signed wording of a field error without the field's name; an error that names no
# field (phone, email, the ID number's checks) is signed as it is shown.
SHARED_ERRORS = {
    "required": N_("Enter an answer here"),
    "required_choice": N_("Choose an answer here"),
    "too_long": N_("This answer is too long"),
    "bad_characters": N_("This answer contains characters that cannot be used"),
    "choice": N_("Choose one of the options here"),
    "date_past": N_("This date must be today or in the past"),
    "date_future": N_("This date must be today or in the future"),
    "number": N_("Enter a whole number here"),
    "number_small": N_("This number is too small"),
    "number_large": N_("This number is too large"),
}
# The namespace of the name a templated key puts into its template.
NAMED_BY = {"error": "field", "chosen": "package", "add": "item", "remove": "item",
            "added": "item", "removed": "item"}


def shared_key(key):
    """The key of the shared clip that signs `key`'s template, or None for a key that is
    signed on its own. error.FIELD.CODE -> shared.error.CODE; add.ITEM -> shared.add."""
    namespace, _, name = key.partition(".")
    if namespace in SHARED_ANNOUNCEMENTS and name:
        return f"shared.{namespace}"
    field, _, code = name.partition(".")
    if namespace == "error" and field and code in FIELD_ERRORS:
        return f"shared.error.{code}"
    return None


def name_key(key):
    """The prompt key of the name a templated key carries (field.FIELD, item.ITEM,
    package.PACKAGE), or None for a key that is not templated."""
    if shared_key(key) is None:
        return None
    namespace, _, name = key.partition(".")
    return f"{NAMED_BY[namespace]}.{name.partition('.')[0]}"


# How sentences and labels are joined when spoken, per language.
FULL_STOP = {"zh": "。", "en": ". ", "ko": ". "}
COLON = {"zh": "：", "en": ": ", "ko": ": "}


def sentences(language, *parts):
    """Join `parts` as sentences, keeping a part's own ending (? ！ 。) instead of adding one."""
    stop = FULL_STOP[language]
    space = "" if language == "zh" else " "
    joined = ""
    for part in filter(None, (part.strip() for part in parts)):
        joined += part + space if part[-1] in "?？!！。." else part + stop
    return joined.rstrip()


class Prompts:
    """Every prompt key the kiosk uses and its text in zh, en and ko."""

    def __init__(self, catalogue):
        self.catalogue = catalogue

    def text(self, key, language, mode="speech"):
        """The text of `key` in `language` as `mode` puts it, or None for an unknown key or
        language. Modes: speech (read aloud, one tap acts), explore (read aloud, a first tap
        only speaks) and sign. Most keys read the same in every mode."""
        if language not in LANGUAGES or not KEY_PATTERN.fullmatch(key):
            return None
        if key in MODE_TEXTS.get(mode, {}):
            return translator(language).gettext(MODE_TEXTS[mode][key])
        namespace, _, name = key.partition(".")
        try:
            if namespace in ANNOUNCEMENTS:
                return self._announcement(namespace, name, translator(language), language)
            if namespace in ("language", "mode"):
                # "Tap again to ..." only where a first tap explains instead of acting.
                resolve = getattr(self, f"_{namespace}")
                return resolve(name, translator(language), language, mode in EXPLAINED_FIRST)
            resolve = getattr(self, f"_{namespace}", None)
            return resolve(name, translator(language), language) if resolve else None
        except (KeyError, ValueError, StopIteration):
            return None

    def keys(self, errors=True):
        """Every prompt key the kiosk uses; without the per-field errors when `errors` is False
        (speech warm-up leaves them out: they are made in milliseconds when first needed)."""
        catalogue = self.catalogue
        keys = [f"screen.{name}" for name in SCREENS]
        keys += [f"control.{name}" for name in CONTROLS]
        keys += [f"call.{name}" for name in CALL_STATES]
        keys += [f"guide.{name}" for name in GUIDES]
        keys += [f"language.{code}" for code in LANGUAGES]
        keys += [f"mode.{mode}_{state}" for mode in MODE_LABELS for state in ("on", "off")]
        keys += [f"mode.headphones_{state}" for state in HEADPHONE_NOTICES]
        keys += [f"page.{name}" for name in ERROR_PAGES]
        keys += [f"package.{key}" for key in catalogue.packages]
        keys += [f"chosen.{key}" for key in catalogue.packages]
        keys += [f"{kind}.{key}" for key in catalogue.items
                 for kind in ("item", "add", "remove", "added", "removed")]
        keys += [f"question.{key}" for key in catalogue.questions]
        keys += [f"ineligible.{item.key}.{rule.question}" for item in catalogue.items.values()
                 for rule in item.eligibility]
        keys += [f"field.{key}" for key in catalogue.fields]
        keys += [field_prompt(field, hint) for field in catalogue.fields.values()
                 for hint in field.hints]
        keys += [f"option.{field.key}.{option.value}" for field in catalogue.fields.values()
                 for option in field.options]
        keys += [f"id_type.{value}" for value in ID_TYPES]
        keys += [f"document.{key}" for key in catalogue.documents]
        keys += [f"section.{key}" for key in catalogue.sections]
        keys += [f"category.{key}" for key in catalogue.categories]
        keys += [f"shortcut.{key}" for key in catalogue.shortcuts]
        # The rating on the confirmation: its questions and thanks, each level, each reason.
        keys += [f"rating.{name}" for name in (*RATING_PROMPTS, *LEVEL_LABELS)]
        keys += [f"rating_reason.{code}" for code in REASON_LABELS]
        # What printing the receipt led to: printing, or why not and what to do instead.
        keys += [f"receipt.{outcome}" for outcome in RECEIPT_NOTICES]
        if errors:
            keys.append("error.eligibility.missing")
            keys += [f"error.{field.key}.{code}" for field in catalogue.fields.values()
                     for code in ERRORS_BY_TYPE["all"] + ERRORS_BY_TYPE.get(field.type, [])
                     if not (code == "required" and field.type in ("choice", "id_type"))]
        return keys

    def recording_keys(self):
        """The keys an interpreter records: every key signed on its own, and one shared
        clip per template (shared.error.too_long, ...) instead of one per field or service."""
        keys = self.keys()
        shared = dict.fromkeys(filter(None, map(shared_key, keys)))
        return [key for key in keys if shared_key(key) is None] + list(shared)

    def name(self, key, language):
        """The name a templated key puts into its template (a field's label, a service's
        or life event's title), shown beside the shared clip; None for other keys."""
        named = name_key(key)
        if named is None or language not in LANGUAGES:
            return None
        namespace, _, name = named.partition(".")
        entries = {"field": self.catalogue.fields, "item": self.catalogue.items,
                   "package": self.catalogue.packages}[namespace]
        entry = entries.get(name)
        if entry is None:
            return None
        return (entry.label if namespace == "field" else entry.title)[language]

    # One resolver per namespace: name, translations, language -> text.

    def _screen(self, name, words, language):
        return words.gettext(SCREENS[name])

    def _control(self, name, words, language):
        return words.gettext(CONTROLS[name])

    def _call(self, name, words, language):
        return words.gettext(CALL_STATES[name])

    def _guide(self, name, words, language):
        return words.gettext(GUIDES[name])

    def _language(self, name, words, language, tap_again):
        # A language button speaks in its own language, whatever the screen's language
        # (so the Korean wording only ever holds "한국어", and its particle fits it).
        own = translator(name)
        message = (N_("%(language)s. Tap again to use this language.") if tap_again
                   else N_("%(language)s."))
        return own.gettext(message) % {
            "language": {"zh": "中文", "en": "English", "ko": "한국어"}[name]}

    def _mode(self, name, words, language, tap_again):
        mode, _, state = name.rpartition("_")
        if mode == "headphones":
            # Not a button: what plugging headphones in or out just did.
            return words.gettext(HEADPHONE_NOTICES[state])
        label = words.gettext(MODE_LABELS[mode])
        if tap_again:
            message = {"on": N_("%(mode)s is on. Tap again to turn it off."),
                       "off": N_("%(mode)s is off. Tap again to turn it on.")}[state]
        else:
            message = {"on": N_("%(mode)s is on."), "off": N_("%(mode)s is off.")}[state]
        return words.gettext(message) % {"mode": label}

    def _page(self, name, words, language):
        heading, message = ERROR_PAGES[name]
        return sentences(language, words.gettext(heading), words.gettext(message))

    def _package(self, name, words, language):
        package = self.catalogue.packages[name]
        return sentences(language, package.title[language], package.summary[language])

    def _item(self, name, words, language):
        item = self.catalogue.items[name]
        department = self.catalogue.departments[item.department].title[language]
        days = item.time_limit_days
        time = (words.ngettext("%(num)d working day", "%(num)d working days", days) % {"num": days}
                if days else words.gettext(N_("Same day")))
        fee = (words.gettext(N_("%(amount)s yuan")) % {"amount": f"{item.fee_yuan:g}"}
               if item.fee_yuan else words.gettext(N_("Free")))
        colon = COLON[language]
        return sentences(language, item.title[language], item.summary[language],
                         words.gettext(N_("Handled by")) + colon + department,
                         words.gettext(N_("Time limit")) + colon + time,
                         words.gettext(N_("Fee")) + colon + fee)

    def _announcement(self, kind, name, words, language):
        """chosen.PACKAGE, and add / remove / added / removed.ITEM."""
        entries = self.catalogue.packages if kind == "chosen" else self.catalogue.items
        return words.gettext(ANNOUNCEMENTS[kind]) % {"title": entries[name].title[language]}

    def _question(self, name, words, language):
        question = self.catalogue.questions[name]
        return sentences(language, question.text[language],
                         question.hint[language] if question.hint else "")

    def _field(self, name, words, language):
        """field.KEY: label and default hint; field.KEY.HINT: label and that conditional hint."""
        field_key, _, hint_key = name.partition(".")
        field = self.catalogue.fields[field_key]
        hint = next(hint.text for hint in field.hints if hint.key == hint_key) if hint_key \
            else field.hint
        return sentences(language, field.label[language], hint[language] if hint else "")

    def _option(self, name, words, language):
        field_key, _, value = name.partition(".")
        field = self.catalogue.fields[field_key]
        return next(option.label[language] for option in field.options if option.value == value)

    def _id_type(self, name, words, language):
        return words.gettext(ID_TYPE_LABELS[name])

    def _document(self, name, words, language):
        return self.catalogue.documents[name].title[language]

    def _section(self, name, words, language):
        return self.catalogue.sections[name].title[language]

    def _category(self, name, words, language):
        return self.catalogue.categories[name].title[language]

    def _shortcut(self, name, words, language):
        return self.catalogue.shortcuts[name].label[language]

    def _rating(self, name, words, language):
        """rating.ask / why / thanks, and rating.LEVEL: a level of the five, as shown."""
        return words.gettext(RATING_PROMPTS.get(name) or LEVEL_LABELS[name])

    def _receipt(self, name, words, language):
        """receipt.OUTCOME: printing, or out_of_paper / offline / error and what instead."""
        return words.gettext(RECEIPT_NOTICES[name])

    def _rating_reason(self, name, words, language):
        return words.gettext(REASON_LABELS[name])

    def _ineligible(self, name, words, language):
        """ineligible.ITEM.QUESTION: why a service is not available, and what to do instead."""
        item_key, _, question = name.partition(".")
        item = self.catalogue.items[item_key]
        rule = next(rule for rule in item.eligibility if rule.question == question)
        return sentences(language, item.title[language], rule.explanation[language],
                         words.gettext(N_("What you can do instead")), rule.instead[language])

    def _shared(self, name, words, language):
        """shared.error.CODE and shared.add, ...: a template's wording without its name."""
        kind, _, code = name.partition(".")
        if kind != "error":
            return words.gettext(SHARED_ANNOUNCEMENTS[kind]) if not code else None
        message = SHARED_ERRORS.get(code) or FIELD_ERRORS[code]
        # An error that names its field needs a wording without the name in SHARED_ERRORS.
        return None if "%(" in message else finish(words.gettext(message), language)

    def _error(self, name, words, language):
        # error.FIELD.CODE: the message shown at a field; error.eligibility.missing too.
        field_key, _, code = name.partition(".")
        if field_key == "eligibility" and code == "missing":
            return words.gettext(N_("Answer yes or no"))
        label = self.catalogue.fields[field_key].label[language]
        return finish(words.gettext(FIELD_ERRORS[code]) % {"label": label}, language)


def field_prompt(field, hint=None):
    """The prompt key of a form field's question as shown with `hint` (a FieldHint), or with
    its default hint when `hint` is None."""
    return f"field.{field.key}.{hint.key}" if hint else f"field.{field.key}"


def speech_jobs(prompts):
    """(text, language, slow) for every fixed prompt, in both ways of using read aloud
    (a text said the same both ways once): all at the normal rate first."""
    for slow in (False, True):
        for language in LANGUAGES:
            for key in prompts.keys(errors=False):
                for text in dict.fromkeys(prompts.text(key, language, way)
                                          for way in ("speech", "explore")):
                    yield text, language, slow
