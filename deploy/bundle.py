"""`make bundle [VERSION=...] [REF=...]`: build an update bundle on a connected machine.

    python3 -m deploy.bundle [--version V] [--ref REF] [--output dist/kiosk-V.tar]

The bundle (format in bundle_manifest.py) carries everything a kiosk without internet
needs to run a version: the code at REF (git archive), a wheel of every dependency (pip
wheel, which downloads them: this is the step that needs the internet), the voice models
in var/voice-models and the sign-language clip library. Copy it to a USB stick and run
`sudo make update BUNDLE=/media/usb/kiosk-V.tar` on the kiosk (update.py).
"""
import argparse
import datetime
import io
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib
from pathlib import Path

from .bundle_manifest import (FORMAT, MANIFEST, BundleError, check_version, sha256_of,
                              this_python, top_folder)

REPO = Path(__file__).resolve().parent.parent


def default_version(repo, ref):
    """pyproject's version with the commit: `0.1.0+5980b35`, as the heartbeat says it."""
    pyproject = git(repo, "show", f"{ref}:pyproject.toml")
    version = tomllib.loads(pyproject)["project"]["version"]
    return f"{version}+{git(repo, 'rev-parse', '--short', ref).strip()}"


def git(repo, *args):
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                          text=True).stdout


def dependencies(code):
    """The requirement strings the kiosk runs with (pyproject's [project] dependencies;
    the test extras stay out: a kiosk does not run the test suite)."""
    with open(code / "pyproject.toml", "rb") as file:
        return tomllib.load(file)["project"]["dependencies"]


def stage(folder, *, version, repo=REPO, ref="HEAD", wheelhouse=None,
          voice_models=None, clips=None, python=sys.executable):
    """Lay out the bundle's folder `folder/kiosk-VERSION` and return it.

    wheelhouse: a folder of wheels to copy instead of running `pip wheel` (for tests, or a
    wheelhouse prepared beforehand). voice_models, clips: default var/voice-models and
    signlang_videos of `repo` (the clip library as this machine has it, recorded clips
    included)."""
    check_version(version)
    bundle = Path(folder) / top_folder(version)
    code = bundle / "code"
    code.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(repo), "archive", "--format=tar", ref],
                             check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(code, filter="data")
    # The version the running kiosk reports (heartbeat, /health): a release has no .git.
    (code / "VERSION").write_text(version + "\n", encoding="utf-8")

    wheels = bundle / "wheels"
    if wheelhouse is not None:
        shutil.copytree(wheelhouse, wheels)
    else:
        wheels.mkdir()
        log(f"pip wheel: every dependency of {ref} into the wheelhouse")
        subprocess.run([python, "-m", "pip", "wheel", "--quiet", "--wheel-dir", str(wheels),
                        *dependencies(code)], check=True)

    models = Path(voice_models) if voice_models else repo / "var" / "voice-models"
    (bundle / "voice-models").mkdir()
    if models.is_dir():
        for model in sorted(models.iterdir()):
            if model.is_dir():
                shutil.copytree(model, bundle / "voice-models" / model.name, symlinks=False)
    shutil.copytree(Path(clips) if clips else repo / "signlang_videos",
                    bundle / "signlang_videos", symlinks=False)
    return bundle


def write_manifest(bundle, version, ref="HEAD", commit=""):
    """MANIFEST.json: what the bundle is and the sha256 and size of every file in it."""
    files = {}
    for path in sorted(bundle.rglob("*")):
        if path.is_symlink():
            raise BundleError(f"{path} is a symbolic link: a bundle holds only files")
        if path.is_file() and path.relative_to(bundle).as_posix() != MANIFEST:
            with open(path, "rb") as file:
                digest, size = sha256_of(file)
            files[path.relative_to(bundle).as_posix()] = {"sha256": digest, "size": size}
    manifest = {"format": FORMAT, "version": version, "ref": ref, "commit": commit,
                "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
                **this_python(), "files": files}
    (bundle / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True),
                                   encoding="utf-8")
    return manifest


def pack(bundle, output):
    """Tar the bundle's folder into `output` (.tar, or .tar.gz to compress), written under
    a temporary name first so a half-written bundle never carries the real one's name."""
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    mode = "w:gz" if output.name.endswith((".tar.gz", ".tgz")) else "w"

    def as_root(info):      # who built it is nobody's business on the kiosk
        info.uid = info.gid = 0
        info.uname = info.gname = "root"
        return info

    with tarfile.open(partial, mode) as tar:
        tar.add(bundle, arcname=bundle.name, filter=as_root)
    partial.replace(output)
    return output


def build(output, *, version=None, repo=REPO, ref="HEAD", **stage_options):
    """Build the bundle of `ref` at `output`; returns (path, manifest)."""
    version = check_version(version or default_version(repo, ref))
    commit = git(repo, "rev-parse", ref).strip()
    with tempfile.TemporaryDirectory(prefix="kiosk-bundle-") as folder:
        bundle = stage(folder, version=version, repo=repo, ref=ref, **stage_options)
        manifest = write_manifest(bundle, version, ref, commit)
        return pack(bundle, output), manifest


def log(message):
    print(f"bundle: {message}", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", help="default: pyproject's version + the commit")
    parser.add_argument("--ref", default="HEAD", help="the git commit, tag or branch")
    parser.add_argument("--output", help="default: dist/kiosk-VERSION.tar")
    parser.add_argument("--wheelhouse", help="copy these wheels instead of `pip wheel`")
    parser.add_argument("--voice-models", help="default: var/voice-models")
    parser.add_argument("--clips", help="the clip library; default: signlang_videos")
    options = parser.parse_args(argv)
    started = time.monotonic()
    try:
        version = check_version(options.version or default_version(REPO, options.ref))
        output = options.output or REPO / "dist" / f"kiosk-{version}.tar"
        path, manifest = build(output, version=version, ref=options.ref,
                               wheelhouse=options.wheelhouse,
                               voice_models=options.voice_models, clips=options.clips)
    except (BundleError, subprocess.CalledProcessError, OSError) as error:
        sys.exit(f"bundle: cannot build: {error}")
    size = sum(entry["size"] for entry in manifest["files"].values())
    log(f"{path}: version {version}, {len(manifest['files'])} files, "
        f"{path.stat().st_size / 1e6:.1f} MB ({size / 1e6:.1f} MB unpacked), "
        f"for Python {manifest['python']} on {manifest['platform']}, "
        f"in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
