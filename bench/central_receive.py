"""Fifty kiosks posting submissions at once to one central back office, over real HTTP.

    .venv/bin/python bench/central_receive.py [--database postgresql|sqlite|both]
        [--kiosks 50] [--each 40] [--workers 4] [--threads 1] [--pace 0.5]

The back office runs under gunicorn (WORKERS processes) with a kiosk.ini of its own whose
[backoffice] database is a throwaway PostgreSQL cluster on loopback, or a SQLite file.
Each simulated kiosk has its own kiosk id and references and posts EACH submissions one
after another, as a kiosk's outbox does (kiosk.handoff payload, body_of and signed_headers
with its own key from the centre's register; a new connection per post, as urllib does), spread
over client processes so the clients' own GIL does not time the server. Three phases:

- paced: every kiosk posts, then waits a random 0..2*PACE seconds (a busy district:
  with PACE 0.5 the fifty kiosks send about 100 a second, far more than residents make);
- burst: all kiosks post at the same instant, ROUNDS times (the worst moment);
- flat out: all kiosks post back to back with no pause (throughput; latency is queueing).

One in ten submissions is posted again later (a retry after a lost answer), and pairs of
the same submission are posted at the same instant (a retry crossing a slow answer):
each must be stored once. At the end the inbox must hold exactly the distinct
submissions posted, each with one "received" audit entry: 0 lost, 0 duplicated.
"""
import argparse
import datetime
import json
import multiprocessing
import os
import random
import statistics
import tempfile
import threading
import time
import urllib.error
import urllib.request

from central_back_office import (ROOT, central_ini, database_url, gunicorn,
                                 percentile)

from kiosk.backoffice import tables  # noqa: E402
from kiosk.backoffice.database import Database  # noqa: E402
from kiosk.catalogue import load_catalogue  # noqa: E402
from kiosk.backoffice.database import Database  # noqa: E402
from kiosk.backoffice.kiosk_register import KioskRegister  # noqa: E402
from kiosk.handoff import body_of, payload, signed_headers  # noqa: E402
from kiosk.references import new_reference  # noqa: E402
from kiosk.settings import UNAMBIGUOUS_ALPHABET  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

PATH = "/backoffice/api/submissions"
ZONE = datetime.timezone(datetime.timedelta(hours=8))


def kiosk_ids(count):
    """COUNT distinct kiosk ids: K22, K23, ... (the unambiguous alphabet)."""
    letters = UNAMBIGUOUS_ALPHABET
    return [f"K{letters[n // len(letters)]}{letters[n % len(letters)]}" for n in range(count)]


def submissions(kiosk_id, count, catalogue, rng):
    """COUNT signed-ready bodies of kiosk.submission/1 from one kiosk: (reference, body)."""
    packages = [package for package in catalogue.packages.values()]
    made, seen = [], set()
    when = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=ZONE)
    while len(made) < count:
        reference = new_reference(kiosk_id, when)
        if reference in seen:
            continue
        seen.add(reference)
        package = rng.choice(packages)
        items = [entry.item for entry in package.items][:3] or list(catalogue.items)[:1]
        record = {
            "reference": reference, "kiosk_id": kiosk_id, "created": when.isoformat(),
            "language": rng.choice(["zh", "en", "ko"]), "modes": [],
            "package": {"key": package.key, "title": package.title.in_language("en"),
                        "title_zh": package.title["zh"]},
            "items": [{"key": key, "title": catalogue.items[key].title.in_language("en"),
                       "title_zh": catalogue.items[key].title["zh"],
                       "department": catalogue.items[key].department} for key in items],
            "answers": {"applicant_name": "Jane Smith",
                        "applicant_id_number": f"E{rng.randrange(10**7, 10**8)}",
                        "applicant_phone": f"139 {rng.randrange(10**8):08d}"},
            "documents": [], "eligibility": {"answers": {}, "not_eligible": []}}
        made.append((reference, body_of(payload(record, catalogue))))
        when += datetime.timedelta(seconds=37)
    return made


# Each kiosk's own signing key, from the centre's register (set before the client processes
# are forked, which inherit it).
KEYS = {}


def register_kiosks(url, kiosk_ids):
    """Register the simulated kiosks at the centre, as `fleet add` does; keep their keys."""
    database = Database(url)
    register = KioskRegister(database)
    KEYS.update({kiosk_id: register.add(kiosk_id, f"Bench kiosk {kiosk_id}")
                 for kiosk_id in kiosk_ids})
    database.dispose()


