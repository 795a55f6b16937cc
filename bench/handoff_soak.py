"""Soak the crash test: kill the kiosk at random moments, many times over, and check that every
reference it showed reached the back office exactly once.

    .venv/bin/python bench/handoff_soak.py [RUNS] [KILLS_PER_RUN]
"""
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from test_handoff_crash import crash_rounds  # noqa: E402


def main(runs=10, kills=8):
    total_shown = total_kills = 0
    for run in range(runs):
        with tempfile.TemporaryDirectory() as folder:
            shown, received = crash_rounds(Path(folder), rounds=kills, seed=run)
        lost = set(shown) - set(received)
        twice = len(received) - len(set(received))
        total_shown += len(shown)
        total_kills += kills
        print(f"run {run + 1}: {kills} kills, {len(shown)} references shown, "
              f"{len(lost)} lost, {twice} stored twice")
        if lost or twice:
            sys.exit("FAILED: a shown reference was lost or stored twice")
    print(f"all {runs} runs: {total_kills} kills, {total_shown} references shown, none lost, "
          "none stored twice")


if __name__ == "__main__":
    main(*(int(value) for value in sys.argv[1:3]))
