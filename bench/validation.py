"""Benchmark: thgov_validators against stock frictionless 5.21 on the same files, in one run.

    make bench-validation                 # 1,000,000-row CSV, 100,000-row XLSX, 5,000,000-row memory check
    make bench-validation ARGS="--quick"  # 100,000 / 10,000 / 500,000 rows

Each validation runs in its own subprocess, so its peak memory (ru_maxrss) is its own. Times are
medians over --repeats runs. Both engines run with the same Table Schema and a high
limit_errors, and the benchmark compares the sets of (row, field, error type) they report.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
sys.path.insert(0, str(HERE))
LIMIT = 1_000_000


def _key(error: dict) -> list:
    note = error.get("note", "") if error.get("type") == "constraint-error" else ""
    return [error.get("rowNumber"), error.get("fieldNumber"), error.get("type"), note]


def run_one(engine: str, path: str, schema: str, out: str) -> None:
    """Child process: validate once, write timings, peak memory and error keys to ``out``."""
    import resource

    started = time.perf_counter()
    if engine == "frictionless":
        from frictionless import Resource, Schema, system

        with system.use_context(trusted=True):
            report = Resource(path, schema=Schema.from_descriptor(json.loads(Path(schema).read_text("utf-8")))
                              ).validate(limit_errors=LIMIT)
        descriptor = report.to_descriptor()
        errors = [e for task in descriptor["tasks"] for e in task["errors"]] + descriptor["errors"]
    else:
        import thgov_validators

        report = thgov_validators.validate(path, schema, limit_errors=LIMIT, max_report_bytes=0,
                                           thai_checks=engine == "thgov")
        errors = [e for e in report["tasks"][0]["errors"]
                  if not e["type"].startswith(("thai-", "email-", "formula-"))]
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    Path(out).write_text(json.dumps({"seconds": seconds, "peak_mb": peak,
                                     "errors": sorted(map(_key, errors), key=str)}))


def measure(engine: str, path: Path, schema: Path, repeats: int) -> dict:
    runs = []
    for _ in range(repeats):
        out = DATA / f".result-{engine}.json"
        subprocess.run([sys.executable, __file__, "--child", engine, str(path), str(schema), str(out)],
                       check=True)
        runs.append(json.loads(out.read_text()))
        out.unlink()
    return {
        "seconds": statistics.median(r["seconds"] for r in runs),
        "all_seconds": [round(r["seconds"], 2) for r in runs],
        "peak_mb": max(r["peak_mb"] for r in runs),
        "errors": runs[0]["errors"],
    }


def ensure_data(rows_csv: int, rows_xlsx: int, rows_big: int) -> dict[str, Path]:
    import thai_table

    DATA.mkdir(exist_ok=True)
    schema = DATA / "schema.json"
    schema.write_text(json.dumps(thai_table.SCHEMA, ensure_ascii=False, indent=1), "utf-8")
    files = {"schema": schema}
    for name, rows, writer in (("csv", rows_csv, thai_table.write_csv),
                               ("xlsx", rows_xlsx, thai_table.write_xlsx),
                               ("big", rows_big, thai_table.write_csv)):
        if not rows:
            continue
        ext = "xlsx" if name == "xlsx" else "csv"
        path = DATA / f"thai_{rows}.{ext}"
        if not path.exists():
            started = time.perf_counter()
            print(f"generating {path.name} ...", flush=True)
            writer(str(path) + ".part", rows)
            os.replace(str(path) + ".part", path)
            print(f"  {path.stat().st_size / 1e6:.0f} MB in {time.perf_counter() - started:.0f} s", flush=True)
        files[name] = path
    return files


def compare(title: str, path: Path, schema: Path, repeats: int, fric_repeats: int) -> dict:
    print(f"\n== {title}: {path.name} ({path.stat().st_size / 1e6:.0f} MB)", flush=True)
    ours = measure("thgov", path, schema, repeats)
    ours_core = measure("thgov-no-thai", path, schema, repeats)
    theirs = measure("frictionless", path, schema, fric_repeats)
    same = ours["errors"] == theirs["errors"]
    ratio = theirs["seconds"] / ours["seconds"]
    ratio_core = theirs["seconds"] / ours_core["seconds"]
    print(f"  frictionless 5.21     median {theirs['seconds']:8.2f} s  runs {theirs['all_seconds']}"
          f"  peak {theirs['peak_mb']:6.0f} MB  errors {len(theirs['errors'])}")
    print(f"  thgov_validators      median {ours['seconds']:8.2f} s  runs {ours['all_seconds']}"
          f"  peak {ours['peak_mb']:6.0f} MB  errors {len(ours['errors'])} (+ Thai checks)")
    print(f"  thgov (no Thai check) median {ours_core['seconds']:8.2f} s  runs {ours_core['all_seconds']}"
          f"  peak {ours_core['peak_mb']:6.0f} MB")
    print(f"  speed-up {ratio:.1f}x (with Thai checks), {ratio_core:.1f}x (standard checks only)")
    print(f"  identical errors (row, field, type): {'YES' if same else 'NO'}")
    if not same:
        a = {tuple(map(str, e)) for e in ours["errors"]}
        b = {tuple(map(str, e)) for e in theirs["errors"]}
        print(f"    only thgov: {sorted(a - b)[:5]}  only frictionless: {sorted(b - a)[:5]}")
    return {"ratio": ratio, "same": same, "ours": ours, "theirs": theirs}


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        run_one(*sys.argv[2:6])
        return 0
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="10x smaller files")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--frictionless-repeats", type=int, default=3)
    parser.add_argument("--skip-big", action="store_true", help="skip the 5,000,000-row memory check")
    parser.add_argument("--big-repeats", type=int, default=1, help="runs of the 5,000,000-row check")
    parser.add_argument("--only", choices=["csv", "xlsx"], help="run one format only")
    args = parser.parse_args()
    scale = 10 if args.quick else 1
    files = ensure_data(1_000_000 // scale, 100_000 // scale, 0 if args.skip_big else 5_000_000 // scale)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    csv = xlsx = None
    if args.only != "xlsx":
        csv = compare("CSV", files["csv"], files["schema"], args.repeats, args.frictionless_repeats)
    if args.only != "csv":
        xlsx = compare("XLSX", files["xlsx"], files["schema"], args.repeats, args.frictionless_repeats)
    print("\n== Targets")
    if csv:
        print(f"  CSV  >= 10x: {csv['ratio']:.1f}x {'met' if csv['ratio'] >= 10 else 'NOT met'};"
              f" identical errors: {'yes' if csv['same'] else 'NO'};"
              f" peak {csv['ours']['peak_mb']:.0f} MB {'< 300 MB' if csv['ours']['peak_mb'] < 300 else '>= 300 MB'}")
    if xlsx:
        print(f"  XLSX >= 5x:  {xlsx['ratio']:.1f}x {'met' if xlsx['ratio'] >= 5 else 'NOT met'};"
              f" identical errors: {'yes' if xlsx['same'] else 'NO'}")
    if "big" in files and csv and not args.skip_big:
        big = measure("thgov", files["big"], files["schema"], args.big_repeats)
        small = csv["ours"]["peak_mb"]
        print(f"\n== Memory: {files['big'].name}: median {big['seconds']:.1f} s, runs {big['all_seconds']},"
              f" peak {big['peak_mb']:.0f} MB, errors {len(big['errors'])}")
        print(f"  5x the rows, peak no higher than the {csv['ours']['peak_mb']:.0f} MB of"
              f" {files['csv'].name}: {'met' if big['peak_mb'] <= small else 'NOT met'}"
              f" ({big['peak_mb'] - small:+.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