def post(base, reference, body):
    """POST one submission signed with its kiosk's key, the way a kiosk's outbox does;
    (HTTP status, ms)."""
    kiosk_id = reference.split("-")[0]
    request = urllib.request.Request(base + PATH, data=body, method="POST",
                                     headers=signed_headers(KEYS[kiosk_id], body, reference,
                                                            kiosk_id=kiosk_id))
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            answer.read()
            status = answer.status
    except urllib.error.HTTPError as error:
        status = error.code
    except OSError:
        status = 0
    return status, (time.perf_counter() - started) * 1000


def run_kiosks(job):
    """In a client process: one thread per kiosk, each sending its plan in turn.

    A plan is a list of (reference, body, pause, phase): pause is seconds to wait before
    posting, or a wall-clock time (time.time()) to post at, shared by every kiosk."""
    base, plans = job
    results = []
    lock = threading.Lock()

    def kiosk(plan):
        mine = []
        for reference, body, pause, phase in plan:
            if pause > 1e9:                 # a wall-clock instant shared by every kiosk
                time.sleep(max(0.0, pause - time.time()))
            elif pause:
                time.sleep(pause)
            status, ms = post(base, reference, body)
            mine.append((phase, reference, status, ms))
        with lock:
            results.extend(mine)

    threads = [threading.Thread(target=kiosk, args=(plan,)) for plan in plans]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def phase_plans(phase, made, rng, pace=0.0, repeat_share=0.1):
    """Per kiosk, its posts for one phase: every submission once, and a tenth again later."""
    plans = []
    for bodies in made:
        plan = [(reference, body, rng.uniform(0, 2 * pace) if pace else 0.0, phase)
                for reference, body in bodies]
        for reference, body in rng.sample(bodies, max(1, int(len(bodies) * repeat_share))):
            plan.insert(rng.randrange(plan.index(next(p for p in plan if p[0] == reference)) + 1,
                                      len(plan) + 1),
                        (reference, body, rng.uniform(0, 2 * pace) if pace else 0.0,
                         phase + " (again)"))
        plans.append(plan)
    return plans


def run_phase(base, plans, processes):
    """Send the plans from `processes` client processes at once; every result."""
    chunks = [plans[n::processes] for n in range(processes)]
    started = time.perf_counter()
    with multiprocessing.Pool(processes) as pool:
        results = [row for part in pool.map(run_kiosks, [(base, chunk) for chunk in chunks])
                   for row in part]
    return results, time.perf_counter() - started


def run_bursts(base, made, processes, gap=0.5):
    """Every kiosk posts its n-th submission at the same instant: a shared wall-clock time,
    GAP seconds after the round before (the client processes are started first)."""
    start = time.time() + 2.0
    plans = [[(reference, body, start + number * gap, "burst")
              for number, (reference, body) in enumerate(bodies)] for bodies in made]
    results, _ = run_phase(base, plans, processes)
    # Throughput of a burst: its posts over the time from its instant to its last answer.
    return results, None


