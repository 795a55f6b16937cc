"""What this kiosk still lacks after a catalogue change: prompts with no speech in the
cache yet, and clips the interpreter still has to record. For `/status` and
`flask --app kiosk catalogue`. No Flask here.
"""
from .settings import LANGUAGES


def unspoken_prompts(speech, prompts):
    """{language: [prompt keys]} with no audio in the speech cache yet, at either rate.

    Cheap enough for every page view: one file-exists check per prompt, nothing
    synthesised, and nothing marked as used (the cache prunes by last use). It walks the
    prompts as kiosk.prompts.speech_jobs does, so what `speech warm` makes is what counts.
    Languages that cannot be spoken at all are left out: the page names them already.
    """
    if not speech.available():
        return {}
    keys = prompts.keys(errors=False)
    unspoken = {}
    for language in LANGUAGES:
        if not speech.available(language):
            continue
        missing = [key for key in keys if not _spoken(speech, prompts, key, language)]
        if missing:
            unspoken[language] = missing
    return unspoken


def _spoken(speech, prompts, key, language):
    """True when every wording of `key` (one tap, hear before choosing) is cached at both rates."""
    texts = {prompts.text(key, language, way) for way in ("speech", "explore")} - {None}
    return all(speech.cache.path(speech.key(text, language, slow)).exists()
               for text in texts for slow in (False, True))


def signs_to_record(signs, prompts, settings):
    """{sign language: [prompt keys]} the interpreter still has to record, as `signs coverage`
    counts them: no clip yet, or a clip of an older wording (the catalogue's text changed)."""
    keys = prompts.recording_keys()
    to_record = {}
    for language, sign_language in settings.sign_languages.items():
        wording = lambda key, language=language: prompts.text(key, language, "sign")  # noqa: E731
        report = signs.coverage(keys, sign_language, wording)
        wanted = set(report["missing"]) | set(report["outdated"])
        to_record[sign_language] = [key for key in keys if key in wanted]
    return to_record
