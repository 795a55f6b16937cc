"""Eligibility, the one form, check your answers, submission and confirmation."""
from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _

from .. import flow
from ..i18n import current_language, local
from ..languages import finish
from ..messages import FIELD_ERRORS
from ..printing.receipt import receipt_facts
from ..printing.states import NOTICES, PROBLEMS, SILENT_NOTICES
from ..prompts import field_prompt
from .rating import rating_context
from ..web import go_to_step, returning_to_check, services, state

bp = Blueprint("journey", __name__)


def _next_or_check(step, values):
    """After a step: back to "Check your answers" if the resident came from there."""
    return go_to_step("check") if returning_to_check(values) else go_to_step(step)


@bp.route("/eligibility", methods=["GET", "POST"])
def eligibility():
    catalogue = services().catalogue
    resident = state()
    flow.require_step(resident, catalogue, "eligibility")
    if not flow.needs_eligibility(resident, catalogue):
        return go_to_step("form")
    missing = []
    if request.method == "POST":
        missing = flow.record_eligibility(resident, catalogue, request.form)
        if not missing:
            if flow.ineligible(resident, catalogue):
                extra = {"from": "check"} if returning_to_check(request.form) else {}
                return redirect(url_for("journey.eligibility_outcome", **extra))
            return _next_or_check("form", request.form)
    questions = catalogue.questions_for(flow.chosen_items(resident))
    return render_template("screens/eligibility.html", questions=questions,
                           # read aloud says every question on arrival, after the guidance
                           question_prompts=[f"question.{question.key}" for question in questions],
                           answers=resident.get("eligibility", {}),
                           errors={key: _("Answer yes or no") for key in missing},
                           from_check=returning_to_check(request.values))


@bp.get("/eligibility/outcome")
def eligibility_outcome():
    catalogue = services().catalogue
    resident = state()
    flow.require_step(resident, catalogue, "eligibility")
    if not flow.eligibility_complete(resident, catalogue):
        return go_to_step("eligibility")
    failures = flow.ineligible(resident, catalogue)
    return render_template("screens/eligibility_outcome.html", failures=failures,
                           outcome_keys=[f"ineligible.{item.key}.{rule.question}"
                                         for item, rule in failures],
                           remaining=flow.items_to_submit(resident, catalogue),
                           from_check=returning_to_check(request.args))


@bp.get("/form")
def answer_form():
    """The one form opens at its first section still needing an answer."""
    catalogue, resident = services().catalogue, state()
    flow.require_step(resident, catalogue, "form")
    sections = flow.form_sections(resident, catalogue)
    if not sections:
        return go_to_step("check")
    section = flow.first_open_section(resident, catalogue) or sections[0][0].key
    extra = {"from": "check"} if returning_to_check(request.args) else {}
    return redirect(url_for("journey.form_section", section=section, **extra))


@bp.route("/form/<section>", methods=["GET", "POST"])
def form_section(section):
    """One section of the one form per screen, so its Continue is always in reach."""
    catalogue, resident = services().catalogue, state()
    flow.require_step(resident, catalogue, "form")
    fields = flow.section_fields(resident, catalogue, section)
    from_check = returning_to_check(request.values)
    errors, codes = {}, {}
    offered = flow.shortcuts_for(resident, catalogue, fields)
    if request.method == "POST":
        flow.tick_shortcuts(resident, catalogue, offered, request.form.getlist("shortcut"))
        posted = flow.with_shortcuts(resident, catalogue, request.form)
        codes = flow.record_answers(resident, catalogue, posted, fields=fields)
        if not codes:
            return _after_section(resident, catalogue, section, from_check)
        labels = {form_field.key: form_field.label for form_field in fields}
        language = current_language()
        errors = {key: finish(_(FIELD_ERRORS[code], label=local(labels[key])), language)
                  for key, code in codes.items()}
    sections = flow.form_sections(resident, catalogue)
    keys = [each.key for each, _fields in sections]
    position = keys.index(section)
    return render_template("screens/form.html", fields=fields,
                           section=catalogue.sections[section],
                           step_number=position + 1, step_count=len(keys),
                           shortcuts=offered, ticked=resident.get("shortcuts", []),
                           answers=resident.get("answers", {}), errors=errors, codes=codes,
                           error_keys=[f"error.{key}.{code}" for key, code in codes.items()],
                           hints=_hints(resident, catalogue, fields),
                           back_url=_section_back(resident, catalogue, keys, position),
                           from_check=from_check)


