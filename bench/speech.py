"""How fast read aloud is: cold synthesis, cached serving, and warming the whole catalogue.

    .venv/bin/python bench/speech.py [SAMPLES] [opus|wav] [PROCESSES]

Prints the median and 95th percentile time to synthesise a short prompt that is not yet
cached (through the one pyttsx3 worker, per language), the median server time to serve a
cached prompt over the WSGI app, and the time to warm every prompt in every language at
both rates into an empty cache, and the cache's size. The second argument is the cache's
format (kiosk.ini [speech] cache_format, opus by default: run it with wav for the figures
from before Opus); the third, the warm-up's processes (two per core, as the kiosk runs
it). Goals: cached <= 5 ms, cold short prompt <= 100 ms median, full warm-up under a
minute on 2 cores, the whole cache <= 100 MB.
"""
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from kiosk import create_app
from kiosk.prompts import speech_jobs
from kiosk.speech import warm_in_processes, warm_processes

SHORT_PROMPTS = {"zh": "第{}项服务", "en": "Service number {}", "ko": "{}번 서비스"}


def percentile(values, share):
    values = sorted(values)
    return values[max(0, int(len(values) * share) - 1)]


def kiosk(folder, cache_format):
    return create_app({"KIOSK_OVERRIDES": {
        "database.path": str(Path(folder) / "kiosk.db"), "speech.cache_format": cache_format,
        "speech.cache_max_mb": "100000",   # the whole catalogue, whatever kiosk.ini allows
        "speech.cache_dir": str(Path(folder) / "cache"), "speech.warm_at_start": "no"}})


def main(samples=60, cache_format="opus", processes=None):
    with tempfile.TemporaryDirectory() as folder:
        app = kiosk(folder, cache_format)
        services = app.extensions["kiosk"]
        speech = services.speech
        if not speech.available():
            sys.exit(f"speech unavailable: {speech.engine.error if speech.engine else 'disabled'}")
        print(f"cache format: {speech.format.name} ({speech.format.mimetype})"
              + (f", Opus unavailable: {speech.format_problem}" if speech.format_problem else ""))

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
        url = f"/speech/zh/normal/screen.home.{speech.format.extension}"
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
        app = kiosk(folder, cache_format)
        services = app.extensions["kiosk"]
        jobs = list(speech_jobs(services.prompts))
        processes = processes or warm_processes()
        started = time.perf_counter()
        cpu = _children_cpu()
        made = warm_in_processes(services.speech.settings, jobs, processes)
        seconds = time.perf_counter() - started
        cpu = _children_cpu() - cpu
        services.speech.cache.recount()
        print(f"full warm-up: {made} prompts ({len(services.prompts.keys(errors=False))} keys x 3 languages "
              f"x 2 rates) in {seconds:.1f} s ({cpu:.0f} s of CPU) with {processes} processes, "
              f"{services.speech.cache.size / 1e6:.1f} MB as {services.speech.format.name}")


def _children_cpu():
    """CPU seconds used by this process's finished children (the warm-up's workers)."""
    usage = os.times()
    return usage.children_user + usage.children_system


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 60,
         sys.argv[2] if len(sys.argv) > 2 else "opus",
         int(sys.argv[3]) if len(sys.argv) > 3 else None)
