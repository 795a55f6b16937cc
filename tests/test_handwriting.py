"""Handwriting input: strokes from the pad in, Zinnia's candidate characters out."""
import ctypes
import json
import math
import random
import threading
import time
from pathlib import Path

import pytest

from kiosk.modes.handwriting import (MAX_CORNERS, BadStrokes, HandwritingUnavailable,
                                     Recogniser, check_strokes, normalise)

SAMPLES = Path(__file__).resolve().parent / "data" / "handwriting-samples.json"
MODEL = Path("/usr/share/tegaki/models/zinnia/handwriting-zh_CN.model")
BOX = 1024  # the samples' canvas


def zinnia_installed():
    try:
        ctypes.CDLL("libzinnia.so.0")
    except OSError:
        return False
    return MODEL.exists()


needs_zinnia = pytest.mark.skipif(
    not zinnia_installed(),
    reason="Debian packages libzinnia0 and tegaki-zinnia-simplified-chinese are not installed")


@pytest.fixture(scope="module")
def samples():
    return json.loads(SAMPLES.read_text(encoding="utf-8"))["characters"]


@pytest.fixture(scope="module")
def recogniser():
    recogniser = Recogniser(MODEL)
    yield recogniser
    recogniser.close()


def moved(strokes, scale, left, top):
    return [[[left + x * scale, top + y * scale] for x, y in stroke] for stroke in strokes]


def as_finger(strokes, seed):
    """The strokes as a finger leaves them: many points, bunched where it slows, a tremor."""
    rng = random.Random(seed)
    drawn = []
    for stroke in strokes:
        points = []
        for (x0, y0), (x1, y1) in zip(stroke, stroke[1:]):
            steps = rng.randint(3, 25)
            for step in range(steps):
                share = (step / steps) ** 2
                points.append([x0 + (x1 - x0) * share + rng.uniform(-6, 6),
                               y0 + (y1 - y0) * share + rng.uniform(-6, 6)])
        points.append(list(stroke[-1]))
        drawn.append(points)
    return drawn


def test_samples_carry_their_source_and_licence():
    data = json.loads(SAMPLES.read_text(encoding="utf-8"))
    assert "hanzi-writer-data" in data["source"] and "Arphic" in data["licence"]
    assert len(data["characters"]) >= 200
    assert SAMPLES.with_name("handwriting-samples.LICENSE.txt").exists()


@needs_zinnia
@pytest.mark.parametrize("character", "一人大中国明王我的是在口")
def test_a_common_character_is_among_the_first_five_candidates(recogniser, samples, character):
    assert character in recogniser.recognise(samples[character], BOX, BOX)[:5]


@needs_zinnia
@pytest.mark.parametrize("character", "国明我")
def test_a_character_drawn_small_and_off_centre_gets_the_same_candidates(
        recogniser, samples, character):
    small = moved(samples[character], scale=0.15, left=250, top=120)  # in a 400×300 pad
    found = recogniser.recognise(small, 400, 300)
    assert found[:5] == recogniser.recognise(samples[character], BOX, BOX)[:5]
    assert found[0] == character


@needs_zinnia
@pytest.mark.parametrize("character", "人中国的是")
def test_finger_strokes_with_uneven_speed_and_tremor_are_recognised(
        recogniser, samples, character):
    drawn = as_finger(samples[character], seed=character)
    assert sum(map(len, drawn)) > 3 * sum(map(len, samples[character]))
    assert character in recogniser.recognise(drawn, BOX, BOX)[:5]


@needs_zinnia
def test_limit_caps_the_number_of_candidates(recogniser, samples):
    assert len(recogniser.recognise(samples["人"], BOX, BOX, limit=5)) == 5
    assert len(recogniser.recognise(samples["人"], BOX, BOX, limit=30)) == 30


@needs_zinnia
def test_a_single_tap_and_a_stroke_that_never_moves_are_answered_without_error(recogniser):
    assert isinstance(recogniser.recognise([[[100, 100]]], 300, 300), list)
    assert isinstance(recogniser.recognise([[[5, 5]] * 50, [[9, 9]]], 300, 300), list)


def spiral(points):
    """A stroke that winds outwards ever faster: unchecked, Zinnia spends seconds and
    gigabytes splitting one like it (330 points: 18 s and 8 GB here)."""
    return [[500 + 1.2 ** (33 * t / points) * math.cos(t / 3),
             500 + 1.2 ** (33 * t / points) * math.sin(t / 3)] for t in range(points)]


@needs_zinnia
def test_spiral_strokes_of_the_most_points_allowed_are_answered_quickly(recogniser):
    strokes = [spiral(200)] * 40
    assert max(map(len, normalise(check_strokes(strokes, 1000, 1000)))) <= MAX_CORNERS
    started = time.perf_counter()
    recogniser.recognise(strokes, 1000, 1000)
    assert time.perf_counter() - started < 2


