"""Indexing speed: `ckan thgov search-index rebuild` (ckanext/thgov/search_index.py) against CKAN's
own `ckan search-index rebuild`, in the same run, on the same database and Solr core.

The database (ckan_bench_index) holds --datasets generated Thai datasets (bench/scale_corpus.py).
Each round runs CKAN's rebuild on --ckan-sample datasets (its rate does not depend on how many:
it indexes one dataset at a time) and ours on all of them, alternating; medians and the ratio
are printed. Run by `make bench-index` (deploy/bin/bench-index).
"""

from __future__ import annotations

import argparse
import logging
import random
import statistics
import sys
import time


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ini", required=True)
    parser.add_argument("--datasets", type=int, default=10000)
    parser.add_argument("--ckan-sample", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--workers", type=int, default=None, help="ours: processes building documents")
    args = parser.parse_args(argv[1:])

    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(args.ini))
    logging.disable(logging.INFO)  # CKAN logs each dataset: the figures would drown
    import ckan.plugins.toolkit as tk
    from ckan.lib import search

    import scale_corpus
    from ckanext.thgov import search_index

    with app._wsgi_app.test_request_context():
        print(f"Preparing {args.datasets} datasets (bench/scale_corpus.py)")
        total = scale_corpus.ensure(args.datasets, tk)
        ids = search_index.dataset_ids()
        sample = random.Random(6).sample(ids, min(args.ckan_sample, len(ids)))
        print(f"{len(ids)} datasets in the database; CKAN's rebuild runs on {len(sample)} of them\n")
        ckan_rates, our_rates = [], []
        for round_number in range(1, args.rounds + 1):
            started = time.perf_counter()
            # What `ckan search-index rebuild` does (cli/search_index.py): rebuild, deferred commit, commit.
            search.rebuild(package_ids=sample, defer_commit=True, quiet=True)
            search.commit()
            ckan_rates.append(len(sample) / (time.perf_counter() - started))
            result = search_index.rebuild(batch_size=args.batch_size, workers=args.workers)
            if result.failed:
                raise SystemExit(f"{len(result.failed)} datasets failed: {list(result.failed.items())[:3]}")
            our_rates.append(result.rate)
            print(f"round {round_number}: CKAN {ckan_rates[-1]:.1f} datasets/s, "
                  f"ours {our_rates[-1]:.0f} datasets/s ({result.indexed} in {result.seconds:.1f} s)")
        check = search_index.check()
        print(f"\nindex check: {check.in_index} indexed of {check.in_database}; missing {len(check.missing)}, "
              f"stale {len(check.stale)}, orphans {len(check.orphans)}")
    ckan_rate, our_rate = statistics.median(ckan_rates), statistics.median(our_rates)
    print(f"\n{'indexer':<36} {'datasets/s (median)':>20}")
    print(f"{'CKAN ckan search-index rebuild':<36} {ckan_rate:>20.1f}")
    print(f"{'ours ckan thgov search-index rebuild':<36} {our_rate:>20.0f}")
    print(f"\nratio ours/CKAN: {our_rate / ckan_rate:.1f}x (target >= 10x); "
          f"ours {'meets' if our_rate >= 500 else 'misses'} the 500 datasets/s target; corpus {total}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
