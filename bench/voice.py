"""Voice input with the Korean model: load time, memory, decode time, and accuracy.

    .venv/bin/python bench/voice.py [--no-distractors]

Prints the model load time and resident memory; median and 95th percentile server
decode time for 1 s and 3 s utterances in grammar mode (goal: <= 100 ms median for a
2 s utterance on 2 cores); and recognition accuracy on a generated set: every phrase of
the Korean screen grammars, said by espeak-ng voices at two speeds, clean and with white
noise at 10 dB SNR, decided exactly as /voice/recognise decides.
"""
import array
import random
import resource
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from voice_samples import pcm_of, spoken  # noqa: E402

from kiosk.catalogue import load_catalogue  # noqa: E402
from kiosk.settings import load_settings  # noqa: E402
from kiosk.voice import Voice  # noqa: E402
from kiosk.voice_grammar import DISTRACTORS, decide, screen_grammar, yes_no_grammar  # noqa: E402

VOICES = ["ko", "ko+f2"]
SPEEDS = [130, 170]
SCREENS = {
    "menu": [f"package.{key}" for key in
             ("open_shop", "have_baby", "retire", "hire_employee", "social_security_card",
              "school_admission", "hukou_move", "business_change")] + ["control.build_your_own"],
    "start over?": ["control.yes_start_over", "control.no_go_back"],
}


def with_noise(pcm, snr_db, seed=7):
    samples = array.array("h")
    samples.frombytes(pcm)
    power = sum(sample * sample for sample in samples) / max(1, len(samples))
    noise_sd = (power / (10 ** (snr_db / 10))) ** 0.5
    draw = random.Random(seed)
    noisy = array.array("h", (max(-32768, min(32767, int(sample + draw.gauss(0, noise_sd))))
                              for sample in samples))
    return noisy.tobytes()


def padded(pcm, seconds):
    missing = int(16000 * seconds) * 2 - len(pcm)
    return pcm + bytes(max(0, missing))


def percentile(values, share):
    values = sorted(values)
    return values[max(0, int(len(values) * share) - 1)]


def main(distractors=True):
    settings = load_settings()
    voice = Voice(settings.voice)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    voice.model("ko")
    load_seconds = time.perf_counter() - started
    rss = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    print(f"Korean model: loaded in {load_seconds:.1f} s, {rss:.0f} MB more resident memory")

    catalogue = load_catalogue(settings.catalogue_path)
    knows = lambda word: voice.knows("ko", word)  # noqa: E731
    menu = screen_grammar(SCREENS["menu"], "ko", catalogue, knows)
    menu.add_distractors(DISTRACTORS["ko"])
    for seconds, text in ((1, "네"), (2, "처음부터 다시"), (3, "처음부터 다시 해 주세요")):
        pcm = padded(pcm_of(spoken(text, silence_seconds=0.1)), seconds)[: 16000 * 2 * seconds]
        timings = []
        for _ in range(30):
            begun = time.perf_counter()
            voice.decode("ko", pcm, menu.phrases())
            timings.append((time.perf_counter() - begun) * 1000)
        print(f"decode a {seconds} s utterance (menu grammar, {len(menu.phrases())} phrases): "
              f"median {statistics.median(timings):.0f} ms, p95 {percentile(timings, 0.95):.0f} ms")

    print(f"\naccuracy in grammar mode ({'with' if distractors else 'without'} distractor "
          "words), decided as /voice/recognise decides:")
    print(f"{'screen':<13}{'voice':<7}{'speed':>6} {'noise':<7}{'said':>5}"
          f"{'acted':>7}{'asked':>7}{'refused':>8}{'wrong':>7}")
    accept = settings.voice.accept_confidence
    reject = settings.voice.reject_confidence
    totals = Counter()
    for screen, keys in SCREENS.items():
        grammar = screen_grammar(keys, "ko", catalogue, knows)
        if distractors:
            grammar.add_distractors(DISTRACTORS["ko"])
        for speaker in VOICES:
            for speed in SPEEDS:
                for noise in ("clean", "10 dB"):
                    counts = Counter()
                    for phrase, intent in grammar.entries.items():
                        pcm = pcm_of(spoken(grammar.shown[phrase], voice=speaker, speed=speed))
                        if noise != "clean":
                            pcm = with_noise(pcm, 10)
                        heard = voice.decode("ko", pcm, grammar.phrases())
                        decision = decide(grammar, heard, accept, reject)
                        counts["said"] += 1
                        if decision.kind == "reject":
                            counts["refused"] += 1
                        elif decision.match.intent != intent:
                            counts["wrong"] += 1
                        else:
                            counts["acted" if decision.kind == "accept" else "asked"] += 1
                    totals.update(counts)
                    print(f"{screen:<13}{speaker:<7}{speed:>6} {noise:<7}{counts['said']:>5}"
                          f"{counts['acted']:>7}{counts['asked']:>7}{counts['refused']:>8}"
                          f"{counts['wrong']:>7}")
    share = lambda name: 100 * totals[name] / totals["said"]  # noqa: E731
    print(f"all: {totals['said']} utterances: acted on {share('acted'):.0f}%, asked to confirm "
          f"{share('asked'):.0f}%, refused {share('refused'):.0f}%, wrong {share('wrong'):.0f}%")

    grammar = yes_no_grammar("ko", knows)
    if distractors:
        grammar.add_distractors(DISTRACTORS["ko"])
    strays = ["바나나", "오늘 날씨 좋네요", "전화번호", "학교에 가요", "감사합니다", "퇴직"]
    taken = sum(decide(grammar, voice.decode("ko", pcm_of(spoken(text)), grammar.phrases()),
                       accept, reject).kind != "reject" for text in strays)
    print(f"out-of-grammar speech taken for yes or no: {taken} of {len(strays)}")


if __name__ == "__main__":
    main(distractors="--no-distractors" not in sys.argv)
