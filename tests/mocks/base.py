"""What every mock service shares: a 127.0.0.1 HTTP server, tasks that take time, billing.

A mock speaks its service's documented shapes (see each module); this base keeps the
tasks, serves the result files (small 9:16 MP4s made with the bundled ffmpeg), counts
submissions, injects a rate limit on the first create, and bills what succeeded.
"""

from __future__ import annotations

import json
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from imageio_ffmpeg import get_ffmpeg_exe

REFUSE = "FORBIDDEN-SCENE"  # a prompt with this word is refused by content policy


@dataclass
class Task:
    id: str
    seconds: int
    created: float
    body: dict[str, Any]
    fail: str | None = None
    polls: int = 0


@dataclass
class MockState:
    name: str
    files: Path
    task_seconds: float = 0.3  # how long a task runs before it succeeds
    rate_limit_first: bool = True
    refuse_nth: int = 0  # the nth accepted task fails moderation (0: none)
    drop_first_reply: bool = False  # the first task is created, but its reply is lost
    tasks: dict[str, Task] = field(default_factory=dict)
    creates: list[dict[str, Any]] = field(default_factory=list)  # accepted submissions
    rejected: int = 0  # 429s and other refusals at create time
    billed_usd: float = 0.0
    billed_tasks: set[str] = field(default_factory=set)
    auth: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    base_url: str = ""

    def new_task(self, body: dict[str, Any], seconds: int, prompt: str) -> Task:
        with self.lock:
            task = Task(f"{self.name}-{len(self.creates) + 1:04d}", seconds, time.monotonic(), body)
            refused = REFUSE in prompt or len(self.creates) + 1 == self.refuse_nth
            task.fail = "content policy: the scene was refused" if refused else None
            self.tasks[task.id] = task
            self.creates.append(body)
            return task

    def reply_lost(self) -> bool:
        with self.lock:
            if self.drop_first_reply and len(self.creates) == 1:
                self.drop_first_reply = False
                return True
            return False

    def first_create_limited(self) -> bool:
        with self.lock:
            if self.rate_limit_first and not self.creates and not self.rejected:
                self.rejected += 1
                return True
            return False

    def status(self, task: Task) -> str:
        task.polls += 1
        if time.monotonic() - task.created < self.task_seconds:
            return "running"
        return "failed" if task.fail else "succeeded"

    def bill(self, task: Task, usd: float) -> None:
        with self.lock:
            if task.id not in self.billed_tasks:
                self.billed_tasks.add(task.id)
                self.billed_usd += usd

    def video_url(self, seconds: int) -> str:
        return f"{self.base_url}/files/clip_{seconds}s.mp4"


_CLIP_LOCK = threading.Lock()


def make_clip(path: Path, seconds: int) -> None:
    """A small 9:16 H.264 test pattern of the asked length (made once, under a lock)."""
    with _CLIP_LOCK:
        _make_clip(path, seconds)


def _make_clip(path: Path, seconds: int) -> None:
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part.mp4")
    subprocess.run(
        [get_ffmpeg_exe(), "-v", "error", "-y", "-f", "lavfi",
         "-i", f"testsrc=size=180x320:rate=24:duration={seconds}",
         "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(part)],
        check=True,
    )  # fmt: skip
    part.replace(path)


class MockHandler(BaseHTTPRequestHandler):
    state: MockState

    def log_message(self, *args: Any) -> None:
        return

    def send_json(
        self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None
    ) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def send_bytes(self, data: bytes, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def body(self) -> dict[str, Any]:
        length = int(self.headers.get("Content-Length") or 0)
        return json.loads(self.rfile.read(length)) if length else {}

    def query(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(urlparse(self.path).query).items()}

    @property
    def route(self) -> str:
        return urlparse(self.path).path

    def serve_file(self) -> bool:
        if not self.route.startswith("/files/clip_"):
            return False
        seconds = int(self.route.split("_")[1].split("s")[0])
        path = self.state.files / f"clip_{seconds}s.mp4"
        make_clip(path, seconds)
        self.send_bytes(path.read_bytes(), "video/mp4")
        return True


@contextmanager
def serve(handler: type[MockHandler], state: MockState) -> Iterator[MockState]:
    handler_cls = type(f"{state.name}Handler", (handler,), {"state": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_cls)
    state.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
