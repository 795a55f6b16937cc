"""How long the studio's clip check takes: ffprobe, then decoding the whole clip with ffmpeg.

    .venv/bin/python bench/clip_check.py [CLIP ...]

Makes clips like the studio's (VP8 WebM without a duration in its header, as Chromium's
MediaRecorder writes them; and H.264 MP4 as a phone exports them), 3 and 30 seconds long,
then prints the median of three runs of signs.probe (the whole check) and of the decode alone
(wall time, perf_counter). CLIP files given on the command line are timed as well, e.g. a
real recording from the studio. The decode must stay far inside signs.DECODE_SECONDS.
"""
import importlib
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# By module path: the package's `signs` attribute is the blueprint module of the same name.
signs = importlib.import_module("kiosk.signs")
KINDS = {   # name: (size, ffmpeg output options)
    "VP8 WebM 640x480": ("640x480", ["-c:v", "libvpx", "-b:v", "1M", "-deadline", "realtime",
                                     "-cpu-used", "8", "-f", "webm", "-live", "1"]),
    "VP8 WebM 1280x720": ("1280x720", ["-c:v", "libvpx", "-b:v", "2500k", "-deadline",
                                       "realtime", "-cpu-used", "8", "-f", "webm", "-live", "1"]),
    "H.264 MP4 1280x720": ("1280x720", ["-c:v", "libx264", "-preset", "veryfast",
                                        "-pix_fmt", "yuv420p", "-b:v", "2500k"]),
}


def make(folder, name, size, options, seconds):
    suffix = ".mp4" if "MP4" in name else ".webm"
    path = Path(folder) / f"{name.replace(' ', '_')}_{seconds}s{suffix}"
    subprocess.run(["ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i",
                    f"testsrc2=size={size}:rate=30:duration={seconds}", *options, str(path)],
                   check=True)
    return path


def median_seconds(action, runs=3):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def report(label, path):
    checked = signs.probe(path)
    whole = median_seconds(lambda: signs.probe(path))
    decode = median_seconds(lambda: signs._decode(path, None))
    print(f"{label:32} {checked['duration']:6.1f} s {path.stat().st_size / 1e6:6.2f} MB"
          f"   check {whole:5.2f} s   decode alone {decode:5.2f} s")


def main(extra):
    print(f"{'clip':32} {'length':>8} {'size':>9}")
    with tempfile.TemporaryDirectory() as folder:
        for name, (size, options) in KINDS.items():
            for seconds in (3, 30):
                report(f"{name}, {seconds} s", make(folder, name, size, options, seconds))
    for path in extra:
        report(Path(path).name, Path(path))


if __name__ == "__main__":
    main(sys.argv[1:])
