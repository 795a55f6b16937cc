"""Languages of the screen: Flask-Babel set-up and helpers for catalogue texts."""
from flask import current_app, session
from flask_babel import Babel, get_locale, get_translations
from jinja2 import pass_context
from markupsafe import Markup

from .languages import PROFILES, profile
from .settings import LANGUAGES, LOCALES_DIR
# BCP 47 tags for <html lang>, and each language's name in itself (its button's name).
HTML_LANG = {code: language.html_lang for code, language in PROFILES.items()}
LANGUAGE_NAMES = {code: language.name for code, language in PROFILES.items()}


def current_language():
    """The screen's language: the session's choice, else the kiosk's default."""
    language = session.get("lang")
    return language if language in LANGUAGES else current_app.config["KIOSK_SETTINGS"].default_language


def local(text):
    """A catalogue Text (zh/en/ko) in the screen's language."""
    return text.in_language(current_language()) if text else ""


def init_app(app):
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(LOCALES_DIR)
    Babel(app, locale_selector=current_language)
    app.jinja_env.globals.update(
        local=local, current_language=current_language, get_locale=get_locale,
        html_lang=lambda: HTML_LANG[current_language()], HTML_LANG=HTML_LANG,
        LANGUAGE_NAMES=LANGUAGE_NAMES, LANGUAGES=LANGUAGES,
        language_profile=lambda: profile(current_language()))
    # A page says a hundred or more texts through `_()`. Flask-Babel's own callables look up
    # the request's domain, locale and catalogue again for each one (about a third of a
    # screen's time): the page's catalogue is looked up once, when its rendering starts.
    app.context_processor(lambda: {"page_translations": get_translations()})
    # Flask-Babel installs Jinja's newstyle gettext, which reaches the catalogue through
    # three calls of the template context (its alias, its wrapper, then Flask-Babel's
    # look-up); these do the same in one, in the page's catalogue.
    app.jinja_env.globals.update(_=template_gettext, gettext=template_gettext,
                                 ngettext=template_ngettext)


@pass_context
def page_gettext(context, message):
    """gettext for templates' own helpers (a status's label, say): in the page's catalogue."""
    return _translations(context).ugettext(message)


@pass_context
def template_gettext(context, message, **variables):
    """`_("…")` in a template, as Jinja's newstyle gettext: always a format string (so
    "%%" is "%"), and the values filled in are escaped when the page escapes."""
    text = _translations(context).ugettext(message)
    if context.eval_ctx.autoescape:
        text = Markup(text)
    return text % variables


@pass_context
def template_ngettext(context, singular, plural, number, **variables):
    """`ngettext(…)` in a template, as Jinja's newstyle one: `num` is the number."""
    variables.setdefault("num", number)
    text = _translations(context).ungettext(singular, plural, number)
    if context.eval_ctx.autoescape:
        text = Markup(text)
    return text % variables


def _translations(context):
    """The catalogue looked up when the page began (any template rendered outside
    `render_template`, which has none, looks it up itself)."""
    return context.get("page_translations") or get_translations()
