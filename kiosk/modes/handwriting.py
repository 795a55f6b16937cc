"""Handwriting input (手写): one character drawn on the pad, recognised by Zinnia through ctypes.

No Flask here. Zinnia has no Python binding on PyPI, so this module binds the few
functions of its C API it needs (zinnia.h) and frees every object it makes. Strokes
come from a browser canvas in any box size; they are checked, normalised into the box
the model was trained in (see `normalise`) and classified.
"""
import ctypes
import functools
import heapq
import logging
import math
import os
import threading
import weakref

from ..errors import KioskError

log = logging.getLogger(__name__)

# Zinnia divides every point by the box it is given; the tegaki model expects a 1000 box
# (tegaki's default writing size: the .meta file names none).
MODEL_BOX = 1000
# Where the character goes in that box: its bounding box is scaled, aspect kept, to fit a
# square of CHARACTER_SIZE centred on CENTRE. Measured, not guessed (tuned on characters
# outside the benchmark set; see bench/handwriting.py): the model answers best for a
# character filling about 60 % of its box, a little above the middle. Its training data
# are not published with it, so this is the only way to know.
CHARACTER_SIZE = 600
CENTRE = (500, 460)
# A stroke is simplified to its corners: wiggles smaller than this (in model units) go,
# so finger jitter and the little entry and exit flicks of a stroke do not count as
# corners. Zinnia's own corner test is 32 units; a little more than that measured best.
SIMPLIFY = 50
# Zinnia splits each stroke recursively at corners and indexes the pieces 2^depth deep,
# so a stroke with hundreds of corners could make it allocate without bound. Each stroke
# is resampled to RESAMPLE_POINTS evenly spaced points (which also bounds the work
# here) and then keeps at most MAX_CORNERS of them.
RESAMPLE_POINTS = 100
MAX_CORNERS = 16

MAX_STROKES = 40
MAX_POINTS_IN_STROKE = 1000
MAX_POINTS_IN_ALL = 8000
SIZE_RANGE = (50, 4000)
MAX_CANDIDATES = 50


class HandwritingUnavailable(KioskError, RuntimeError):
    """Zinnia or its Chinese model is missing: the kiosk hides the pad and says so."""


class BadStrokes(KioskError, ValueError):
    """The posted strokes are malformed or hostile; `code` is a short reason."""

    def __init__(self, code, detail=""):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code


def _number(value, low, high, code, range_code="out-of-range"):
    # bool is an int in Python, but true/false is never a coordinate.
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise BadStrokes(code, f"{type(value).__name__} is not a number")
    if isinstance(value, float) and not math.isfinite(value):
        raise BadStrokes(code, "not finite")
    if not low <= value <= high:  # compared before float(): 10**400 must not overflow
        raise BadStrokes(range_code, f"{value!r} outside {low}..{high}")
    return float(value)


def check_size(width, height):
    """The pad's width and height as floats, or BadStrokes("bad-size")."""
    return tuple(_number(side, *SIZE_RANGE, "bad-size", "bad-size") for side in (width, height))


def check_strokes(raw, width, height):
    """Validate JSON-decoded strokes; return them as lists of (x, y) float pairs."""
    width, height = check_size(width, height)
    if not isinstance(raw, list):
        raise BadStrokes("not-a-list", "strokes must be a list")
    if not raw:
        raise BadStrokes("no-strokes")
    if len(raw) > MAX_STROKES:
        raise BadStrokes("too-many-strokes", f"{len(raw)} > {MAX_STROKES}")
    total, strokes = 0, []
    for stroke in raw:
        if not isinstance(stroke, list):
            raise BadStrokes("not-a-list", "each stroke must be a list of points")
        if not stroke:
            raise BadStrokes("empty-stroke")
        if len(stroke) > MAX_POINTS_IN_STROKE:
            raise BadStrokes("too-many-points", f"{len(stroke)} in one stroke")
        total += len(stroke)
        if total > MAX_POINTS_IN_ALL:
            raise BadStrokes("too-many-points", f"more than {MAX_POINTS_IN_ALL} in all")
        points = []
        for point in stroke:
            if not isinstance(point, list) or len(point) != 2:
                raise BadStrokes("not-a-point", "a point is a list [x, y]")
            points.append((_number(point[0], -width, 2 * width, "not-a-number"),
                           _number(point[1], -height, 2 * height, "not-a-number")))
        strokes.append(points)
    return strokes


