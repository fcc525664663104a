"""The README's main job on the embedded model: 1 episode of 90 s from an empty run cache.

    flock /tmp/embedded.lock .venv/bin/python bench/bench_embedded_run.py [--episodes 1]
        [--seconds 90] [--premise "..."] [--llm local] [--keep DIR]

Prints wall seconds per phase (bible, outlines, scenes, critique, shot lists, frames,
voices, render; parallel nodes counted once, so phases overlap), model calls, failed
replies, tokens in and out, tokens/s, director fallbacks, the first spoken line's
start, peak memory (RSS of the run's process, when it came, its curve by minute)
and the machine's load before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from run_figures import first_line_start, model_figures, phase_seconds, read  # noqa: E402

PREMISE = "A young fisherman battles the raging sea to save his mother"


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


class RssWatch(threading.Thread):
    """The run's resident memory twice a second: when the peak came, and the curve."""

    def __init__(self, pid: int, started: float) -> None:
        super().__init__(daemon=True)
        self.pid, self.started, self.stop = pid, started, threading.Event()
        self.peak_mb, self.peak_at = 0.0, 0.0
        self.by_minute: list[int] = []

    def run(self) -> None:
        status = Path(f"/proc/{self.pid}/status")
        while not self.stop.wait(0.5):
            try:
                kb = next(int(x.split()[1]) for x in status.read_text().splitlines()
                          if x.startswith("VmRSS:"))  # fmt: skip
            except (OSError, StopIteration):
                return
            at = time.monotonic() - self.started
            minute = int(at // 60)
            self.by_minute += [0] * (minute + 1 - len(self.by_minute))
            self.by_minute[minute] = max(self.by_minute[minute], kb // 1024)
            if kb / 1024 > self.peak_mb:
                self.peak_mb, self.peak_at = kb / 1024, round(at, 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--premise", default=PREMISE)
    parser.add_argument("--episodes", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=90.0)
    parser.add_argument("--llm", default="local")
    parser.add_argument("--keep", type=Path, help="Keep the runs folder here.")
    parser.add_argument("extra", nargs="*", help="More `reelwright make` options, after --")
    args = parser.parse_args()
    runs = args.keep or Path(tempfile.mkdtemp(prefix="bench-embedded-"))
    command = [
        sys.executable,
        "-m",
        "reelwright.cli",
        "make",
        args.premise,
        "--episodes",
        str(args.episodes),
        "--episode-seconds",
        str(args.seconds),
        "--llm",
        args.llm,
        "--runs-dir",
        str(runs),
        *args.extra,
    ]
    load_before = load()
    started = time.monotonic()
    # stderr passes through: the run's own one line per finished node
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env={**os.environ})
    rss = RssWatch(proc.pid, started)
    rss.start()
    stdout, _ = proc.communicate()
    result = subprocess.CompletedProcess(command, proc.returncode, stdout)
    wall = time.monotonic() - started
    rss.stop.set()
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    run = Path(result.stdout.strip().splitlines()[-1]) if result.stdout.strip() else None
    events = read(run) if run and (run / "events.jsonl").is_file() else []
    figures = {
        "command": " ".join(command[2:]),
        "exit": result.returncode,
        "wall_s": round(wall, 1),
        "load_before": load_before,
        "load_after": load(),
        "cpus": os.cpu_count(),
        "peak_rss_mb": round(peak_mb),
        "peak_rss_at_s": rss.peak_at,
        "rss_mb_by_minute": rss.by_minute,
        "phases_s": phase_seconds(events),
        **model_figures(events),
        "first_line_s": first_line_start(run) if run else None,
        "run": str(run),
    }
    print(json.dumps(figures, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
