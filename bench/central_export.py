"""The CSV of a million stored submissions, streamed in bounded memory, on PostgreSQL and SQLite.

    .venv/bin/python bench/central_export.py [--database postgresql|sqlite|both]
        [--rows 1000000]

Fills a fresh back office with ROWS submissions (bench/stored_submissions.py), then, in a
child process of its own (so its peak memory is the export's alone), writes the CSV the
clerks' export.csv streams: BackOffice.each_submission (yield_per, a server-side cursor on
PostgreSQL) through kiosk.backoffice.export.csv_pieces with the systems' wording, into
/dev/null. Prints rows, size, time, and the child's resident memory before the export and
at its peak (VmHWM).
"""
import argparse
import multiprocessing
import resource
import tempfile
import time

from central_back_office import database_url
from stored_submissions import fill

from kiosk.backoffice.database import Database  # noqa: E402
from kiosk.backoffice.export import CodesWording, csv_pieces  # noqa: E402
from kiosk.backoffice.inbox import BackOffice  # noqa: E402


def peak_rss_mb():
    """This process's peak resident memory: VmHWM, not ru_maxrss, which a spawned child
    inherits from the parent it was forked from (ours had just filled the database)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024   # KiB on Linux


def export(url, answer):
    """In the child: the whole CSV to /dev/null; (rows, bytes, seconds, RSS before, peak)."""
    database = Database(url)
    back_office = BackOffice(database)
    before = peak_rss_mb()
    started = time.perf_counter()
    size = rows = 0
    counted = _counting(back_office.each_submission())
    with open("/dev/null", "wb") as out:
        for piece in csv_pieces(counted, CodesWording()):
            data = piece.encode("utf-8")
            size += len(data)
            out.write(data)
    rows = counted.count
    answer.send((rows, size, time.perf_counter() - started, before, peak_rss_mb()))
    database.dispose()


class _counting:
    def __init__(self, rows):
        self.rows = rows
        self.count = 0

    def __iter__(self):
        for row in self.rows:
            self.count += 1
            yield row


def bench(kind, rows):
    with tempfile.TemporaryDirectory(prefix="bench-export-") as folder:
        with database_url(kind, folder) as url:
            fill(kind, url, rows)
            ours, theirs = multiprocessing.Pipe()
            child = multiprocessing.get_context("spawn").Process(target=export,
                                                                args=(url, theirs))
            child.start()
            outcome = ours.recv()
            child.join()
    exported, size, seconds, before, peak = outcome
    print(f"  {exported:,} rows, {size / 2**20:,.0f} MB of CSV in {seconds:.1f} s "
          f"({exported / seconds:,.0f} rows/s); resident memory {before:.0f} MB before, "
          f"peak {peak:.0f} MB", flush=True)
    return outcome


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["postgresql", "sqlite", "both"], default="both")
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    outcomes = {}
    for kind in (["postgresql", "sqlite"] if args.database == "both" else [args.database]):
        print(f"== {kind}: {args.rows:,} submissions ==", flush=True)
        outcomes[kind] = bench(kind, args.rows)
    if len(outcomes) == 2:
        pg, lite = outcomes["postgresql"], outcomes["sqlite"]
        print(f"\n| CSV of {args.rows:,} submissions | PostgreSQL | SQLite |\n|---|---|---|")
        print(f"| time | {pg[2]:.1f} s | {lite[2]:.1f} s |")
        print(f"| rows per second | {pg[0] / pg[2]:,.0f} | {lite[0] / lite[2]:,.0f} |")
        print(f"| CSV size | {pg[1] / 2**20:,.0f} MB | {lite[1] / 2**20:,.0f} MB |")
        print(f"| resident memory before / peak | {pg[3]:.0f} / {pg[4]:.0f} MB "
              f"| {lite[3]:.0f} / {lite[4]:.0f} MB |")


if __name__ == "__main__":
    main()
