"""The clerks' inbox with a million stored submissions, on PostgreSQL and SQLite.

    .venv/bin/python bench/central_inbox.py [--database postgresql|sqlite|both]
        [--rows 1000000] [--runs 30] [--explain]

Fills a fresh back office with ROWS submissions (bench/stored_submissions.py: two years
of a district, statuses by age, eight packages, 30 clerks), then times
kiosk.backoffice.inbox.BackOffice.page() as the clerks' inbox calls it (a page of 50 and
the filter's total): the first page, a late page (keyset `after` near the end), and the
filters, RUNS times each after one warm-up call; prints the median and 95th percentile.
--explain prints each statement's plan (EXPLAIN ANALYZE on PostgreSQL, EXPLAIN QUERY PLAN
on SQLite), for the slow ones.
"""
import argparse
import datetime
import statistics
import tempfile
import time

from sqlalchemy import event, func, select, text

from central_back_office import database_url, percentile
from stored_submissions import CLERKS, NOW, fill

from kiosk.backoffice import tables  # noqa: E402
from kiosk.backoffice.database import Database  # noqa: E402
from kiosk.backoffice.inbox import BackOffice  # noqa: E402

HALL = datetime.timezone(datetime.timedelta(hours=8))
TARGET_MS = 100


def cases(back_office):
    """(label, page() keyword arguments) for every page a clerk opens."""
    inbox = tables.inbox.c
    late = back_office.database.row(
        select(inbox.received, inbox.reference).order_by(inbox.received.desc(),
                                                         inbox.reference.desc())
        .offset(60).limit(1))
    early = back_office.database.row(
        select(inbox.received, inbox.reference).order_by(inbox.received, inbox.reference)
        .offset(60).limit(1))
    middle_open = back_office.database.row(
        select(inbox.received, inbox.reference).where(inbox.status.in_(["received",
                                                                          "in_progress"]))
        .order_by(inbox.received, inbox.reference).offset(20_000).limit(1))
    everything = {"status": None}
    return [
        ("all, first page (oldest first)", dict(filters=everything)),
        ("all, first page (newest first)", dict(filters=everything, newest_first=True)),
        ("all, late page: after the 60th newest row",
         dict(filters=everything, after=(late["received"], late["reference"]))),
        ("all, newest first: after the 60th oldest row",
         dict(filters=everything, newest_first=True,
              after=(early["received"], early["reference"]))),
        ("open (the clerks' default), first page", dict(filters={"status": "open"})),
        ("open, a page deep in (keyset after)",
         dict(filters={"status": "open"}, after=(middle_open["received"],
                                                  middle_open["reference"])
              if middle_open else None)),
        ("status completed", dict(filters={"status": "completed"})),
        ("status returned, newest first", dict(filters={"status": "returned"},
                                               newest_first=True)),
        ("package retire (all statuses)", dict(filters={"status": None, "package": "retire"})),
        ("package open_shop, open", dict(filters={"status": "open", "package": "open_shop"})),
        ("a month (since..until), all statuses",
         dict(filters={"status": None, "since": "2025-06-01", "until": "2025-06-30"})),
        ("a day, all statuses", dict(filters={"status": None, "since": "2026-03-02",
                                              "until": "2026-03-02"})),
        ("received today", dict(filters={"status": None, "today": True})),
        ("assigned to one clerk (mine), open",
         dict(filters={"status": "open", "assignee": CLERKS[3]})),
        ("assigned to one clerk, all statuses",
         dict(filters={"status": None, "assignee": CLERKS[3]})),
        ("waiting more than 10 days", dict(filters={"status": "open", "waiting_days": 10})),
        ("package + clerk + a quarter, all statuses",
         dict(filters={"status": None, "package": "have_baby", "assignee": CLERKS[7],
                       "since": "2026-01-01", "until": "2026-03-31"})),
    ]


