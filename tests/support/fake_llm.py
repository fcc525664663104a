"""A scripted fake model for tests: queued replies, every call recorded.

Replies are looked up by (schema name, node id: the call's tag) first, then by schema name, then
from the plain queue. A call nobody scripted raises UnexpectedModelCall, so a
test notices an extra model call instead of getting a made-up answer.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from reelwright.tools.errors import ToolError
from reelwright.tools.llm import GenerationSettings, Message, RawReply, TransientModelError

Reply = BaseModel | dict[str, Any] | str | Exception
Responder = Callable[[list[Message], type[BaseModel]], Reply | None]


class UnexpectedModelCall(ToolError):
    """The scripted fake got a call nobody scripted."""


class ScriptedModel:
    """A ChatBackend whose replies a test writes in advance."""

    concurrency = 4

    def __init__(
        self,
        replies: list[Reply] | None = None,
        *,
        responder: Responder | None = None,
        delay_s: float = 0.0,
        name: str = "fake:scripted",
    ) -> None:
        self.name = name
        self.queue: deque[Reply] = deque(replies or [])
        self.by_key: dict[str, deque[Reply]] = {}
        self.responder = responder
        self.delay_s = delay_s
        self.calls: list[tuple[list[Message], str]] = []
        self._lock = threading.Lock()

    def add(self, schema_name: str, *replies: Reply, node: str | None = None) -> ScriptedModel:
        key = f"{schema_name}@{node}" if node else schema_name
        self.by_key.setdefault(key, deque()).extend(replies)
        return self

    def generate(
        self, messages: list[Message], schema: type[BaseModel], settings: GenerationSettings
    ) -> RawReply:
        with self._lock:
            self.calls.append((messages, schema.__name__))
            reply = self._next(messages, schema, settings.tag or None)
        if self.delay_s:
            time.sleep(self.delay_s)
        if isinstance(reply, TransientModelError | Exception):
            raise reply
        if isinstance(reply, BaseModel):
            text = reply.model_dump_json()
        elif isinstance(reply, dict):
            text = json.dumps(reply, ensure_ascii=False)
        else:
            text = reply
        prompt_chars = sum(len(m.content) for m in messages)
        return RawReply(text=text, tokens_in=prompt_chars // 4, tokens_out=len(text) // 4)

    def _next(self, messages: list[Message], schema: type[BaseModel], node: str | None) -> Reply:
        for key in (f"{schema.__name__}@{node}", schema.__name__):
            queue = self.by_key.get(key)
            if queue:
                return queue.popleft()
        if self.responder is not None:
            reply = self.responder(messages, schema)
            if reply is not None:
                return reply
        if self.queue:
            return self.queue.popleft()
        raise UnexpectedModelCall(f"unexpected model call for {schema.__name__} (node {node})")

    def calls_for(self, schema_name: str) -> int:
        return sum(1 for _, name in self.calls if name == schema_name)

    def assert_complete(self) -> None:
        left = len(self.queue) + sum(len(q) for q in self.by_key.values())
        if left:
            raise AssertionError(f"{left} scripted replies were never asked for")

    @classmethod
    def from_file(cls, path: Path) -> ScriptedModel:
        """A script file: {"delay_s": 0.1, "concurrency": 1, "replies": {"Schema@node": [...]}}."""
        data = json.loads(path.read_text(encoding="utf-8"))
        model = cls(delay_s=float(data.get("delay_s", 0.0)), name=f"fake:{path.name}")
        model.concurrency = int(data.get("concurrency", cls.concurrency))
        for key, replies in data.get("replies", {}).items():
            model.by_key[key] = deque(replies)
        return model
