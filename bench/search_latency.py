"""package_search latency at national scale (issue 6): concurrent clients against CKAN under gunicorn.

`prepare` fills the benchmark database (ckan_bench_latency) with --datasets generated Thai datasets
(bench/scale_corpus.py) and indexes them with `ckan thgov search-index rebuild` unless the index
check finds them all there already. `run` sends package_search requests over HTTP from --clients
concurrent clients (threads, each with its own keep-alive connection; http.client, so that the
clients, which share the machine's two cores with the portal and Solr, cost little) to the running
portal: the Thai queries of bench/thai_queries.tsv, with the search page's facets, 20 rows, in a
shuffled order per client; a warm-up pass first (every query once, then an unmeasured round of
--warmup-requests per client), then --requests requests per client and round. It prints
p50/p95/p99 and throughput per round, and the medians over rounds.

With --peer-url it measures a second portal in the same run, round by round in turn with ours so
that both see the same machine: `make bench-latency` (deploy/bin/bench-latency) starts the same
portal with CKAN's own request path as the peer. Both must answer every query alike (results,
counts and facets), or the run fails.
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


class Portal:
    """One portal measured: its address, and how it searches (over keep-alive HTTP connections)."""

    def __init__(self, name: str, url: str) -> None:
        self.name = name
        self.address = urllib.parse.urlsplit(url)
        self.path = f"{self.address.path.rstrip('/')}/api/3/action/package_search"

    def search_path(self, q: str, rows: int = 20, facets: bool = True) -> str:
        params = {"q": q, "rows": str(rows)}
        if facets:
            params.update({"facet.field": json.dumps(FACETS), "facet.limit": "10"})
        return f"{self.path}?{urllib.parse.urlencode(params)}"

    def connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self.address.hostname, self.address.port or 80, timeout=60)

    @staticmethod
    def fetch(conn: http.client.HTTPConnection, target: str) -> tuple[int, bytes]:
        try:
            conn.request("GET", target)
            response = conn.getresponse()
        except (http.client.RemoteDisconnected, ConnectionError):  # an idle keep-alive closed by the server
            conn.close()
            conn.request("GET", target)
            response = conn.getresponse()
        return response.status, response.read()

    def get(self, conn: http.client.HTTPConnection, target: str) -> dict:
        return parsed(self.fetch(conn, target)[1])

    def round_of(self, texts: list[str], clients: int, count: int) -> tuple[list[float], list[str], float]:
        latencies: list[float] = []
        errors: list[str] = []

        def client(number: int) -> None:
            rng = random.Random(number)
            conn = self.connect()
            for _ in range(count):
                q = rng.choice(texts)
                target = self.search_path(q)
                started = time.perf_counter()
                status, body = self.fetch(conn, target)
                # Latency is until the last byte of the answer; the clients' own parsing (checked
                # below) is not the portal's time.
                latencies.append(time.perf_counter() - started)
                if status != 200 or not parsed(body).get("success"):
                    errors.append(f"{status} {q}")

        threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return latencies, errors, time.perf_counter() - started


def parsed(body: bytes) -> dict:
    try:
        return json.loads(body)
    except ValueError:
        return {}


def same_answers(ours: Portal, peer: Portal, texts: list[str]) -> list[str]:
    """Queries whose results or facets differ between the two portals (there should be none), or
    that either fails: two failures are not the same answer."""
    differ = []
    ours_conn, peer_conn = ours.connect(), peer.connect()
    for q in texts:
        a = ours.get(ours_conn, ours.search_path(q)).get("result", {})
        b = peer.get(peer_conn, peer.search_path(q)).get("result", {})
        keys = ("count", "facets", "search_facets")
        if not a or not b or [a.get(k) for k in keys] != [b.get(k) for k in keys] or \
                [d["id"] for d in a.get("results", [])] != [d["id"] for d in b.get("results", [])]:
            differ.append(q)
    return differ


def run(args: argparse.Namespace) -> int:
    texts = queries()
    portals = [Portal("ours", args.url)] + ([Portal("peer", args.peer_url)] if args.peer_url else [])
    for portal in portals:
        total = portal.get(portal.connect(), portal.search_path("", rows=0, facets=False))["result"]["count"]
        print(f"{portal.name} ({portal.address.netloc}): {total} public datasets in the index")
    print(f"{len(texts)} Thai queries; {args.clients} clients; rounds taken in turn"
          f"{' (ours, then the peer)' if len(portals) > 1 else ''}")
    differ = same_answers(*portals, texts) if len(portals) > 1 else []
    if differ:
        print(f"ours and the peer answer {len(differ)} queries differently, e.g. {differ[:3]}")
    # Warm-up: every query once (each worker's query segmentation cache, Solr's caches), then an
    # unmeasured round with every client, for Java's just-in-time compiler: what is measured is a
    # portal that has been serving for a while, not one just started.
    for portal in portals:
        conn = portal.connect()
        for q in texts:
            portal.get(conn, portal.search_path(q))
        portal.round_of(texts, args.clients, args.warmup_requests)
    summaries: dict[str, list[tuple[float, float, float, float]]] = {p.name: [] for p in portals}
    failed = False
    for number in range(1, args.rounds + 1):
        for portal in portals:
            latencies, errors, seconds = portal.round_of(texts, args.clients, args.requests)
            if errors:
                failed = True
                print(f"  {portal.name}: {len(errors)} failed requests, e.g. {errors[:3]}")
            ms = sorted(1000 * x for x in latencies)
            p50, p95, p99 = (ms[min(len(ms) - 1, int(len(ms) * f))] for f in (0.50, 0.95, 0.99))
            summaries[portal.name].append((p50, p95, p99, len(ms) / seconds))
            print(f"round {number} {portal.name:4}: {len(ms)} requests  p50 {p50:.0f} ms  p95 {p95:.0f} ms  "
                  f"p99 {p99:.0f} ms  throughput {len(ms) / seconds:.1f} req/s")
    medians = {name: [statistics.median(s[i] for s in rounds) for i in range(4)] for name, rounds in summaries.items()}
    print(f"\nmedians over {args.rounds} rounds:")
    for name, (p50, p95, p99, throughput) in medians.items():
        print(f"  {name:4}: p50 {p50:.0f} ms, p95 {p95:.0f} ms, p99 {p99:.0f} ms, throughput {throughput:.1f} req/s")
    if "peer" in medians:
        ours, peer = medians["ours"], medians["peer"]
        print(f"  peer / ours: p50 {peer[0] / ours[0]:.2f}x, p95 {peer[1] / ours[1]:.2f}x; "
              f"throughput ours / peer {ours[3] / peer[3]:.2f}x")
    p50, p95 = medians["ours"][:2]
    print(f"targets (ours): p50 <= 50 ms {'met' if p50 <= 50 else 'NOT met'}; "
          f"p95 <= 150 ms {'met' if p95 <= 150 else 'NOT met'}")
    return 1 if failed or differ else 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    prep = sub.add_parser("prepare")
    prep.add_argument("--ini", required=True)
    prep.add_argument("--datasets", type=int, default=100000)
    bench = sub.add_parser("run")
    bench.add_argument("--url", required=True)
    bench.add_argument("--peer-url", help="the same portal with CKAN's own request path, measured in turn")
    bench.add_argument("--clients", type=int, default=8)
    bench.add_argument("--requests", type=int, default=100, help="per client and round")
    bench.add_argument("--rounds", type=int, default=3)
    bench.add_argument("--warmup-requests", type=int, default=100, help="per client, not measured")
    args = parser.parse_args(argv[1:])
    return prepare(args) if args.command == "prepare" else run(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