def run_crossing(base, made):
    """Pairs of one submission posted at the same instant: one stored, one duplicate."""
    results = []
    for reference, body in made:
        barrier = threading.Barrier(2)
        pair = []

        def twin():
            barrier.wait()
            pair.append(post(base, reference, body))

        threads = [threading.Thread(target=twin) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        results += [("crossing", reference, status, ms) for status, ms in pair]
    return results


def summary(label, results, seconds):
    timings = sorted(ms for _, _, _, ms in results)
    return {"phase": label, "posts": len(results),
            "p50": percentile(timings, 0.50), "p95": percentile(timings, 0.95),
            "p99": percentile(timings, 0.99), "max": timings[-1] if timings else 0,
            "per_second": len(results) / seconds if seconds else None}


def check_answers(results):
    """Each submission's first post 201 "created", every later one 200 "duplicate"."""
    problems = []
    by_reference = {}
    for phase, reference, status, _ in results:
        by_reference.setdefault(reference, []).append(status)
    for reference, statuses in by_reference.items():
        if sorted(statuses) != [200] * (len(statuses) - 1) + [201]:
            problems.append(f"{reference}: {statuses}")
    return by_reference, problems


def bench(kind, args):
    rng = random.Random(15)
    catalogue = load_catalogue(ROOT / "kiosk" / "data" / "catalogue.toml")
    ids = kiosk_ids(args.kiosks)
    # Four sets of submissions per kiosk: warm-up, paced, burst, flat out; plus the crossers.
    made = {phase: [submissions(kiosk_id, count, catalogue, rng) for kiosk_id in ids]
            for phase, count in [("warm-up", 2), ("paced", args.each), ("burst", args.rounds),
                                 ("flat out", args.each)]}
    crossing = submissions("KX", args.kiosks, catalogue, rng)
    with tempfile.TemporaryDirectory(prefix="bench-central-") as folder:
        with database_url(kind, folder, {"max_connections": "200"}) as url:
            register_kiosks(url, [*ids, "KX"])
            ini = central_ini(folder, url)
            with open(f"{folder}/gunicorn.log", "w") as log, \
                    gunicorn(ini, args.workers, args.threads, log) as base:
                run_phase(base, phase_plans("warm-up", made["warm-up"], rng, 0.0, 0.0),
                          args.processes)
                rows = []
                everything = []
                results, seconds = run_phase(
                    base, phase_plans("paced", made["paced"], rng, args.pace), args.processes)
                rows.append(summary(f"paced (each kiosk every ~{args.pace:g} s)", results,
                                    seconds))
                everything += results
                results, seconds = run_bursts(base, made["burst"], args.processes)
                rows.append(summary(f"burst ({args.kiosks} at one instant, x{args.rounds})",
                                    results, seconds))
                everything += results
                results, seconds = run_phase(
                    base, phase_plans("flat out", made["flat out"], rng), args.processes)
                rows.append(summary("flat out (no pause)", results, seconds))
                everything += results
                started = time.perf_counter()
                results = run_crossing(base, crossing)
                rows.append(summary("crossing retries (pairs at one instant)", results,
                                    time.perf_counter() - started))
                everything += results
            _, problems = check_answers(everything)
            posted = {reference for _, reference, _, _ in everything}
            posted |= {reference for bodies in made["warm-up"] for reference, _ in bodies}
            database = Database(url)
            stored = {row["reference"] for row in database.rows(
                select(tables.inbox.c.reference))}
            received_audits = database.scalar(
                select(func.count()).select_from(tables.audit)
                .where(tables.audit.c.action == "received"))
            database.dispose()
            log_text = open(f"{folder}/gunicorn.log").read()
            errors = log_text.count("Traceback")
            if errors:
                print(log_text[log_text.index("Traceback"):][:3000])
    return {"rows": rows, "posts": len(everything), "distinct": len(posted),
            "stored": len(stored), "lost": len(posted - stored),
            "unexpected": len(stored - posted),
            "duplicated": received_audits - len(stored), "answer_problems": problems,
            "server_errors": errors}


def report(kind, outcome):
    print(f"\n== {kind} ==")
    print(f"{'phase':44} {'posts':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
          f"{'max ms':>7} {'posts/s':>8}")
    for row in outcome["rows"]:
        print(f"{row['phase']:44} {row['posts']:6d} {row['p50']:7.1f} {row['p95']:7.1f} "
              f"{row['p99']:7.1f} {row['max']:7.1f} "
              + (f"{row['per_second']:8.1f}" if row["per_second"] else f"{'-':>8}"))
    print(f"posts {outcome['posts']}, distinct submissions {outcome['distinct']}, "
          f"rows in the inbox {outcome['stored']}: lost {outcome['lost']}, "
          f"duplicated {outcome['duplicated']}, unexpected {outcome['unexpected']}, "
          f"wrong answers {len(outcome['answer_problems'])}, "
          f"server tracebacks {outcome['server_errors']}")
    for problem in outcome["answer_problems"][:10]:
        print("  ", problem)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["postgresql", "sqlite", "both"], default="both")
    parser.add_argument("--kiosks", type=int, default=50)
    parser.add_argument("--each", type=int, default=40, help="submissions per kiosk per phase")
    parser.add_argument("--rounds", type=int, default=10, help="bursts of all kiosks at once")
    parser.add_argument("--pace", type=float, default=0.5,
                        help="mean seconds between a kiosk's posts in the paced phase")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker")
    parser.add_argument("--processes", type=int, default=5, help="client processes")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    args = parser.parse_args()
    print(f"{args.kiosks} kiosks, {args.each} submissions each per phase, gunicorn -w "
          f"{args.workers}" + (f" --threads {args.threads}" if args.threads > 1 else "")
          + f", {multiprocessing.cpu_count()} cores, load average now "
          + " ".join(f"{load:.1f}" for load in os.getloadavg()))
    outcomes = {}
    for kind in (["postgresql", "sqlite"] if args.database == "both" else [args.database]):
        outcomes[kind] = bench(kind, args)
        report(kind, outcomes[kind])
        print("load average after: " + " ".join(f"{load:.1f}" for load in os.getloadavg()))
    if args.json:
        print(json.dumps({kind: {**outcome, "answer_problems": outcome["answer_problems"][:10]}
                          for kind, outcome in outcomes.items()}))


if __name__ == "__main__":
    main()
