"""The accessibility modes' on/off buttons, worked out in Python once a page.

Seven of them sit on every screen, each with its state, its label, its prompt attributes and,
when it cannot be turned on, why. Worked out here, the template only writes them from one
flat loop (components/mode_toggle.html): in the template they were the largest part of every
screen's frame (issue #17).
"""
from collections import namedtuple

from jinja2 import pass_context

from .i18n import page_gettext
from .messages import MODE_LABELS

# pressed: "true" or "false" for aria-pressed; note: why the button is disabled, or "".
ModeToggle = namedtuple("ModeToggle", "mode pressed prompt state label note")


@pass_context
def mode_label(context, mode):
    """A mode's name in the page's language (also the `mode_label` filter: the modes a call
    or an application reports)."""
    return page_gettext(context, MODE_LABELS.get(mode, mode))


@pass_context
def mode_toggle_rows(context, modes):
    """[ModeToggle] for each of `modes`, as the page's resident has them, in the page's
    language, with the page's prompt attributes (`speak`)."""
    def gettext(message):
        return page_gettext(context, message)

    on_words = {True: gettext("On"), False: gettext("Off")}
    resident_modes, speak = context["modes"], context["speak"]
    rows = []
    for mode in modes:
        on = bool(resident_modes[mode])
        rows.append(ModeToggle(
            mode, "true" if on else "false", speak(f"mode.{mode}_{'on' if on else 'off'}"),
            on_words[on], mode_label(context, mode), _unavailable(context, mode, gettext)))
    return rows


def _unavailable(context, mode, gettext):
    """Why read aloud or voice input cannot be turned on here, or "" when it can."""
    if mode == "speech" and not context["speech_available"]:
        return gettext("Not available")
    if mode == "voice" and not context["voice_available"]:
        languages = context["voice_languages"]
        if languages:
            return gettext("Works in %(languages)s") % {"languages": ", ".join(languages)}
        return gettext("Not available")
    return ""