def timed(back_office, arguments, runs):
    back_office.page(zone=HALL, now=NOW, **arguments)          # warm-up
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        rows, total, _ = back_office.page(zone=HALL, now=NOW, **arguments)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return statistics.median(timings), percentile(timings, 0.95), len(rows), total


CAP = 10_000


def capped_total(back_office, arguments, runs):
    """What the total would cost counted only up to CAP + 1 ("more than 10,000"): the
    median ms over RUNS. The exact count of a million rows is what makes page() slow."""
    inbox = tables.inbox
    conditions = back_office._where(arguments["filters"], HALL, NOW)
    query = select(func.count()).select_from(
        select(inbox.c.reference).where(*conditions).limit(CAP + 1).subquery())
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        back_office.database.scalar(query)
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def statements(database, call):
    """The SQL statements (with parameters) that `call` runs."""
    seen = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    event.listen(database.engine, "before_cursor_execute", record)
    try:
        call()
    finally:
        event.remove(database.engine, "before_cursor_execute", record)
    return seen


def explain(database, call):
    """Print the plan of every statement `call` runs."""
    prefix = ("EXPLAIN (ANALYZE, BUFFERS) " if database.dialect == "postgresql"
              else "EXPLAIN QUERY PLAN ")
    for statement, parameters in statements(database, call):
        with database.engine.connect() as connection:
            plan = connection.exec_driver_sql(prefix + statement, parameters).all()
        print("      " + statement.replace("\n", " ")[:160])
        for line in plan:
            print("        " + " | ".join(str(part) for part in line))


def bench(kind, args):
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-inbox-") as folder:
        with database_url(kind, folder) as url:
            fill(kind, url, args.rows)
            database = Database(url)
            back_office = BackOffice(database)
            for label, arguments in cases(back_office):
                median, p95, shown, total = timed(back_office, arguments, args.runs)
                capped = capped_total(back_office, arguments, max(5, args.runs // 3))
                results.append((label, median, p95, shown, total, capped))
                flag = "  SLOW" if p95 > TARGET_MS else ""
                print(f"  {label:46} median {median:7.1f} ms  p95 {p95:7.1f} ms  "
                      f"({shown} of {total:,}); a count capped at {CAP + 1:,}: "
                      f"{capped:.1f} ms{flag}", flush=True)
                if args.explain and (flag or args.explain_all):
                    explain(database, lambda: back_office.page(zone=HALL, now=NOW,
                                                               **arguments))
            if kind == "sqlite":
                size = database.scalar(text("select page_count * page_size from "
                                            "pragma_page_count(), pragma_page_size()"))
            else:
                size = database.scalar(text("select pg_total_relation_size('inbox')"))
            print(f"  inbox size on disk: {size / 2**20:,.0f} MB")
            database.dispose()
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["postgresql", "sqlite", "both"], default="both")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--explain", action="store_true", help="plans of the slow queries")
    parser.add_argument("--explain-all", action="store_true", help="plans of every query")
    args = parser.parse_args()
    args.explain = args.explain or args.explain_all
    outcomes = {}
    for kind in (["postgresql", "sqlite"] if args.database == "both" else [args.database]):
        print(f"== {kind}: {args.rows:,} submissions ==", flush=True)
        outcomes[kind] = bench(kind, args)
    if len(outcomes) == 2:
        print(f"\n| page of 50 ({args.rows:,} stored) | PostgreSQL median / p95 ms "
              f"| SQLite median / p95 ms | rows matching | count capped at {CAP + 1:,}: "
              f"PostgreSQL / SQLite ms |")
        print("|---|---|---|---|---|")
        for pg, lite in zip(outcomes["postgresql"], outcomes["sqlite"]):
            print(f"| {pg[0]} | {pg[1]:.1f} / {pg[2]:.1f} | {lite[1]:.1f} / {lite[2]:.1f} "
                  f"| {pg[4]:,} | {pg[5]:.1f} / {lite[5]:.1f} |")


if __name__ == "__main__":
    main()
