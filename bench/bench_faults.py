"""One-episode runs against a faulty OpenAI-compatible endpoint: do they all finish?

Each run is `reelwright make --episodes 1 --llm openai:stub-model` against the
fault stub (tests/support/fault_stub.py) serving the scripted test story, where
by default 20% of requests fail with 429/500/503 and 20% of replies are cut off
mid-JSON. Prints, per seed: finished or not, failed nodes, repairs, retries,
requests the endpoint saw, wall seconds.

    .venv/bin/python bench/bench_faults.py                 # 10 seeds
    .venv/bin/python bench/bench_faults.py --runs 3 --cut 0.3 --errors 0.3
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))  # test support

from support.fault_run import make_through_stub  # noqa: E402
from support.fault_stub import Faults  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--errors", type=float, default=0.2, help="share of 429/500/503")
    parser.add_argument("--cut", type=float, default=0.2, help="share of cut-off replies")
    parser.add_argument("--seconds", type=int, default=20, help="episode length")
    args = parser.parse_args()
    third = args.errors / 3
    rates = {"429": third, "500": third, "503": third, "cut": args.cut}
    print(f"faults per request: {args.errors:.0%} 429/500/503, {args.cut:.0%} cut off")
    print(
        f"{'seed':>4} {'finished':>8} {'failed':>10} {'repairs':>7} {'retries':>7} "
        f"{'requests':>8} {'wall_s':>7}"
    )
    finished = 0
    for seed in range(args.first_seed, args.first_seed + args.runs):
        started = time.monotonic()
        with tempfile.TemporaryDirectory() as runs:
            run = make_through_stub(
                Path(runs), Faults(rates=rates, seed=seed), seconds=args.seconds, cli_timeout_s=3600
            )
        finished += run.finished
        print(
            f"{seed:>4} {'yes' if run.finished else 'NO':>8} "
            f"{','.join(run.failed) or '-':>10} {run.repairs:>7} {run.count('retry'):>7} "
            f"{len(run.served):>8} {time.monotonic() - started:>7.1f}",
            flush=True,
        )
        if not run.finished and not run.failed:
            print(run.stderr[-1500:], file=sys.stderr)
    print(f"finished {finished} of {args.runs}")
    return 0 if finished == args.runs else 1


if __name__ == "__main__":
    raise SystemExit(main())
