"""Thai search relevance benchmark (issue 6, part 4).

Loads real data.go.th catalogue records (../shared/data/real) into the portal through CKAN's action
API, indexes them into three Solr cores that differ only in text analysis (ours with ICU, ours with
Lucene's Thai tokenizer, CKAN's stock schema), runs every judged query through ``package_search``
against each, and prints recall@10, precision@10 and MRR. How the queries and judgments were made:
bench/README.md.

Run it with ``make bench-search`` (which starts the services and prepares the ``ckan_bench``
database); directly: ``python bench/search_relevance.py --ini .run/ckan/ckan.ini`` with
CKAN_SQLALCHEMY_URL pointing at ckan_bench.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import re
import statistics
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
REAL = HERE.parent.parent / "shared" / "data" / "real"
RECORDS = REAL / "datagoth_catalog_records.json"
TITLES_2016 = REAL / "datagoth_catalog_titles_2016.csv"
QUERIES = HERE / "thai_queries.tsv"
K = 10

# The three configurations, each a Solr core of the same node (deploy/bin/lib.sh prepare_solr_home).
# Stock runs with CKAN's own query parameters, passed explicitly, so our plugin's defaults do not apply.
STOCK_QUERY = {"defType": "dismax", "qf": "name^4 title^4 tags^2 groups^2 text", "mm": "2<-1 5<80%"}
CONFIGURATIONS = (
    ("thgov (ICU tokenizer)", "bench", {}),
    ("thgov (Thai tokenizer)", "bench_thaitok", {}),
    ("CKAN stock schema", "bench_stock", STOCK_QUERY),
)

GDC_DEFAULTS = {
    "data_type": "ข้อมูลสถิติ", "objective": ["เพื่อการให้บริการประชาชน"], "update_frequency_unit": "ปี",
    "geo_coverage": "ประเทศ", "data_format": ["CSV"], "data_category": "ข้อมูลสาธารณะ",
    "data_classification": "เปิดเผย", "license_id": "cc-by", "maintainer": "ฝ่ายข้อมูล",
    "maintainer_email": "data@example.go.th",
}
ORG_2016 = {"name": "datagoth-2016", "title": "รายการชุดข้อมูลพอร์ทัลเดิม"}


# --- judgments ---------------------------------------------------------------------------------

THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def normalise(text: str) -> str:
    """What a reader treats as the same text: NFC, Thai digits, SARA AM rejoined, case, spaces."""
    text = unicodedata.normalize("NFC", text).translate(THAI_DIGITS)
    text = text.replace("\u0e4d\u0e32", "\u0e33").replace("\u0e32\u0e4d", "\u0e33").replace("&nbsp;", " ")
    return re.sub(r"\s+", " ", text).lower()


@dataclass
class Query:
    text: str
    criteria: list[re.Pattern[str]]
    relevant: set[str] = field(default_factory=set)


def load_queries(path: Path) -> list[Query]:
    """One query per line: the text typed, then one regular expression per required concept."""
    queries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        text, *criteria = line.split("\t")
        if not criteria:
            raise SystemExit(f"{path}: no judgment criteria for {text!r}")
        queries.append(Query(text, [re.compile(normalise(c)) for c in criteria]))
    return queries


def judgment_text(dataset: dict[str, Any]) -> str:
    """What a search result shows of a dataset: title, publisher, tags and description."""
    tags = " ".join(dataset.get("tags") or [])
    publisher = dataset["organization"]["title"] if dataset["organization"] is not ORG_2016 else ""
    return normalise(f"{dataset['title']} | {publisher} | {tags} | {dataset.get('notes') or ''}")


def judge(queries: list[Query], corpus: list[dict[str, Any]]) -> None:
    texts = {d["name"]: judgment_text(d) for d in corpus}
    for query in queries:
        query.relevant = {name for name, text in texts.items() if all(c.search(text) for c in query.criteria)}


# --- corpus ------------------------------------------------------------------------------------

def corpus_records() -> list[dict[str, Any]]:
    records = json.loads(RECORDS.read_text(encoding="utf-8"))
    corpus = [
        {
            "name": r["name"], "title": r["title"], "notes": r.get("notes") or r["title"],
            "organization": r["organization"], "tags": r.get("tags") or [],
            "resources": [
                {"name": res.get("name") or res["format"], "format": res["format"], "url": res.get("url") or ""}
                for res in (r.get("resources") or [])[:10]
                if res.get("format") and res.get("url")  # required by the GDC schema; a few records lack them
            ],
        }
        for r in records
    ]
    with TITLES_2016.open(encoding="utf-8", newline="") as f:
        for number, row in enumerate(csv.DictReader(f), 1):
            corpus.append({
                "name": f"datagoth-2016-{number:03d}", "title": row["title"].strip(),
                # The 2016 list has no descriptions: the title stands in, as in 272 of the 2020 records.
                # Its category (e.g. "สถานที่ การท่องเที่ยว และกีฬา") is a broad shelf, not a topic.
                "notes": row["title"].strip(), "organization": ORG_2016, "tags": [],
                "resources": [{"name": row["title"].strip()[:100], "format": "HTML", "url": row["url"]}],
            })
    return corpus


def tag_dicts(tags: list[str]) -> list[dict[str, str]]:
    # Tags cut mid-character upstream end in U+FFFD; brackets and other signs the portal's tag rule
    # refuses are dropped, as an editor would have to.
    cleaned = {re.sub(r"[^\w .:\-\u0e00-\u0e7f]", "", t).strip()[:100] for t in tags}
    return [{"name": t} for t in sorted(cleaned) if len(t) >= 2]


def load_corpus(corpus: list[dict[str, Any]], tk: Any) -> None:
    from ckan import model

    loader, approver = sysadmin(tk, "bench-loader"), sysadmin(tk, "bench-approver")
    existing = set(tk.get_action("package_list")({"ignore_auth": True}, {}))
    organizations = {d["organization"]["name"]: d["organization"]["title"] for d in corpus}
    known = set(tk.get_action("organization_list")({"ignore_auth": True}, {"all_fields": False}))
    for name, title in organizations.items():
        if name not in known:
            tk.get_action("organization_create")({"user": loader}, {"name": name, "title": title})
    started, created = time.monotonic(), 0
    for dataset in corpus:
        if dataset["name"] in existing:
            stored = model.Package.get(dataset["name"])
            if stored is not None and stored.notes != dataset["notes"]:  # the corpus definition changed
                tk.get_action("package_patch")({"user": loader}, {"id": stored.id, "notes": dataset["notes"]})
            continue
        data = dict(GDC_DEFAULTS, name=dataset["name"], title=dataset["title"], notes=dataset["notes"],
                    owner_org=dataset["organization"]["name"], data_source=dataset["organization"]["title"],
                    tags=tag_dicts(dataset["tags"]) or [{"name": "data-go-th"}],  # GDC: tags are mandatory
                    resources=dataset["resources"])
        try:
            tk.get_action("package_create")({"user": loader}, data)
        except tk.ValidationError as error:
            # Say which record and why, then keep it out: the judgments use loaded records only.
            print(f"  not loaded: {dataset['name']}: {error.error_dict}", file=sys.stderr)
            model.Session.rollback()
            continue
        tk.get_action("thgov_publication_approve")({"user": approver}, {"id": dataset["name"]})
        created += 1
        if created % 200 == 0:
            print(f"  {created} datasets loaded ({created / (time.monotonic() - started):.0f}/s)", flush=True)
    if created:
        print(f"  {created} datasets created and approved in {time.monotonic() - started:.0f} s")


def sysadmin(tk: Any, name: str) -> str:
    from ckan import model

    if not model.User.get(name):
        tk.get_action("user_create")({"ignore_auth": True}, {
            "name": name, "email": f"{name}@example.go.th", "password": "bench-" + "x" * 12,
        })
    user = model.User.get(name)
    if not user.sysadmin:
        user.sysadmin = True
        model.repo.commit()
    return name


def index_into(core_url: str, tk: Any, expected: int) -> None:
    """(Re)build a core with CKAN's own indexer: always, so a changed configset (Solr restarted)
    is measured with documents analysed by it."""
    import pysolr
    from ckan.lib import search

    tk.config["solr_url"] = core_url
    started = time.monotonic()
    search.clear_all()
    search.rebuild(defer_commit=True, quiet=True)
    search.commit()
    held = pysolr.Solr(core_url).search("*:*", rows=0, fq="+capacity:public").hits
    if held != expected:
        raise SystemExit(f"{core_url}: {held} public datasets indexed, {expected} expected")
    print(f"  indexed {expected} datasets into {core_url.rsplit('/', 1)[1]} in {time.monotonic() - started:.0f} s")


# --- measurement -------------------------------------------------------------------------------

@dataclass
class Scores:
    recall: list[float] = field(default_factory=list)
    precision: list[float] = field(default_factory=list)
    reciprocal_rank: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)


def measure(queries: list[Query], search: Callable[[str], list[str]]) -> Scores:
    scores = Scores()
    for query in queries:
        started = time.perf_counter()
        ranked = search(query.text)[:K]
        scores.seconds.append(time.perf_counter() - started)
        hits = [name in query.relevant for name in ranked]
        # Recall at 10 against what 10 results can hold: a query with 40 relevant datasets scores
        # 1.0 when all ten results are relevant, one with 3 when all 3 are among the ten.
        # Precision at 10: the share of the (up to ten) results shown that are relevant.
        scores.recall.append(sum(hits) / min(K, len(query.relevant)))
        scores.precision.append(sum(hits) / len(hits) if hits else 0.0)
        first = next((rank for rank, hit in enumerate(hits, 1) if hit), None)
        scores.reciprocal_rank.append(1 / first if first else 0.0)
    return scores


def package_search(tk: Any, extra: dict[str, Any]) -> Callable[[str], list[str]]:
    def run(q: str) -> list[str]:
        # Anonymous, as the public searches: only approved, public datasets can be found.
        result = tk.get_action("package_search")(
            {"user": "", "ignore_auth": False}, dict(extra, q=q, rows=K, fl="name")
        )
        return [r["name"] for r in result["results"]]

    return run


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ini", required=True)
    parser.add_argument("--solr", default="http://127.0.0.1:8983/solr", help="Solr base URL (cores under it)")
    parser.add_argument("--queries", type=Path, default=QUERIES)
    parser.add_argument("--show", type=int, default=0, help="print the N worst queries of our configuration")
    args = parser.parse_args(argv[1:])

    queries = load_queries(args.queries)
    corpus = corpus_records()

    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(args.ini))
    logging.getLogger().setLevel(logging.WARNING)  # CKAN's per-dataset debug lines would drown the figures
    import ckan.plugins.toolkit as tk

    with app._wsgi_app.test_request_context():
        tk.config["solr_url"] = f"{args.solr}/{CONFIGURATIONS[0][1]}"
        print(f"Loading {len(corpus)} data.go.th records through package_create (skips those present)")
        load_corpus(corpus, tk)
        loaded = set(tk.get_action("package_list")({"ignore_auth": True}, {}))
        corpus = [d for d in corpus if d["name"] in loaded]
        judge(queries, corpus)
        empty = [q.text for q in queries if not q.relevant]
        if empty:
            raise SystemExit(f"queries with no relevant dataset (fix the judgments): {empty}")
        sizes = [len(q.relevant) for q in queries]
        print(f"{len(queries)} queries; relevant datasets per query: median {statistics.median(sizes):.0f}, "
              f"min {min(sizes)}, max {max(sizes)}; corpus {len(corpus)} datasets\n")

        results = []
        for label, core, extra in CONFIGURATIONS:
            index_into(f"{args.solr}/{core}", tk, len(loaded))
            results.append((label, core, measure(queries, package_search(tk, extra))))

    print(f"\n{'configuration':<26} {'recall@10':>10} {'precision@10':>13} {'MRR':>7} {'ms/query':>9}")
    for label, _core, s in results:
        print(f"{label:<26} {statistics.mean(s.recall):>10.3f} {statistics.mean(s.precision):>13.3f} "
              f"{statistics.mean(s.reciprocal_rank):>7.3f} {1000 * statistics.median(s.seconds):>9.1f}")
    if args.show:
        ours = results[0][2]
        worst = sorted(range(len(queries)), key=lambda i: (ours.recall[i], ours.reciprocal_rank[i]))[: args.show]
        print("\nLowest-scoring queries (ours):")
        for i in worst:
            print(f"  {queries[i].text:<30} recall {ours.recall[i]:.2f} rr {ours.reciprocal_rank[i]:.2f} "
                  f"relevant {len(queries[i].relevant)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
