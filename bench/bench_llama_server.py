"""A whole one-episode run against llama-cpp-python's own OpenAI-compatible server.

Starts `python -m llama_cpp.server` (the `server` extra) on 127.0.0.1 with the
embedded GGUF, runs `reelwright make --episodes 1 --llm openai:MODEL` against it,
and checks the run's event log against the server's access log: one llm_call
event per request the server answered, with the same HTTP statuses. Prints the
wall time, the structured-output method the backend settled on, requests,
tokens, repairs and retries. Slow on 2 cores: run it alone, under the lock.

    flock /tmp/embedded.lock .venv/bin/python bench/bench_llama_server.py
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))  # test support

from support.llama_server import ALIAS, llama_server  # noqa: E402

from reelwright.events import read_events  # noqa: E402
from reelwright.tools.llm.local import embedded_model_path  # noqa: E402

PREMISE = "A young fisherman battles the raging sea to save his mother"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=30, help="episode length")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--n-ctx", type=int, default=4096)
    parser.add_argument("--keep", type=Path, help="keep the run folder under this directory")
    args = parser.parse_args()
    runs = args.keep or Path(tempfile.mkdtemp(prefix="bench_llama_server_"))
    runs.mkdir(parents=True, exist_ok=True)
    log = runs / "llama_server.log"
    started = time.monotonic()
    with llama_server(embedded_model_path(), log, n_ctx=args.n_ctx, threads=args.threads) as srv:
        up = time.monotonic() - started
        env = {
            **os.environ,
            "OPENAI_BASE_URL": srv.base_url,
            "OPENAI_API_KEY": "not-needed",
            # one request at a time is all the server does; never give up on a queued one
            "REELWRIGHT_LLM_TIMEOUT": "3600",
        }
        command = [sys.executable, "-m", "reelwright.cli", "make", PREMISE, "--episodes", "1"]
        command += ["--episode-seconds", str(args.seconds), "--llm", f"openai:{ALIAS}"]
        command += ["--runs-dir", str(runs)]
        result = subprocess.run(command, capture_output=True, text=True, env=env)
        statuses = srv.requests()
    wall = time.monotonic() - started
    lines = result.stdout.strip().splitlines()
    run = Path(lines[-1]) if lines and Path(lines[-1]).is_dir() else None
    print(f"server up in {up:.1f} s; run exit code {result.returncode}; wall {wall:.1f} s")
    if run is None:
        print(result.stderr[-3000:])
        return 1
    events = list(read_events(run / "events.jsonl"))
    calls = [e for e in events if e["type"] == "llm_call" and not e.get("cache_hit")]
    failed = [e["node"] for e in events if e["type"] == "node_failed"]
    made = [200 if e.get("fault") is None else 500 for e in calls if e.get("fault") != "retry"]
    retries = sum(1 for e in calls if e.get("fault") == "retry")
    repairs = sum(1 for e in calls if e.get("fault") is None and e.get("attempt", 1) > 1)
    methods = Counter(e.get("method") for e in calls if e.get("fault") is None)
    print(f"run folder {run}")
    print(f"failed nodes: {', '.join(failed) or 'none'}")
    print(f"server access log: {len(statuses)} chat requests, statuses {dict(Counter(statuses))}")
    print(f"event log: {len(calls)} llm_call events; methods {dict(methods)}")
    print(f"repairs {repairs}, retries {retries}")
    print(
        f"tokens in {sum(e.get('tokens_in', 0) for e in calls)}, "
        f"out {sum(e.get('tokens_out', 0) for e in calls)}"
    )
    matches = retries == 0 and sorted(made) == sorted(statuses)
    print(f"events match the server's request log: {'yes' if matches else 'NO'}")
    if result.returncode != 0:
        print(result.stderr[-2000:])
    return 0 if result.returncode == 0 and matches else 1


if __name__ == "__main__":
    raise SystemExit(main())
