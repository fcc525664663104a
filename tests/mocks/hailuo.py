"""Mock MiniMax video API: create, query, file retrieve; errors in base_resp with HTTP 200."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from reelwright.tools.hosted.pricing import video_model

from .base import MockHandler, MockState, serve

API_KEY = "minimax-test-key-0123456789abcdef"


class MiniMaxHandler(MockHandler):
    def _base(self, code: int = 0, msg: str = "success") -> dict[str, object]:
        return {"status_code": code, "status_msg": msg}

    def _authorized(self) -> bool:
        self.state.auth.append(self.headers.get("Authorization", ""))
        if self.headers.get("Authorization") != f"Bearer {API_KEY}":
            self.send_json(200, {"base_resp": self._base(1004, "authorized error")})
            return False
        return True

    def do_POST(self) -> None:  # noqa: N802
        if not self._authorized():
            return
        body = self.body()
        if self.route != "/v1/video_generation":
            self.send_json(404, {"base_resp": self._base(2013, "not found")})
            return
        if self.state.first_create_limited():
            self.send_json(200, {"task_id": "", "base_resp": self._base(1002, "rate limit")})
            return
        image = str(body.get("first_frame_image", ""))
        if body.get("duration") not in (6, 10) or (image and not image.startswith("data:image/")):
            self.send_json(200, {"task_id": "", "base_resp": self._base(2013, "invalid params")})
            return
        task = self.state.new_task(body, int(body["duration"]), str(body.get("prompt", "")))
        self.send_json(200, {"task_id": task.id, "base_resp": self._base()})

    def do_GET(self) -> None:  # noqa: N802
        if self.serve_file() or not self._authorized():
            return
        if self.route == "/v1/files/retrieve":
            task = self.state.tasks.get(self.query().get("file_id", "").removeprefix("file-"))
            if task is None:
                self.send_json(200, {"base_resp": self._base(2013, "file not found")})
                return
            file = {"file_id": f"file-{task.id}", "bytes": 0, "created_at": 0,
                    "filename": "output.mp4", "purpose": "video_generation",
                    "download_url": self.state.video_url(task.seconds)}  # fmt: skip
            self.send_json(200, {"file": file, "base_resp": self._base()})
            return
        task = self.state.tasks.get(self.query().get("task_id", ""))
        if self.route != "/v1/query/video_generation" or task is None:
            self.send_json(200, {"base_resp": self._base(2013, "task not found")})
            return
        status = self.state.status(task)
        reply: dict[str, object] = {"task_id": task.id, "base_resp": self._base()}
        if status == "running":
            reply["status"] = "Processing" if task.polls > 1 else "Queueing"
        elif status == "failed":
            reply.update(status="Fail", base_resp=self._base(1027, f"output {task.fail}"))
        else:
            model = video_model("hailuo", task.body["model"])
            self.state.bill(task, model.price(task.seconds))
            reply.update(status="Success", file_id=f"file-{task.id}",
                         video_width=180, video_height=320)  # fmt: skip
        self.send_json(200, reply)


@contextmanager
def hailuo_mock(files: Path, **options: object) -> Iterator[MockState]:
    with serve(MiniMaxHandler, MockState("hailuo", files, **options)) as state:  # type: ignore[arg-type]
        yield state


def env(state: MockState) -> dict[str, str]:
    return {"MINIMAX_API_KEY": API_KEY, "MINIMAX_BASE_URL": state.base_url}
