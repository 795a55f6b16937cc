"""The update bundle's format, shared by the builder (bundle.py) and the updater (update.py).

A bundle is one tar file (optionally gzip-compressed) holding a single folder
`kiosk-VERSION/` with:

    MANIFEST.json      version, created, the Python and platform the wheels are for,
                       and the sha256 and size of every other file in the folder
    code/              the project at that version (git archive), plus code/VERSION
    wheels/            a wheel of every Python dependency in code/pyproject.toml
    voice-models/      the Vosk models kept in var/voice-models (one folder per model)
    signlang_videos/   the sign-language clip library and its manifest.json
"""
import hashlib
import re
import sys
import sysconfig

FORMAT = "kiosk-bundle/1"
MANIFEST = "MANIFEST.json"
# The parts of a bundle; nothing else may be in it.
PARTS = ("code", "wheels", "voice-models", "signlang_videos")
# A version becomes a folder name under /opt/kiosk/releases: no slashes, no "..".
VERSION_PATTERN = re.compile(r"[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}")


class BundleError(Exception):
    """The bundle cannot be used; the message says why."""


def check_version(version):
    """The version if it is a safe folder name, else BundleError."""
    if not isinstance(version, str) or not VERSION_PATTERN.fullmatch(version) \
            or ".." in version:
        raise BundleError(f"the version {version!r} is not a plain name (letters, digits, "
                          f". + _ -; at most 64 characters)")
    return version


def top_folder(version):
    """The one folder a bundle of `version` holds."""
    return f"kiosk-{version}"


def this_python():
    """What wheels built here are for: the Python version and the platform."""
    return {"python": f"{sys.version_info.major}.{sys.version_info.minor}",
            "python_tag": sys.implementation.cache_tag,      # e.g. cpython-311
            "platform": sysconfig.get_platform()}            # e.g. linux-x86_64


def sha256_of(stream, chunk=1 << 20):
    """(hex sha256, size) of everything read from a binary stream."""
    digest, size = hashlib.sha256(), 0
    while block := stream.read(chunk):
        digest.update(block)
        size += len(block)
    return digest.hexdigest(), size
