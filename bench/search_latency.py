"""package_search latency at national scale (issue 6): concurrent clients against CKAN under gunicorn.

`prepare` fills the benchmark database (ckan_bench_latency) with --datasets generated Thai datasets
(bench/scale_corpus.py) and indexes them with `ckan thgov search-index rebuild` unless the index
check finds them all there already. `run` sends package_search requests over HTTP from --clients
concurrent clients (threads, each with its own keep-alive connection; http.client, so that the
clients, which share the machine's two cores with the portal and Solr, cost little) to the running portal: the
Thai queries of bench/thai_queries.tsv, with the search page's facets, 20 rows, in a shuffled
order per client; a warm-up pass first (every query once, then an unmeasured round of
--warmup-requests per client), then --requests requests per client and round. It prints
p50/p95/p99 and throughput per round, and the medians over rounds. Run by `make bench-latency`
(deploy/bin/bench-latency), which starts and stops the gunicorn it measures.
"""

from __future__ import annotations

import argparse
import http.client
import json
import logging
import random
import statistics
import sys
import threading
import time
import urllib.parse
from pathlib import Path


HERE = Path(__file__).resolve().parent
# The facets of the search page (ckanext/thgov/search.py: GDC choice fields, CKAN's, validation status).
FACETS = ["data_type", "data_category", "data_classification", "update_frequency_unit", "geo_coverage",
          "organization", "groups", "tags", "res_format", "license_id", "thgov_validation_status"]


def queries() -> list[str]:
    from search_relevance import QUERIES, load_queries

    return [query.text for query in load_queries(QUERIES)]


def prepare(args: argparse.Namespace) -> int:
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(args.ini))
    logging.disable(logging.INFO)
    import ckan.plugins.toolkit as tk

    import scale_corpus
    from ckanext.thgov import search_index

    with app._wsgi_app.test_request_context():
        print(f"Preparing {args.datasets} datasets (bench/scale_corpus.py)", flush=True)
        scale_corpus.ensure(args.datasets, tk)
        check = search_index.check()
        if check.ok:
            print(f"index up to date: {check.in_index} datasets")
            return 0
        print(f"indexing {check.in_database} datasets (missing {len(check.missing)}, stale {len(check.stale)})",
              flush=True)
        result = search_index.rebuild(progress=lambda done, total: print(f"  {done}/{total}", flush=True)
                                      if done % 10000 < 500 else None)
        print(f"indexed {result.indexed} in {result.seconds:.0f} s ({result.rate:.0f}/s)")
    return 0


def run(args: argparse.Namespace) -> int:
    texts = queries()
    base = urllib.parse.urlsplit(args.url)
    path = f"{base.path.rstrip('/')}/api/3/action/package_search"

    def search_path(q: str, rows: int = 20, facets: bool = True) -> str:
        params = {"q": q, "rows": str(rows)}
        if facets:
            params.update({"facet.field": json.dumps(FACETS), "facet.limit": "10"})
        return f"{path}?{urllib.parse.urlencode(params)}"

    def fetch(conn: http.client.HTTPConnection, target: str) -> tuple[int, bytes]:
        try:
            conn.request("GET", target)
            response = conn.getresponse()
        except (http.client.RemoteDisconnected, ConnectionError):  # an idle keep-alive closed by the server
            conn.close()
            conn.request("GET", target)
            response = conn.getresponse()
        return response.status, response.read()

    def parsed(body: bytes) -> dict:
        try:
            return json.loads(body)
        except ValueError:
            return {}

    def get(conn: http.client.HTTPConnection, target: str) -> tuple[int, dict]:
        status, body = fetch(conn, target)
        return status, parsed(body)

    def connect() -> http.client.HTTPConnection:
        return http.client.HTTPConnection(base.hostname, base.port or 80, timeout=60)

    def client(number: int, count: int, latencies: list[float], errors: list[str]) -> None:
        rng = random.Random(number)
        conn = connect()
        for _ in range(count):
            q = rng.choice(texts)
            target = search_path(q)
            started = time.perf_counter()
            status, body = fetch(conn, target)
            # Latency is until the last byte of the answer; the clients' own parsing (checked
            # below) is not the portal's time.
            latencies.append(time.perf_counter() - started)
            if status != 200 or not parsed(body).get("success"):
                errors.append(f"{status} {q}")

    def round_of(count: int) -> tuple[list[float], list[str], float]:
        latencies: list[float] = []
        errors: list[str] = []
        threads = [threading.Thread(target=client, args=(n, count, latencies, errors)) for n in range(args.clients)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return latencies, errors, time.perf_counter() - started

    conn = connect()
    total = get(conn, search_path("", rows=0, facets=False))[1]["result"]["count"]
    print(f"{total} public datasets in the index; {len(texts)} Thai queries; {args.clients} clients")
    # Warm-up: every query once (each worker's query segmentation cache, Solr's caches), then an
    # unmeasured round with every client, for Java's just-in-time compiler: what is measured is a
    # portal that has been serving for a while, not one just started.
    for q in texts:
        get(conn, search_path(q))
    round_of(args.warmup_requests)
    summaries = []
    for number in range(1, args.rounds + 1):
        latencies, errors, seconds = round_of(args.requests)
        if errors:
            print(f"  {len(errors)} failed requests, e.g. {errors[:3]}")
        ms = sorted(1000 * x for x in latencies)
        p50, p95, p99 = (ms[min(len(ms) - 1, int(len(ms) * f))] for f in (0.50, 0.95, 0.99))
        summaries.append((p50, p95, p99, len(ms) / seconds))
        print(f"round {number}: {len(ms)} requests  p50 {p50:.0f} ms  p95 {p95:.0f} ms  p99 {p99:.0f} ms  "
              f"throughput {len(ms) / seconds:.1f} req/s")
    p50, p95, p99, throughput = (statistics.median(s[i] for s in summaries) for i in range(4))
    print(f"\nmedian over {args.rounds} rounds: p50 {p50:.0f} ms, p95 {p95:.0f} ms, p99 {p99:.0f} ms, "
          f"throughput {throughput:.1f} req/s")
    print(f"targets: p50 <= 50 ms {'met' if p50 <= 50 else 'NOT met'}; p95 <= 150 ms {'met' if p95 <= 150 else 'NOT met'}")
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    prep = sub.add_parser("prepare")
    prep.add_argument("--ini", required=True)
    prep.add_argument("--datasets", type=int, default=100000)
    bench = sub.add_parser("run")
    bench.add_argument("--url", required=True)
    bench.add_argument("--clients", type=int, default=8)
    bench.add_argument("--requests", type=int, default=100, help="per client and round")
    bench.add_argument("--rounds", type=int, default=3)
    bench.add_argument("--warmup-requests", type=int, default=100, help="per client, not measured")
    args = parser.parse_args(argv[1:])
    return prepare(args) if args.command == "prepare" else run(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
