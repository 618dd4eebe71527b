"""Indexing speed: `ckan thgov search-index rebuild` (ckanext/thgov/search_index.py) against CKAN's
own `ckan search-index rebuild`, in the same run, on the same database and Solr core.

The database (ckan_bench_index) holds --datasets generated Thai datasets (bench/scale_corpus.py).
Each round runs CKAN's rebuild on --ckan-sample datasets (its rate does not depend on how many:
it indexes one dataset at a time) and ours on all of them, alternating; medians and the ratio
are printed. Run by `make bench-index` (deploy/bin/bench-index).

At the end, the documents of CKAN's sample are checked: each dataset's document as our indexer
builds it, and its data_dict and validated_data_dict as Solr holds them after our rebuild, are
compared with what CKAN's own indexing path (index_update_package) makes; mismatches must be 0.
"""

from __future__ import annotations

import argparse
import json
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
        mismatched = _mismatched_documents(sample, search_index)
        print(f"documents compared with CKAN's on its {len(sample)} datasets: {len(mismatched)} mismatches"
              + (f" ({', '.join(mismatched[:5])})" if mismatched else ""))
    ckan_rate, our_rate = statistics.median(ckan_rates), statistics.median(our_rates)
    print(f"\n{'indexer':<36} {'datasets/s (median)':>20}")
    print(f"{'CKAN ckan search-index rebuild':<36} {ckan_rate:>20.1f}")
    print(f"{'ours ckan thgov search-index rebuild':<36} {our_rate:>20.0f}")
    print(f"\nratio ours/CKAN: {our_rate / ckan_rate:.1f}x (target >= 10x); "
          f"ours {'meets' if our_rate >= 500 else 'misses'} the 500 datasets/s target; corpus {total}")
    return 1 if mismatched else 0


def _mismatched_documents(sample: list[str], search_index) -> list[str]:
    """The sample's datasets whose document, as built by us or as stored in Solr after our
    rebuild, differs from the one CKAN's own indexing path builds."""
    import ckan.logic
    from ckan import model
    from ckan.lib.search.common import make_connection

    ours = {doc["id"]: doc for doc in search_index.build_documents(sample)}
    conn, stored = make_connection(), {}
    for start in range(0, len(sample), 100):
        chunk = sample[start:start + 100]
        query = "id:(" + " OR ".join(f'"{dataset_id}"' for dataset_id in chunk) + ")"
        for doc in conn.search(query, fl="id,data_dict,validated_data_dict", rows=len(chunk)).docs:
            stored[doc["id"]] = doc
    mismatched = []
    for dataset_id in sample:
        model.Session.remove()
        with search_index._collected_documents() as theirs:
            ckan.logic.index_update_package({"ignore_auth": True}, dataset_id)
        in_solr = stored.get(dataset_id)
        same = (len(theirs) == 1 and ours.get(dataset_id) == theirs[0] and in_solr is not None
                and all(json.loads(in_solr[key]) == json.loads(theirs[0][key])
                        for key in ("data_dict", "validated_data_dict")))
        if not same:
            mismatched.append(dataset_id)
    return mismatched


if __name__ == "__main__":
    sys.exit(main(sys.argv))
