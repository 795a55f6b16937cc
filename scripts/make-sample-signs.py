#!/usr/bin/env python3
"""Make the sample sign-language clips the kiosk ships: text cards, clearly marked as samples.

    .venv/bin/python scripts/make-sample-signs.py [KEY ...]

For every screen prompt (or the KEYs given) and every screen language, ffmpeg renders a
card with the prompt's text and the words that it is a sample for an interpreter to record,
and the clip goes into the library marked "sample" with the hash of the text it shows, so
sign mode works out of the box, nobody takes a card for real signing, and a card whose text
has since changed shows as outdated. A recorded clip is never overwritten.
"""
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kiosk.catalogue import load_catalogue  # noqa: E402
from kiosk.messages import N_, translator  # noqa: E402
from kiosk.prompts import Prompts  # noqa: E402
from kiosk.settings import load_settings  # noqa: E402
from kiosk.signs import SignLibrary  # noqa: E402

SAMPLE_NOTE = N_("Sample card: the signed version is still to be recorded by an interpreter.")
FONTS = {"zh": "Noto Sans CJK SC", "ko": "Noto Sans CJK KR", "en": "Noto Sans CJK SC"}
WIDTH = {"zh": 18, "ko": 24, "en": 38}  # characters a line on a 640 px card


def card(text, note, sign_language, language, target):
    """Render a 640×360 WebM card showing `text` for a few seconds."""
    seconds = max(4, min(12, len(text) / (6 if language == "zh" else 14)))
    with tempfile.TemporaryDirectory() as folder:
        body, footer = Path(folder) / "body.txt", Path(folder) / "note.txt"
        body.write_text("\n".join(textwrap.wrap(text, WIDTH[language])), encoding="utf-8")
        footer.write_text("\n".join(textwrap.wrap(f"{sign_language} · {note}",
                                                  WIDTH[language] * 3 // 2)), encoding="utf-8")
        font = FONTS[language]
        draw = (f"drawtext=font='{font}':textfile={body}:fontcolor=white:fontsize=28:"
                f"line_spacing=10:x=(w-text_w)/2:y=(h-text_h)/2-30,"
                f"drawtext=font='{font}':textfile={footer}:fontcolor=0xffdd00:fontsize=18:"
                f"line_spacing=6:x=(w-text_w)/2:y=h-text_h-24")
        subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                        f"color=c=0x0b4a80:s=640x360:r=10:d={seconds:.1f}", "-vf", draw,
                        "-c:v", "libvpx-vp9", "-b:v", "60k", "-pix_fmt", "yuv420p",
                        "-an", str(target)], check=True)


def main(keys):
    settings = load_settings()
    prompts = Prompts(load_catalogue(settings.catalogue_path))
    library = SignLibrary(settings.signs.library_dir, prompts.keys())
    keys = keys or [key for key in prompts.keys() if key.startswith("screen.")]
    for language, sign_language in settings.signs.sign_languages.items():
        note = translator(language).gettext(SAMPLE_NOTE)
        for key in keys:
            existing = library.clip(key, sign_language)
            if existing and existing.status == "recorded":
                continue
            # The sign wording: a card never asks a deaf resident to listen.
            text = prompts.text(key, language, "sign")
            with tempfile.TemporaryDirectory() as folder:
                video = Path(folder) / f"{key}.webm"
                card(text, note, sign_language, language, video)
                # With the hash of its text, so a card whose wording changes shows as outdated.
                library.save(key, sign_language, video, signer="sample card", status="sample",
                             text=text)
            print(f"{sign_language} {key}")


if __name__ == "__main__":
    main(sys.argv[1:])
