"""An OpenAI-compatible endpoint on 127.0.0.1 that serves a scripted story, with faults.

Replies are chosen by the request's schema name and the plan node its X-Reelwright-Node
header names, never by a marker planted in the prompt, so the real prompts go through
unchanged.

Each request draws one outcome: a good reply, or one of the faults real
endpoints produce (429/500/503, a reply cut off mid-JSON, finish_reason length,
tool-call arguments cut off, an empty reply, a refusal, an HTML error page with
status 200, a reply slower than the client's timeout). A method in `refuse`
(json_schema, json_object, tools) is answered with HTTP 500 naming the
response format, as llama-cpp-python's server answers json_schema. Every
request is logged with its outcome, so a test can check the client's event log
against what the endpoint saw.
"""

from __future__ import annotations

import hashlib
import json
import random
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from reelwright.tools.llm.openai_compat import NODE_HEADER

ERRORS = {"429": 429, "500": 500, "503": 503}
REPLY_FAULTS = ("cut", "length", "tool_args", "empty", "refusal", "html", "slow")
FAULTS = (*ERRORS, *REPLY_FAULTS)


@dataclass
class Faults:
    """How often each fault happens.

    `always` gives one reply key ("Scene@scene:1.2") the same fault every time;
    `script` outcomes are served next, in order; then `rates` are drawn from.
    """

    rates: dict[str, float] = field(default_factory=dict)
    seed: int = 0
    script: list[str] = field(default_factory=list)
    slow_s: float = 2.0
    refuse: tuple[str, ...] = ()
    always: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = set(self.rates) | set(self.script) | set(self.always.values())
        unknown -= {*FAULTS, "ok"}
        if unknown:
            raise ValueError(f"unknown faults {sorted(unknown)}")
        self._rng = random.Random(self.seed)
        self._script = deque(self.script)

    def draw(self, key: str) -> str:
        if key in self.always:
            return self.always[key]
        if self._script:
            return self._script.popleft()
        roll = self._rng.random()
        for kind, rate in sorted(self.rates.items()):
            if roll < rate:
                return kind
            roll -= rate
        return "ok"


@dataclass
class Served:
    """One request as the endpoint saw it."""

    key: str
    method: str
    outcome: str
    body_sha: str


def route(schema: str, node: str | None) -> str:
    """The scripted reply's key: "Schema@node", the node named in the request's tag header."""
    return f"{schema}@{node}" if node else schema


def method_and_schema(body: dict[str, Any]) -> tuple[str, str]:
    """How the client asked for structure, and the schema's name."""
    fmt = body.get("response_format") or {}
    if fmt.get("type") == "json_schema":
        return "json_schema", str(fmt.get("json_schema", {}).get("name", ""))
    if fmt.get("type") == "json_object":
        return "json_object", str((fmt.get("schema") or {}).get("title", ""))
    tools = body.get("tools") or []
    if tools:
        return "tools", str(tools[0]["function"]["name"])
    return "text", ""


class FaultState:
    def __init__(self, replies: dict[str, list[Any]], faults: Faults) -> None:
        self.replies = {k: deque(v) for k, v in replies.items()}
        self.faults = faults
        self.served: list[Served] = []
        self.lock = threading.Lock()

    def next_reply(self, key: str) -> Any:
        """The scripted reply; the last one of a queue is served again, never run out."""
        schema = key.split("@")[0]
        for candidate in (key, schema):
            queue = self.replies.get(candidate)
            if queue:
                return queue.popleft() if len(queue) > 1 else queue[0]
        raise KeyError(f"no scripted reply for {key}")

    def good_served(self) -> list[Served]:
        return [s for s in self.served if s.outcome == "ok"]


def _completion(message: dict[str, Any], finish: str) -> dict[str, Any]:
    return {
        "id": "stub",
        "object": "chat.completion",
        "created": 0,
        "model": "stub-model",
        "choices": [{"index": 0, "finish_reason": finish, "message": message}],
        "usage": {"prompt_tokens": 100, "completion_tokens": 50, "total_tokens": 150},
    }


def _answer(outcome: str, method: str, schema: str, reply: Any) -> tuple[str, dict[str, Any]]:
    """(finish_reason, message) for a 200 reply with this outcome."""
    text = json.dumps(reply, ensure_ascii=False)
    cut = text[: max(1, len(text) * 3 // 5)]
    if outcome == "empty":
        return "stop", {"role": "assistant", "content": ""}
    if outcome == "refusal":
        return "stop", {"role": "assistant", "content": None, "refusal": "I can't help with that."}
    finish = "length" if outcome == "length" else "stop"
    if method == "tools":
        args = cut if outcome in ("cut", "length", "tool_args") else text
        call = {"id": "call_1", "type": "function", "function": {"name": schema, "arguments": args}}
        return (finish if finish == "length" else "tool_calls"), {
            "role": "assistant",
            "content": None,
            "tool_calls": [call],
        }
    return finish, {"role": "assistant", "content": cut if outcome != "ok" else text}


def _handler(state: FaultState) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            return

        def _send(self, status: int, data: bytes, kind: str = "application/json") -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up first (a slow reply past its timeout)

        def _json(self, status: int, payload: dict[str, Any]) -> None:
            self._send(status, json.dumps(payload, ensure_ascii=False).encode())

        def do_GET(self) -> None:  # noqa: N802
            self._json(200, {"object": "list", "data": [{"id": "stub-model", "object": "model"}]})

        def do_POST(self) -> None:  # noqa: N802
            raw = self.rfile.read(int(self.headers["Content-Length"]))
            body = json.loads(raw)
            method, schema = method_and_schema(body)
            key = route(schema, self.headers.get(NODE_HEADER))
            with state.lock:
                if method in state.faults.refuse:
                    outcome = "refused"
                else:
                    outcome = state.faults.draw(key)
                    if outcome == "tool_args" and method != "tools":
                        outcome = "cut"
                state.served.append(Served(key, method, outcome, _sha(raw)))
            if outcome == "refused":
                refusal = (
                    "1 validation error: ('body', 'response_format', 'type') "
                    "Input should be 'text' or 'json_object'"
                )
                self._json(500, {"error": {"message": refusal, "type": "internal_server_error"}})
                return
            if outcome in ERRORS:
                self._json(ERRORS[outcome], {"error": {"message": f"stub fault {outcome}"}})
                return
            if outcome == "html":
                page = b"<html><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>"
                self._send(200, page, "text/html")
                return
            try:
                with state.lock:
                    reply = state.next_reply(key)
            except KeyError as exc:
                self._json(400, {"error": {"message": str(exc)}})
                return
            if outcome == "slow":
                time.sleep(state.faults.slow_s)
            finish, message = _answer(outcome, method, schema, reply)
            self._json(200, _completion(message, finish))

    return Handler


def _sha(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()[:16]


@contextmanager
def fault_stub(
    replies: dict[str, list[Any]], faults: Faults | None = None
) -> Iterator[tuple[str, FaultState]]:
    """Serve on 127.0.0.1 (a free port) until the block ends; yields (base_url, state)."""
    state = FaultState(replies, faults or Faults())
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", state
    finally:
        server.shutdown()
        server.server_close()
