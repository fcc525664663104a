"""A local OpenAI-compatible endpoint on 127.0.0.1 that serves a scripted story."""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from reelwright.tools.llm.openai_compat import NODE_HEADER


class StubState:
    def __init__(
        self, replies: dict[str, list[Any]], delay_s: float = 0.0, replay: bool = False
    ) -> None:
        self.replies = {k: deque(v) for k, v in replies.items()}
        self.delay_s = delay_s
        # replay: a key whose queue ran dry answers its last reply again, as a real
        # model would; a killed client's request was answered but never saved.
        self.replay = replay
        self.last: dict[str, Any] = {}
        self.requests: list[dict[str, Any]] = []
        self.auth_headers: list[str] = []
        self.lock = threading.Lock()

    def reply_for(self, body: dict[str, Any], node: str | None) -> Any:
        """The next scripted reply for the request's schema and node (from its header)."""
        fmt = body.get("response_format") or {}
        schema = fmt.get("json_schema", {}).get("name") or ""
        with self.lock:
            for key in (f"{schema}@{node}", schema):
                if self.replies.get(key):
                    self.last[key] = self.replies[key].popleft()
                    return self.last[key]
                if self.replay and key in self.last:
                    return self.last[key]
        raise KeyError(f"no scripted reply for {schema}@{node}")


def _handler(state: StubState) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            return

        def _send(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:  # noqa: N802
            self._send(200, {"object": "list", "data": [{"id": "stub-model", "object": "model"}]})

        def do_POST(self) -> None:  # noqa: N802
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            state.auth_headers.append(self.headers.get("Authorization", ""))
            with state.lock:
                state.requests.append(body)
            if state.delay_s:
                time.sleep(state.delay_s)
            try:
                reply = state.reply_for(body, self.headers.get(NODE_HEADER))
                content = json.dumps(reply, ensure_ascii=False)
            except KeyError as exc:
                self._send(400, {"error": {"message": str(exc)}})
                return
            self._send(
                200,
                {
                    "id": "stub",
                    "object": "chat.completion",
                    "created": 0,
                    "model": "stub-model",
                    "choices": [
                        {
                            "index": 0,
                            "finish_reason": "stop",
                            "message": {"role": "assistant", "content": content},
                        }
                    ],
                    "usage": {"prompt_tokens": 100, "completion_tokens": 50, "total_tokens": 150},
                },
            )

    return Handler


@contextmanager
def openai_stub(
    replies: dict[str, list[Any]], delay_s: float = 0.0, replay: bool = False
) -> Iterator[tuple[str, StubState]]:
    state = StubState(replies, delay_s, replay)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", state
    finally:
        server.shutdown()
        server.server_close()