def _resample(stroke, count):
    """The stroke as `count` points evenly spaced along its length (a tap stays one point)."""
    lengths = [math.dist(a, b) for a, b in zip(stroke, stroke[1:])]
    total = sum(lengths)
    if total == 0:
        return [stroke[0]]
    step, points = total / (count - 1), [stroke[0]]
    walked, segment = 0.0, 0
    for index in range(1, count - 1):
        target = index * step
        while segment < len(lengths) - 1 and walked + lengths[segment] < target:
            walked += lengths[segment]
            segment += 1
        share = (target - walked) / lengths[segment] if lengths[segment] else 0.0
        (x0, y0), (x1, y1) = stroke[segment], stroke[segment + 1]
        points.append((x0 + (x1 - x0) * share, y0 + (y1 - y0) * share))
    points.append(stroke[-1])
    return points


def _farthest(points, first, last):
    """(distance, index) of the point between first and last farthest from their chord."""
    (x0, y0), (x1, y1) = points[first], points[last]
    dx, dy = x1 - x0, y1 - y0
    chord = math.hypot(dx, dy)
    best = (-1.0, first)
    for index in range(first + 1, last):
        x, y = points[index]
        away = (abs(dx * (y - y0) - dy * (x - x0)) / chord if chord
                else math.hypot(x - x0, y - y0))
        best = max(best, (away, index))
    return best


def _corners(points, tolerance, limit):
    """The stroke's corners: Douglas-Peucker, deepest corner first, at most `limit` points."""
    if len(points) <= 2:
        return points
    last = len(points) - 1
    kept = {0, last}
    away, index = _farthest(points, 0, last)
    pending = [(-away, index, 0, last)]
    while pending and len(kept) < limit:
        away, index, first, last = heapq.heappop(pending)
        if -away <= tolerance:
            break
        kept.add(index)
        for a, b in ((first, index), (index, last)):
            if b - a > 1:
                deeper, at = _farthest(points, a, b)
                heapq.heappush(pending, (-deeper, at, a, b))
    return [points[index] for index in sorted(kept)]


def normalise(strokes, size=CHARACTER_SIZE, centre=CENTRE,
              tolerance=SIMPLIFY, limit=MAX_CORNERS):
    """Strokes placed where the model expects a character, each reduced to its corners.

    A resident may write small, large or off-centre on a pad of any size, and a finger
    leaves many uneven points with some jitter. So the character's bounding box is
    scaled to a fixed square, keeping its aspect ratio (一 stays flat), and centred;
    then each stroke is resampled evenly (fast and slow parts alike) and simplified to
    the corners that matter, so the shape decides and not the speed or the tremor.
    """
    xs = [x for stroke in strokes for x, _ in stroke]
    ys = [y for stroke in strokes for _, y in stroke]
    width, height = max(xs) - min(xs), max(ys) - min(ys)
    scale = size / max(width, height) if max(width, height) else 1.0
    dx = centre[0] - (min(xs) + width / 2) * scale
    dy = centre[1] - (min(ys) + height / 2) * scale
    placed = []
    for stroke in strokes:
        points = _resample([(x * scale + dx, y * scale + dy) for x, y in stroke],
                           RESAMPLE_POINTS)
        placed.append([(round(x), round(y)) for x, y in _corners(points, tolerance, limit)])
    return placed


@functools.lru_cache(maxsize=None)
def _bind(library):
    """Load libzinnia and declare the C signatures this module calls (from zinnia.h)."""
    lib = ctypes.CDLL(library)
    pointer, size_t, integer = ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int
    signatures = {
        "zinnia_recognizer_new": (pointer, []),
        "zinnia_recognizer_open": (integer, [pointer, ctypes.c_char_p]),
        "zinnia_recognizer_strerror": (ctypes.c_char_p, [pointer]),
        "zinnia_recognizer_destroy": (None, [pointer]),
        "zinnia_recognizer_classify": (pointer, [pointer, pointer, size_t]),
        "zinnia_character_new": (pointer, []),
        "zinnia_character_set_width": (None, [pointer, size_t]),
        "zinnia_character_set_height": (None, [pointer, size_t]),
        "zinnia_character_add": (integer, [pointer, size_t, integer, integer]),
        "zinnia_character_destroy": (None, [pointer]),
        "zinnia_result_size": (size_t, [pointer]),
        # c_char_p copies the string out, so nothing points into a freed result.
        "zinnia_result_value": (ctypes.c_char_p, [pointer, size_t]),
        "zinnia_result_destroy": (None, [pointer]),
    }
    for name, (restype, argtypes) in signatures.items():
        function = getattr(lib, name)
        function.restype, function.argtypes = restype, argtypes
    return lib