@needs_zinnia
def test_recognitions_from_many_threads_agree_with_one_at_a_time(recogniser, samples):
    characters = list(samples)[:40]
    expected = {c: recogniser.recognise(samples[c], BOX, BOX) for c in characters}
    found, errors = {}, []

    def work(share):
        try:
            for c in characters[share::4]:
                found[c] = recogniser.recognise(samples[c], BOX, BOX)
        except Exception as error:  # reported below, in the test's own thread
            errors.append(error)

    threads = [threading.Thread(target=work, args=(share,)) for share in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and found == expected


def test_normalising_fills_the_same_square_whatever_the_pad():
    a = normalise([[(0, 0), (100, 0)], [(50, -20), (50, 80)]])
    b = normalise([[(10, 10), (30, 10)], [(20, 6), (20, 26)]])
    assert a == b
    xs = [x for stroke in a for x, _ in stroke]
    ys = [y for stroke in a for _, y in stroke]
    assert max(xs) - min(xs) == 600 and 0 < min(ys) < max(ys) < 1000


def test_normalising_keeps_a_flat_stroke_flat():
    [[(x0, y0), (x1, y1)]] = normalise([[(10, 50), (90, 52)]])
    assert x1 - x0 == 600 and abs(y1 - y0) <= 20


def test_valid_strokes_come_back_as_float_pairs():
    assert check_strokes([[[1, 2], [3.5, 4]], [[0, 0]]], 100, 100) == \
        [[(1.0, 2.0), (3.5, 4.0)], [(0.0, 0.0)]]


def nested(depth):
    value = [1, 2]
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize("raw, width, height, code", [
    ({"strokes": []}, 300, 300, "not-a-list"),
    ("[[[1, 2]]]", 300, 300, "not-a-list"),
    (None, 300, 300, "not-a-list"),
    ([], 300, 300, "no-strokes"),
    ([[]], 300, 300, "empty-stroke"),
    ([[[1, 2]], "stroke"], 300, 300, "not-a-list"),
    ([[1, 2]], 300, 300, "not-a-point"),
    ([[[1, 2, 3]]], 300, 300, "not-a-point"),
    ([[{"x": 1, "y": 2}]], 300, 300, "not-a-point"),
    ([[[[1, 2]]]], 300, 300, "not-a-point"),
    ([[[[1], [2]]]], 300, 300, "not-a-number"),
    (nested(10000), 300, 300, "not-a-point"),
    ([[[True, 2]]], 300, 300, "not-a-number"),
    ([[[1, False]]], 300, 300, "not-a-number"),
    ([[["1", 2]]], 300, 300, "not-a-number"),
    ([[[None, 2]]], 300, 300, "not-a-number"),
    ([[[float("nan"), 2]]], 300, 300, "not-a-number"),
    ([[[1, float("inf")]]], 300, 300, "not-a-number"),
    ([[[10 ** 400, 2]]], 300, 300, "out-of-range"),
    ([[[1e308, 2]]], 300, 300, "out-of-range"),
    ([[[-301, 2]]], 300, 300, "out-of-range"),
    ([[[1, 601]]], 300, 300, "out-of-range"),
    ([[[1, 2]]] * 41, 300, 300, "too-many-strokes"),
    ([[[1, 2]] * 1001], 300, 300, "too-many-points"),
    ([[[1, 2]] * 1000] * 9, 300, 300, "too-many-points"),
    ([[[1, 2]]], True, 300, "bad-size"),
    ([[[1, 2]]], 300, "300", "bad-size"),
    ([[[1, 2]]], float("nan"), 300, "bad-size"),
    ([[[1, 2]]], 10, 300, "bad-size"),
    ([[[1, 2]]], 300, 10 ** 9, "bad-size"),
])
def test_hostile_or_malformed_strokes_are_refused_with_a_reason(raw, width, height, code):
    with pytest.raises(BadStrokes) as refused:
        check_strokes(raw, width, height)
    assert refused.value.code == code


@pytest.mark.parametrize("limit", [0, 51, True, 2.0, "5"])
def test_a_strange_limit_is_refused(limit):
    with pytest.raises(BadStrokes) as refused:
        Recogniser(MODEL).recognise([[[1, 2]]], 300, 300, limit=limit)
    assert refused.value.code == "bad-limit"


def test_without_the_library_handwriting_is_unavailable_and_says_why():
    recogniser = Recogniser(MODEL, library="libzinnia-not-installed.so.0")  # raises nothing
    assert not recogniser.available
    assert "libzinnia-not-installed.so.0" in recogniser.error
    with pytest.raises(HandwritingUnavailable):
        recogniser.recognise([[[1, 2], [50, 60]]], 300, 300)


@needs_zinnia
@pytest.mark.parametrize("content", [None, b"", b"not a zinnia model" * 100])
def test_without_a_readable_model_handwriting_is_unavailable(tmp_path, content):
    model = tmp_path / "handwriting-zh_CN.model"
    if content is not None:
        model.write_bytes(content)
    recogniser = Recogniser(model)
    assert not recogniser.available
    assert str(model) in recogniser.error
    with pytest.raises(HandwritingUnavailable):
        recogniser.recognise([[[1, 2], [50, 60]]], 300, 300)


@needs_zinnia
def test_a_closed_recogniser_refuses_politely(samples):
    recogniser = Recogniser(MODEL)
    assert recogniser.recognise(samples["人"], BOX, BOX)
    recogniser.close()
    with pytest.raises(HandwritingUnavailable):
        recogniser.recognise(samples["人"], BOX, BOX)
