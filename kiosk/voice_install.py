"""Installing a Vosk model from a zip, a folder or a URL (a kiosk is often set up from a USB stick).

No Flask here. The archive or folder is checked before anything is written: no absolute
paths, no "..", no links; an optional SHA-256 must match. The model is then loaded and
tried in a separate process (kiosk.voice.check_model): a broken model, or one for another
language, is refused. The model lands in MODELS_DIR/LANG, replacing the one there only
once the new one is complete and works.

Each long step (download, checksum, unpack or copy, load check) is reported through
`progress(label, total)`: a context manager yielding `advance(bytes)`, with `total` the
step's size in bytes or None when unknown. The CLI turns it into progress bars.
"""
import contextlib
import hashlib
import os
import shutil
import tempfile
import urllib.request
import zipfile
from pathlib import Path, PurePosixPath

from .errors import KioskError
from .voice import VoiceFailed, check_model


BLOCK = 1 << 20   # bytes read at a time while downloading or checking


class InstallError(KioskError):
    """The model could not be installed; the message says why."""


@contextlib.contextmanager
def quietly(label, total=None):
    """The progress of a step nobody watches."""
    yield lambda count: None


def install_model(source, language, models_dir, sha256=None, check=check_model,
                  progress=quietly):
    """Install the model at `source` (zip file, folder or http(s) URL) for `language`;
    `check(path, language)` raises VoiceFailed for a model that must not replace the old.
    `progress` reports each long step (see the module's docstring)."""
    models_dir = Path(models_dir)
    models_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=models_dir, prefix=".installing-") as work:
        work = Path(work)
        if str(source).startswith(("http://", "https://")):
            archive = work / "download.zip"
            _download(source, archive, progress)
            source_path = archive
        else:
            source_path = Path(source)
            if not source_path.exists():
                raise InstallError(f"{source}: no such file or folder")
        if sha256:
            _check_sha256(source_path, sha256, progress)
        unpacked = work / "unpacked"
        if source_path.is_dir():
            _refuse_links(source_path)
            # Links copied as links, never followed, and looked for again: one made on
            # the stick after the first look is refused all the same.
            _copy_folder(source_path, unpacked, progress)
            _refuse_links(unpacked, shown_as=source_path)
        else:
            _unzip(source_path, unpacked, progress)
        model = _model_root(unpacked)
        target = models_dir / language
        try:
            with progress(f"Checking that it loads and knows the {language} command words",
                          None):
                check(model, language)
        except VoiceFailed as error:
            kept = f"; the {language} model already installed is kept" if target.exists() else ""
            raise InstallError(f"{source}: {error}{kept}") from None
        retired = models_dir / f".old-{language}"
        if target.exists():
            target.rename(retired)
        model.rename(target)
        shutil.rmtree(retired, ignore_errors=True)
    return target


def _download(url, path, progress):
    try:
        with urllib.request.urlopen(url, timeout=60) as response, path.open("wb") as file:
            size = response.headers.get("Content-Length", "")
            total = int(size) if size.isdigit() else None   # unknown: the label, then a count
            with progress(f"Downloading {PurePosixPath(url).name}", total) as advance:
                for block in iter(lambda: response.read(BLOCK), b""):
                    file.write(block)
                    advance(len(block))
    except OSError as error:
        raise InstallError(f"{url}: could not download: {error}") from None


def _check_sha256(path, expected, progress):
    if path.is_dir():
        raise InstallError("a SHA-256 can only be checked for a zip file")
    digest = hashlib.sha256()
    with path.open("rb") as file, progress(f"Checking the SHA-256 of {path.name}",
                                           path.stat().st_size) as advance:
        for block in iter(lambda: file.read(BLOCK), b""):
            digest.update(block)
            advance(len(block))
    if digest.hexdigest() != expected.lower():
        raise InstallError(f"{path.name}: SHA-256 is {digest.hexdigest()}, expected {expected}")


def _refuse_links(folder, shown_as=None):
    """A link in a folder would copy in whatever it points at (/etc/passwd as am/final.mdl)."""
    for root, folders, files in os.walk(folder):
        for name in folders + files:
            if (Path(root) / name).is_symlink():
                link = (Path(root) / name).relative_to(folder)
                raise InstallError(f"{shown_as or folder}: links are not allowed: {link}")


def _copy_folder(source, target, progress):
    """Copy a model folder, links as links (never followed), counting the bytes."""
    files = [path for path in source.rglob("*") if not path.is_symlink() and path.is_file()]
    with progress(f"Copying {source.name}", sum(path.stat().st_size for path in files)) as advance:
        def copy_counted(from_path, to_path):
            shutil.copy2(from_path, to_path, follow_symlinks=False)
            advance(os.lstat(from_path).st_size)
        shutil.copytree(source, target, symlinks=True, copy_function=copy_counted)


def _unzip(path, target, progress):
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise InstallError(f"{path.name}: not a zip file") from None
    with archive:
        for member in archive.infolist():
            name = PurePosixPath(member.filename)
            if name.is_absolute() or ".." in name.parts or "\\" in member.filename:
                raise InstallError(f"{path.name}: unsafe path in archive: {member.filename}")
            if (member.external_attr >> 16) & 0o170000 == 0o120000:
                raise InstallError(f"{path.name}: links are not allowed: {member.filename}")
        members = archive.infolist()
        with progress(f"Unpacking {path.name}", sum(member.file_size for member in members)) \
                as advance:
            for member in members:
                archive.extract(member, target)
                advance(member.file_size)


def _model_root(folder):
    """The folder holding am/ and conf/: the archive's top folder or the folder itself."""
    for candidate in [folder, *sorted(path for path in folder.rglob("*") if path.is_dir())]:
        if (candidate / "am").is_dir() and (candidate / "conf").is_dir():
            return candidate
    raise InstallError("this is not a Vosk model: no am/ and conf/ folders inside")
