"""How long accepting a voice model takes: the load check in a separate process
(kiosk.voice.check_model), beside loading the same model in this process.

    .venv/bin/python bench/voice_model_check.py [ROUNDS]

For every installed model (kiosk.ini), and for broken copies of the Korean model (cut
short: Kaldi raises; scrambled graph: Kaldi crashes the process), prints the median and
slowest wall time of the check, and the time and memory of one in-process load. The check
runs once per model at install, at start-up (before the in-process load) and for each
model in `flask voice list`.
"""
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from voice_models import korean_model_copy  # noqa: E402

from kiosk.settings import DEFAULT_CONFIG, load_settings  # noqa: E402
from kiosk.voice import Voice, VoiceFailed, check_model  # noqa: E402


def timed_checks(path, language, rounds):
    times, verdict = [], "accepted"
    for _ in range(rounds):
        started = time.perf_counter()
        try:
            check_model(path, language)
        except VoiceFailed as error:
            verdict = f"refused: {str(error)[:70]}"
        times.append(time.perf_counter() - started)
    return times, verdict


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    voice = Voice(load_settings(DEFAULT_CONFIG).voice)
    models = [(language, voice.model_path(language)) for language in voice.settings.models]
    models = [(language, path) for language, path in models if path]
    with tempfile.TemporaryDirectory() as work:
        for breakage in ("truncated", "scrambled graph"):
            broken = korean_model_copy(Path(work) / breakage.replace(" ", "-"), breakage)
            models.append(("ko", broken))
        models.append(("en", models[0][1]))  # a model for another language
        print(f"check in a separate process, {rounds} rounds (median / slowest):")
        for language, path in models:
            times, verdict = timed_checks(path, language, rounds)
            print(f"  {language} {Path(path).parent.name}/{Path(path).name}: "
                  f"{statistics.median(times):.2f} s / {max(times):.2f} s  {verdict}")
        child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"  largest check process: {child:.0f} MB peak RSS")
    import vosk
    vosk.SetLogLevel(-2)
    for language in voice.settings.models:
        path = voice.model_path(language)
        if path:
            started = time.perf_counter()
            vosk.Model(str(path))
            print(f"in-process load {language}: {time.perf_counter() - started:.2f} s, "
                  f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
