"""The event log: one JSON object a line, appended, never holding a secret."""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

EVENT_TYPES = (
    "run_started",
    "node_started",
    "node_done",
    "node_failed",
    "llm_call",
    "tool_call",
    "critique",
    "revision",
    "human_note",
    "review_gate",
    "run_done",
)
_SECRET_PATTERNS = (
    re.compile(r"(?i)(authorization[\"']?\s*[:=]\s*[\"']?)(bearer\s+)?[^\s\"',}]+"),
    re.compile(r"(?i)(api[_-]?key[\"']?\s*[:=]\s*[\"']?)[^\s\"',}]+"),
    re.compile(r"()\bsk-[A-Za-z0-9_\-]{8,}"),
    re.compile(r"(\bBearer\s+)[A-Za-z0-9._~+/=\-]{16,}"),  # a token, not "the bearer of news"
    re.compile(r"()\beyJ[A-Za-z0-9_\-]+\.eyJ[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+"),  # a JWT (Kling)
)
_SECRET_ENV = (
    "OPENAI_API_KEY",
    "ANTHROPIC_API_KEY",
    "DEEPSEEK_API_KEY",
    "DASHSCOPE_API_KEY",
    # hosted generation services (tools/video, tools/hosted)
    "KLING_ACCESS_KEY",
    "KLING_SECRET_KEY",
    "ARK_API_KEY",
    "MINIMAX_API_KEY",
    "OPENAI_IMAGES_API_KEY",
    "OPENAI_SPEECH_API_KEY",
)


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def redact(text: str, secrets: list[str]) -> str:
    """Replace known secret values and anything shaped like a key or auth header."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "[REDACTED]")
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(lambda m: m.group(1) + "[REDACTED]", text)
    return text


def known_secrets() -> list[str]:
    return [os.environ[name] for name in _SECRET_ENV if os.environ.get(name)]


class EventLog:
    """Append-only JSONL; thread-safe; each line flushed so a kill loses at most one."""

    def __init__(self, path: Path, run_id: str) -> None:
        self.path = path
        self.run_id = run_id
        self._lock = threading.Lock()
        self._seq = _last_seq(path)

    def emit(
        self, type: str, *, agent: str | None = None, node: str | None = None, **fields: Any
    ) -> int:
        if type not in EVENT_TYPES:
            raise ValueError(f"unknown event type {type!r}")
        with self._lock:
            self._seq += 1
            event = {
                "ts": now_iso(),
                "run": self.run_id,
                "seq": self._seq,
                "type": type,
                "agent": agent,
                "node": node,
                **fields,
            }
            line = redact(json.dumps(event, ensure_ascii=False, default=str), known_secrets())
            with self.path.open("a", encoding="utf-8") as fh:
                fh.write(line + "\n")
            return self._seq


def read_events(path: Path) -> Iterator[dict[str, Any]]:
    """Every complete event; a torn last line (killed mid-write) is skipped."""
    if not path.exists():
        return
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if not line:
                continue
            try:
                yield json.loads(line)
            except json.JSONDecodeError:
                continue


def _last_seq(path: Path) -> int:
    last = 0
    for event in read_events(path):
        last = max(last, int(event.get("seq", 0)))
    return last