def _hints(resident, catalogue, fields):
    """{field key: (hint text or None, prompt key)}: the hint for these services and answers,
    and the prompt that says the question with that hint."""
    shown = flow.shown_hints(resident, catalogue, fields)
    return {form_field.key: (shown[form_field.key].text if shown[form_field.key]
                             else form_field.hint, field_prompt(form_field, shown[form_field.key]))
            for form_field in fields}


def _after_section(resident, catalogue, section, from_check):
    """The next section's screen, or Check your answers after the last one."""
    if from_check:
        open_section = flow.first_open_section(resident, catalogue)
        if open_section is None:
            return go_to_step("check")
        return redirect(url_for("journey.form_section", section=open_section, **{"from": "check"}))
    keys = [each.key for each, _fields in flow.form_sections(resident, catalogue)]
    later = keys[keys.index(section) + 1:] if section in keys else []
    if later:
        return redirect(url_for("journey.form_section", section=later[0]))
    return go_to_step("check")


def _section_back(resident, catalogue, keys, position):
    """Back from a section: the section before it, or the step before the form."""
    if position > 0:
        return url_for("journey.form_section", section=keys[position - 1])
    before = flow.step_before(resident, catalogue, "form")
    return url_for("journey.eligibility" if before == "eligibility" else "packages.builder")


@bp.get("/check")
def check():
    catalogue = services().catalogue
    resident = state()
    flow.require_step(resident, catalogue, "check")
    items = flow.items_to_submit(resident, catalogue)
    fields = flow.form_fields(resident, catalogue)
    return render_template("screens/check.html",
                           package=flow.package_of(resident, catalogue), items=items,
                           failures=flow.ineligible(resident, catalogue),
                           questions=catalogue.questions_for(flow.chosen_items(resident)),
                           eligibility=resident.get("eligibility", {}),
                           sections=flow.by_section(fields, catalogue),
                           asked=[section.key for section, _fields
                                  in flow.form_sections(resident, catalogue)],
                           answers=flow.all_answers(resident, catalogue),
                           derived=flow.derived_answers(resident, catalogue),
                           documents=catalogue.documents_for(
                               items, flow.all_answers(resident, catalogue)))


@bp.post("/submit")
def submit():
    """Store the submission and its outbox entry, then show the reference."""
    catalogue, store, settings = services().catalogue, services().store, services().settings
    resident = state()
    flow.require_step(resident, catalogue, "check")
    record = flow.submission_record(resident, catalogue)
    reference = store.create_submission(settings.kiosk_id, record)
    services().wake_outbox.set()  # hand it off now rather than at the next pass
    # Only what the confirmation screen needs survives: no answers, no names. A listener
    # keeps their volume and headphones to hear the reference; Finish wipes those too.
    kept = {key: resident[key] for key in ("lang", "modes", "volume", "headphones")
            if key in resident}
    resident.wipe()
    resident.update(completed=reference, **kept)
    return redirect(url_for("journey.done"))


@bp.get("/done")
def done():
    reference = state().get("completed")
    if reference is None or services().store.get_submission(reference) is None:
        return go_to_step("home")
    # What "Print receipt" just led to (kiosk/views/receipt.py): said once.
    return done_page(reference, print_outcome=state().pop("print_outcome", None))


def done_page(reference, rating_error=None, status=200, print_outcome=None):
    """The confirmation of `reference`, with its rating (and why a rating was refused) and
    what printing its receipt led to."""
    kiosk = services()
    facts = receipt_facts(kiosk.store, kiosk.catalogue, kiosk.settings.time_zone, reference)
    printer = kiosk.printer
    print_tapped = print_outcome is not None
    if print_outcome is None and printer.method == "browser" and printer.state() in PROBLEMS:
        # Chromium would print into a printer known to be out of paper or offline: say so
        # now, and offer the QR code and read aloud instead of the button.
        print_outcome = printer.state()
    return render_template("screens/done.html", reference=reference, facts=facts,
                           print_method=printer.method, print_outcome=print_outcome,
                           print_tapped=print_tapped,
                           spoken_notices=NOTICES, silent_notices=SILENT_NOTICES,
                           **rating_context(reference, rating_error)), status

