"""How fast read aloud is: cold synthesis, cached serving, and warming the whole catalogue.

    .venv/bin/python bench/speech.py [SAMPLES]

Prints the median and 95th percentile time to synthesise a short prompt that is not yet
cached (through the one pyttsx3 worker, per language), the median server time to serve a
cached prompt over the WSGI app, and the time to warm every prompt in every language at
both rates into an empty cache. Goals: cached <= 5 ms, cold short prompt <= 100 ms
median, full warm-up under a minute on 2 cores.
"""
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from kiosk import create_app
from kiosk.prompts import speech_jobs
from kiosk.speech import warm_in_processes

SHORT_PROMPTS = {"zh": "第{}项服务", "en": "Service number {}", "ko": "{}번 서비스"}


def percentile(values, share):
    values = sorted(values)
    return values[max(0, int(len(values) * share) - 1)]


def main(samples=60):
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"KIOSK_OVERRIDES": {
            "database.path": str(Path(folder) / "kiosk.db"),
            "speech.cache_dir": str(Path(folder) / "cache"), "speech.warm_at_start": "no"}})
        services = app.extensions["kiosk"]
        speech = services.speech
        if not speech.available():
            sys.exit(f"speech unavailable: {speech.engine.error if speech.engine else 'disabled'}")

        print(f"cold synthesis of a short prompt ({samples} different prompts per language):")
        for language, pattern in SHORT_PROMPTS.items():
            timings = []
            for number in range(samples):
                started = time.perf_counter()
                speech.prompt_audio(pattern.format(number + 1000), language)
                timings.append((time.perf_counter() - started) * 1000)
            print(f"  {language}: median {statistics.median(timings):6.1f} ms, "
                  f"p95 {percentile(timings, 0.95):6.1f} ms")

        client = app.test_client()
        url = "/speech/zh/normal/screen.home.wav"
        client.get(url)
        timings = []
        for _ in range(samples * 5):
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
            response.close()
        print(f"cached prompt served: median {statistics.median(timings):.2f} ms, "
              f"p95 {percentile(timings, 0.95):.2f} ms")

    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"KIOSK_OVERRIDES": {
            "database.path": str(Path(folder) / "kiosk.db"),
            "speech.cache_dir": str(Path(folder) / "cache"), "speech.warm_at_start": "no"}})
        services = app.extensions["kiosk"]
        jobs = list(speech_jobs(services.prompts))
        started = time.perf_counter()
        made = warm_in_processes(services.speech.settings, jobs)
        seconds = time.perf_counter() - started
        services.speech.cache.recount()
        print(f"full warm-up: {made} prompts ({len(services.prompts.keys(errors=False))} keys x 3 languages "
              f"x 2 rates) in {seconds:.1f} s with {os.cpu_count()} processes, "
              f"{services.speech.cache.size / 1e6:.0f} MB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 60)
