"""CPU milliseconds and SQL queries per request of the main screens, in-process.

Each screen is requested through Django's test client (the whole middleware stack, the
session of the demo user with its OCE active, the view, the templates, the database), as
the server would run it, on the bench database that ``make bench``/``bench-quick`` filled:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ecuapass_bench_screens \\
        .venv/bin/python -m bench.profile_screens [--runs 50] [--profile /] [--top 30]

CPU time (``time.process_time``) is this process's only: the database server's own time is
not in it, so the figure moves less with the load of the other processes on the machine
than wall-clock latency does; the Python function calls per request (cProfile) do not move
at all. ``--profile URL`` prints the cProfile of that screen.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import time

SCREENS = [
    ("plain Django view", "/bench/plain/"),
    ("main screen (buzón + menus)", "/"),
    ("buzón page 1", "/buzon/"),
    ("buzón page 500", "/buzon/?page=500"),
    ("1.3 all periods, page 1", "/edocs/estados/"),
    ("1.3 all periods, page 200", "/edocs/estados/?page=200"),
    ("2.1.1 «café»", "/arancel/?q=caf%C3%A9"),
    ("login page (anonymous)", "/ingresar/"),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--profile", action="append", default=[])
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--only", action="append", default=[])
    parser.add_argument("--sql", action="store_true", help="print each screen's queries")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.registry import demo_user, session_cookie

    user, oce = demo_user()
    name, _, key = session_cookie(user, oce).partition("=")
    screens = [(label, url) for label, url in SCREENS if not args.only or url in args.only]
    clients, queries, sizes = {}, {}, {}
    for _label, url in screens:
        client = clients[url] = Client(HTTP_HOST="127.0.0.1")
        if "ingresar" not in url:
            client.cookies[name] = key
        for _ in range(3):  # warm: templates compiled, caches filled
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        queries[url] = len(captured)  # now: the next request resets the connection's log
        sizes[url] = len(response.content)
        if args.sql:
            print(f"\n=== {url}: {len(captured)} queries")
            for q in captured.captured_queries:
                print("  ", q["sql"][:300])
    # Python function calls per request: deterministic, whatever the machine's load.
    calls = {}
    for _label, url in screens:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(5):
            clients[url].get(url)
        profiler.disable()
        calls[url] = pstats.Stats(profiler).total_calls / 5
    # Rounds over every screen in turn, so that the machine's load weighs on all alike.
    cpu = {url: [] for _label, url in screens}
    for _ in range(args.runs):
        for _label, url in screens:
            start = time.process_time()
            clients[url].get(url)
            cpu[url].append((time.process_time() - start) * 1000)
    for label, url in screens:
        if url in args.profile:
            profiler = cProfile.Profile(time.process_time)
            profiler.enable()
            for _ in range(args.runs):
                clients[url].get(url)
            profiler.disable()
            print(f"\n=== {label} ({url}), {args.runs} requests, CPU time")
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.top)
    plain = statistics.median(cpu["/bench/plain/"]) if "/bench/plain/" in cpu else None
    print(
        "| screen | CPU ms per request (median) | × plain view | Python calls per request "
        "| SQL queries | KB |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for label, url in screens:
        ms = statistics.median(cpu[url])
        ratio = f"{ms / plain:.1f}×" if plain else "—"
        print(
            f"| {label} (`{url}`) | {ms:.1f} | {ratio} | {calls[url]:,.0f} | {queries[url]} "
            f"| {sizes[url] / 1024:.0f} |"
        )


if __name__ == "__main__":
    main()