class Recogniser:
    """Zinnia with one model, loaded on first use and shared by every thread."""

    def __init__(self, model_path, library="libzinnia.so.0"):
        self.model_path = str(model_path)
        self.library = library
        self.error = None
        self._lib = self._recognizer = None
        self._loaded = False
        # One lock for loading, classifying and closing. zinnia.h promises nothing about
        # threads, and ctypes lets go of the GIL during every call: classify only reads
        # the memory-mapped model, but close() unmaps it, so without the lock a close
        # (or a second load) could pull the model from under a running classification.
        # A classification takes about 10 ms and the kiosk has two cores, so a resident
        # waiting a moment behind another is not noticeable, and a burst of requests
        # cannot take both cores from the web server.
        self._lock = threading.Lock()

    @property
    def available(self):
        """Whether the library and the model load (tried once, then remembered)."""
        with self._lock:
            self._load()
            return self._recognizer is not None

    def _load(self):
        if self._loaded:
            return
        self._loaded = True
        try:
            lib = _bind(self.library)
        except (OSError, AttributeError) as error:
            self.error = f"Zinnia library {self.library} not loadable: {error}"
            log.warning("handwriting unavailable: %s", self.error)
            return
        recognizer = lib.zinnia_recognizer_new()
        if not lib.zinnia_recognizer_open(recognizer, os.fsencode(self.model_path)):
            reason = (lib.zinnia_recognizer_strerror(recognizer) or b"").decode(errors="replace")
            lib.zinnia_recognizer_destroy(recognizer)
            self.error = f"Zinnia model {self.model_path} not loadable: {reason}"
            log.warning("handwriting unavailable: %s", self.error)
            return
        self._lib, self._recognizer = lib, recognizer
        self._finalizer = weakref.finalize(self, lib.zinnia_recognizer_destroy, recognizer)

    def close(self):
        """Free the model now (it is freed with the Recogniser otherwise)."""
        with self._lock:
            self._loaded, self.error = True, "closed"
            if self._recognizer is not None:
                self._finalizer()
                self._recognizer = None

    def recognise(self, strokes, width, height, limit=10):
        """Up to `limit` candidate characters, best first, for strokes in canvas coordinates."""
        checked = check_strokes(strokes, width, height)
        if not (type(limit) is int and 1 <= limit <= MAX_CANDIDATES):  # bool is no limit
            raise BadStrokes("bad-limit", f"limit must be 1..{MAX_CANDIDATES}")
        return self.classify(normalise(checked), limit)

    def classify(self, strokes, limit=10, box=MODEL_BOX):
        """Candidates for strokes already in a `box` square: not checked, not normalised.

        For the benchmark and for callers that prepared the strokes themselves; input
        from outside goes through `recognise`.
        """
        with self._lock:
            self._load()
            if self._recognizer is None:
                raise HandwritingUnavailable(self.error)
            return self._classify(strokes, limit, box)

    def _classify(self, strokes, limit, box):
        lib = self._lib
        character = lib.zinnia_character_new()
        try:
            lib.zinnia_character_set_width(character, box)
            lib.zinnia_character_set_height(character, box)
            # Zinnia resizes its stroke list to index + 1 on every add: strokes must be
            # added in order, each complete before the next.
            for index, stroke in enumerate(strokes):
                for x, y in stroke:
                    lib.zinnia_character_add(character, index, int(x), int(y))
            result = lib.zinnia_recognizer_classify(self._recognizer, character, limit)
        finally:
            lib.zinnia_character_destroy(character)
        if not result:  # Zinnia returns NULL for a character it cannot read
            return []
        try:
            count = lib.zinnia_result_size(result)
            return [lib.zinnia_result_value(result, i).decode("utf-8") for i in range(count)]
        finally:
            lib.zinnia_result_destroy(result)
