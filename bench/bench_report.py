"""Seconds to write report.html for a synthetic run of 1,000 nodes and 2,000 events.

The run is the report's sample story (8 episodes, many shots per scene, real PNG
frames) cut to exactly 1,000 plan nodes and 2,000 events. Prints the median of
several writes, the page size, the share of each section, and the OTLP export time
when the otel extra is installed.

Run from the repo root:  .venv/bin/python bench/bench_report.py
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))  # test support

from support.sample_run import make_sample_run

from reelwright.report import SECTIONS, write_report
from reelwright.report.data import load_run


def synthetic_run(root: Path, nodes: int, events: int) -> Path:
    """The sample run, trimmed to exactly `nodes` plan nodes and `events` events."""
    run = make_sample_run(root / "20250301-090000-bench", episodes=8, shots_per_scene=12)
    plan = json.loads((run / "plan.json").read_text("utf-8"))
    if len(plan["nodes"]) < nodes:
        raise SystemExit(f"the sample has only {len(plan['nodes'])} nodes")
    plan["nodes"] = plan["nodes"][:nodes]
    keep = {n["id"] for n in plan["nodes"]}
    plan["edges"] = [e for e in plan["edges"] if e["source"] in keep and e["target"] in keep]
    (run / "plan.json").write_text(json.dumps(plan, ensure_ascii=False), "utf-8")
    lines = (run / "events.jsonl").read_text("utf-8").splitlines()
    if len(lines) < events:
        raise SystemExit(f"the sample has only {len(lines)} events")
    (run / "events.jsonl").write_text("\n".join(lines[:events]) + "\n", "utf-8")
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=1000)
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run = synthetic_run(Path(tmp), args.nodes, args.events)
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            out = write_report(run)
            times.append(time.perf_counter() - start)
        data = load_run(run)
        print(f"run: {len(data.nodes)} nodes, {len(data.edges)} edges, {len(data.events)} events")
        print(
            f"write_report: median {statistics.median(times):.3f} s, "
            f"min {min(times):.3f} s over {args.repeat} writes; "
            f"report.html {out.stat().st_size / 1e6:.2f} MB"
        )
        start = time.perf_counter()
        load_run(run)
        print(f"  load_run            {time.perf_counter() - start:.3f} s")
        for key, _title, build in SECTIONS:
            start = time.perf_counter()
            build(data)
            print(f"  section {key:<11} {time.perf_counter() - start:.3f} s")
        try:
            from reelwright.report.otel import export_otel

            start = time.perf_counter()
            otlp = export_otel(run)
            print(
                f"export_otel: {time.perf_counter() - start:.3f} s, "
                f"{otlp.stat().st_size / 1e6:.2f} MB"
            )
        except Exception as exc:  # the otel extra is optional
            print(f"export_otel: skipped ({exc})")


if __name__ == "__main__":
    main()
