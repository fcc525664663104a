"""Mock Volcengine Ark content-generation tasks API (Seedance), billed per output token."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from reelwright.tools.hosted.pricing import video_model

from .base import MockHandler, MockState, serve

API_KEY = "ark-test-key-abcdef0123456789"
PARAM = re.compile(r"--(ratio|duration|resolution|rt|dur|rs)\s+(\S+)")


class ArkHandler(MockHandler):
    def _error(self, status: int, code: str, message: str) -> None:
        self.send_json(status, {"error": {"code": code, "message": message, "type": "BadRequest"}})

    def _authorized(self) -> bool:
        self.state.auth.append(self.headers.get("Authorization", ""))
        if self.headers.get("Authorization") != f"Bearer {API_KEY}":
            self._error(401, "AuthenticationError", "the API key is invalid")
            return False
        return True

    def do_POST(self) -> None:  # noqa: N802
        if not self._authorized():
            return
        if self.route != "/api/v3/contents/generations/tasks":
            self._error(404, "NotFound", self.route)
            return
        body = self.body()
        if self.state.first_create_limited():
            self._error(429, "RateLimitExceeded.EndpointRPMExceeded", "Too many requests")
            return
        text = next((c["text"] for c in body.get("content", []) if c.get("type") == "text"), "")
        params = dict(PARAM.findall(text))
        images = [c for c in body["content"] if c.get("type") == "image_url"]
        if params.get("ratio") != "9:16" or not params.get("duration"):
            self._error(400, "InvalidParameter", "ratio and duration are required here")
            return
        if images and (images[0].get("role") != "first_frame"
                       or not images[0]["image_url"]["url"].startswith("data:image/")):  # fmt: skip
            self._error(400, "InvalidParameter", "image_url")
            return
        if "FORBIDDEN-SCENE" in text and not images:
            self._error(400, "InputTextSensitiveContentDetected", "The request was rejected")
            return
        task = self.state.new_task(body, int(params["duration"]), text)
        self.send_json(200, {"id": task.id})

    def do_GET(self) -> None:  # noqa: N802
        if self.serve_file() or not self._authorized():
            return
        task = self.state.tasks.get(self.route.rsplit("/", 1)[-1])
        if task is None:
            self._error(404, "ResourceNotFound", "task")
            return
        status = self.state.status(task)
        reply: dict[str, object] = {"id": task.id, "model": task.body["model"], "status": status,
                                    "created_at": 0, "updated_at": 0}  # fmt: skip
        if status == "running":
            reply["status"] = "running" if task.polls > 1 else "queued"
        elif status == "failed":
            reply["error"] = {"code": "OutputVideoSensitiveContentDetected", "message": task.fail}
        else:
            model = video_model("seedance", task.body["model"])
            tokens = model.tokens(task.seconds)
            self.state.bill(task, model.price(task.seconds, tokens))
            reply["content"] = {"video_url": self.state.video_url(task.seconds)}
            reply["usage"] = {"completion_tokens": tokens, "total_tokens": tokens}
        self.send_json(200, reply)


@contextmanager
def seedance_mock(files: Path, **options: object) -> Iterator[MockState]:
    with serve(ArkHandler, MockState("seedance", files, **options)) as state:  # type: ignore[arg-type]
        yield state


def env(state: MockState) -> dict[str, str]:
    return {"ARK_API_KEY": API_KEY, "ARK_BASE_URL": f"{state.base_url}/api/v3"}
