"""Embedded runtime settings, measured: threads, batch, grammar, prompt-lookup decoding.

    flock /tmp/embedded.lock .venv/bin/python bench/bench_llm_runtime.py \
        [--threads 2] [--threads-batch 2] [--batch 512] [--lookup 0] [--no-grammar] [--calls 2]

Runs the same director call (a compact Takes reply for a 6-shot scene) `--calls`
times through LocalLlamaBackend: the first pays the whole prompt, later ones reuse
the cached prefix. Prints load seconds, per call prompt and output tokens, seconds,
output tokens/s, and the load average (the machine is shared: read figures with it).

`--media-load N` runs N animatic clip renders in a loop beside the model, as a run's
media work does, and prints the clips they finished per minute of model time: the
model's speed and the media's progress under contention, for a threads setting.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

from reelwright.agents.takes import takes_schema
from reelwright.prompts import render
from reelwright.tools.llm import GenerationSettings, Message, RawReply
from reelwright.tools.llm.local import LocalLlamaBackend

SHOTS = "\n".join(
    [
        "1. [hook: A boat capsizes in the thunder] Lin Hai (determined): "
        "The storm is coming and I am going out anyway.",
        "2. Mei (worried): Please stay, my son. The sea took your father.",
        "3. Lin Hai (hopeful): I will bring back the medicine money, I promise.",
        "4. Mei (shocked): You sold your father's net?",
        "5. Lin Hai reacts, silent, to: You sold your father's net?",
        "6. Mei (resigned): You always were the stubborn one.",
    ]
)


def free_reply(
    backend: LocalLlamaBackend, messages: list[Message], settings: GenerationSettings
) -> RawReply:
    """The same call without the JSON grammar: what the grammar costs per token."""
    llama = backend._load()
    result = llama.create_chat_completion(  # type: ignore[attr-defined]
        messages=[m.model_dump() for m in messages],
        max_tokens=settings.max_tokens,
        temperature=settings.temperature,
        seed=settings.seed,
    )
    usage = result["usage"]
    return RawReply(
        text=result["choices"][0]["message"]["content"] or "",
        tokens_in=usage["prompt_tokens"],
        tokens_out=usage["completion_tokens"],
    )


def media_worker(stop: Any, done: Any) -> None:
    """Render a 3 s push-in animatic clip again and again until told to stop."""
    from reelwright.tools.animatic import AnimaticBackend
    from reelwright.tools.media import ClipRequest, FrameRequest
    from reelwright.tools.storyboard import StoryboardBackend

    with tempfile.TemporaryDirectory() as tmp:
        frame = Path(tmp) / "frame.png"
        StoryboardBackend().render(
            FrameRequest(shot_id="1.1.1", prompt="a fisherman in the storm", width=1080,
                         height=1920, size="MCU", location="Harbour", time_of_day="NIGHT",
                         duration=3.0),
            frame,
        )  # fmt: skip
        req = ClipRequest(shot_id="1.1.1", frame_path=frame, move="push in", duration=3.0,
                          width=1080, height=1920)  # fmt: skip
        while not stop.is_set():
            AnimaticBackend().render(req, Path(tmp) / "clip.mp4")
            with done.get_lock():
                done.value += 1


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--threads-batch", type=int, default=None)
    parser.add_argument("--batch", type=int, default=None)
    parser.add_argument("--lookup", type=int, default=0, help="prompt-lookup draft tokens")
    parser.add_argument("--no-grammar", action="store_true")
    parser.add_argument("--calls", type=int, default=2)
    parser.add_argument("--media-load", type=int, default=0, help="clip renders beside")
    args = parser.parse_args()
    backend = LocalLlamaBackend(
        threads=args.threads,
        threads_batch=args.threads_batch,
        batch=args.batch,
        lookup=args.lookup,
    )
    t0 = time.monotonic()
    backend._load()
    load_s = time.monotonic() - t0
    schema = takes_schema(6)
    rows = []
    stop, done = multiprocessing.Event(), multiprocessing.Value("i", 0)
    workers = [
        multiprocessing.Process(target=media_worker, args=(stop, done))
        for _ in range(args.media_load)
    ]
    for w in workers:
        w.start()
    if workers:
        time.sleep(3)  # the workers are rendering before the model starts
    busy_s, clips_before = 0.0, done.value
    for i in range(args.calls):
        system, user = render(
            "director_takes",
            heading="INT. FISHING HUT - NIGHT",
            action=f"Wind rattles the shutters while Lin Hai packs his gear (take {i}).",
            shots=SHOTS,
            count=6,
            node=f"shotlist:1.{i + 1}",
        )
        messages = [Message(role="system", content=system), Message(role="user", content=user)]
        settings = GenerationSettings(seed=i, max_tokens=300)
        load_before = os.getloadavg()[0]
        t = time.monotonic()
        if args.no_grammar:
            reply = free_reply(backend, messages, settings)
        else:
            reply = backend.generate(messages, schema, settings)
        seconds = time.monotonic() - t
        busy_s += seconds
        try:
            ok = bool(schema.model_validate_json(reply.text).shots)
        except ValueError:
            ok = False
        rows.append(
            {
                "tokens_in": reply.tokens_in,
                "tokens_out": reply.tokens_out,
                "seconds": round(seconds, 2),
                "out_per_s": round(reply.tokens_out / seconds, 2),
                "valid": ok,
                "load1": round(load_before, 2),
            }
        )
    clips = done.value - clips_before
    stop.set()
    for w in workers:
        w.join()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "peak_rss_mb": round(peak_mb),
                "threads": backend.threads,
                "threads_batch": backend.threads_batch,
                "batch": backend.batch,
                "lookup": args.lookup,
                "media_load": args.media_load,
                "clips_per_model_min": round(60 * clips / busy_s, 1) if workers else None,
                "grammar": not args.no_grammar,
                "load_s": round(load_s, 2),
                "calls": rows,
                "sample_reply": reply.text[:300],
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
