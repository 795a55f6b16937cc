"""How well and how fast handwriting (手写) is recognised, before and after normalising strokes.

    .venv/bin/python bench/handwriting.py [SAMPLES]

Over every character in tests/data/handwriting-samples.json (or SAMPLES; by default the
300 most frequent characters, each as the stroke medians of its standard form), prints
top-1 and top-5 accuracy and the median and 95th percentile time per character (from the
strokes to the candidates, perf_counter) for:
  raw       the medians as they are (1024 box, as a resident would draw them full-size);
  fit 90%   bounding box scaled into 90 % of the model's box, centred, 100 even points a
            stroke (the textbook normalisation);
  fit 60%   the same into 60 % of the box, centred a little above the middle;
  shipped   Recogniser.recognise: checked, fitted as above, strokes reduced to corners;
  kiosk     what the kiosk offers: the shipped strokes through the Chinese and the
            Japanese model, fused by reciprocal rank, simplified characters only.
The placement and the corner tolerance were tuned on 200 characters of frequency ranks
1000-1600, none of them in the samples file. Goals: top-5 >= 90 %, p95 <= 100 ms on two
cores.
"""
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kiosk.modes import handwriting  # noqa: E402
from kiosk.modes.input_methods import input_methods  # noqa: E402
from kiosk.settings import DEFAULT_CONFIG, load_settings  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "tests" / "data" / "handwriting-samples.json"
MODEL = "/usr/share/tegaki/models/zinnia/handwriting-zh_CN.model"
TEXTBOOK = {"size": 900, "centre": (500, 500), "tolerance": 0,
            "limit": handwriting.RESAMPLE_POINTS}
LOW = {**TEXTBOOK, "size": handwriting.CHARACTER_SIZE, "centre": handwriting.CENTRE}


def percentile(values, share):
    values = sorted(values)
    return values[max(0, int(len(values) * share) - 1)]


def measure(characters, candidates):
    """(top-1, top-5, timings in ms) of `candidates(strokes)` over every character."""
    first = five = 0
    timings = []
    for character, strokes in characters.items():
        started = time.perf_counter()
        found = candidates(strokes)
        timings.append((time.perf_counter() - started) * 1000)
        first += found[:1] == [character]
        five += character in found[:5]
    return first / len(characters), five / len(characters), timings


def main(samples=SAMPLES):
    data = json.loads(Path(samples).read_text(encoding="utf-8"))
    characters, box = data["characters"], data["width"]
    recogniser = handwriting.Recogniser(MODEL)
    if not recogniser.available:
        sys.exit(f"handwriting unavailable: {recogniser.error}")
    recogniser.recognise([[[0, 0], [1, 1]]], 100, 100)  # the model is mapped in: warm
    kiosk = input_methods(load_settings(DEFAULT_CONFIG).keyboard)["handwriting"]
    kiosk.candidates({"strokes": [[[0, 0], [1, 1]]], "width": 100, "height": 100})

    ways = {
        "raw": lambda strokes: recogniser.classify(strokes, 10, box=box),
        "fit 90%": lambda strokes: recogniser.classify(
            handwriting.normalise(strokes, **TEXTBOOK), 10),
        "fit 60%": lambda strokes: recogniser.classify(
            handwriting.normalise(strokes, **LOW), 10),
        "shipped": lambda strokes: recogniser.recognise(strokes, box, box, 10),
        "kiosk": lambda strokes: kiosk.candidates(
            {"strokes": strokes, "width": box, "height": box})["candidates"],
    }
    print(f"{len(characters)} characters from {Path(samples).name}; model {MODEL}\n")
    print(f"{'strokes':<10}{'top-1':>8}{'top-5':>8}{'median':>10}{'p95':>10}")
    for name, candidates in ways.items():
        first, five, timings = measure(characters, candidates)
        print(f"{name:<10}{first:>8.1%}{five:>8.1%}{statistics.median(timings):>8.1f}ms"
              f"{percentile(timings, 0.95):>8.1f}ms")


if __name__ == "__main__":
    main(*sys.argv[1:])
