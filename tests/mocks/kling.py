"""Mock Kling API: JWT-checked create, task query, content-policy and rate-limit errors."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from reelwright.tools.hosted.pricing import video_model

from .base import MockHandler, MockState, serve

ACCESS_KEY = "kling-ak-test-0123456789"
SECRET_KEY = "kling-sk-secret-9876543210"


def _unb64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def jwt_ok(header: str) -> bool:
    """The token is signed with the secret key, names the access key and is in date."""
    try:
        head, payload, sig = header.removeprefix("Bearer ").split(".")
        want = hmac.new(SECRET_KEY.encode(), f"{head}.{payload}".encode(), hashlib.sha256).digest()
        claims = json.loads(_unb64(payload))
        now = time.time()
        return (
            hmac.compare_digest(want, _unb64(sig))
            and json.loads(_unb64(head)) == {"alg": "HS256", "typ": "JWT"}
            and claims["iss"] == ACCESS_KEY
            and claims["nbf"] <= now < claims["exp"]
        )
    except (ValueError, KeyError):
        return False


class KlingHandler(MockHandler):
    def _error(self, status: int, code: int, message: str) -> None:
        self.send_json(status, {"code": code, "message": message, "request_id": "req-err"})

    def _task_json(self, task_id: str, status: str, **extra: object) -> dict[str, object]:
        data = {"task_id": task_id, "task_status": status, "created_at": 0, "updated_at": 0}
        return {"code": 0, "message": "SUCCEED", "request_id": "req", "data": {**data, **extra}}

    def do_POST(self) -> None:  # noqa: N802
        self.state.auth.append(self.headers.get("Authorization", ""))
        if not jwt_ok(self.headers.get("Authorization", "")):
            self._error(401, 1004, "Authorization is invalid")
            return
        body = self.body()
        if self.route not in ("/v1/videos/image2video", "/v1/videos/text2video"):
            self._error(404, 1200, "not found")
            return
        if self.state.first_create_limited():
            self._error(429, 1302, "The API request is too fast, please slow down")
            return
        if str(body.get("duration")) not in ("5", "10") or not body.get("model_name"):
            self._error(400, 1201, "duration must be 5 or 10")
            return
        if self.route.endswith("image2video"):
            base64.b64decode(body["image"], validate=True)  # raw base64, no data: prefix
        elif body.get("aspect_ratio") != "9:16":
            self._error(400, 1201, "aspect_ratio")
            return
        task = self.state.new_task(body, int(body["duration"]), str(body.get("prompt", "")))
        if self.state.reply_lost():
            self.close_connection = True  # the connection drops before the reply
            return
        self.send_json(200, self._task_json(task.id, "submitted"))

    def do_GET(self) -> None:  # noqa: N802
        if self.serve_file():
            return
        if not jwt_ok(self.headers.get("Authorization", "")):
            self._error(401, 1004, "Authorization is invalid")
            return
        task = self.state.tasks.get(self.route.rsplit("/", 1)[-1])
        if task is None:
            self._error(404, 1203, "task not found")
            return
        status = self.state.status(task)
        if status == "running":
            self.send_json(200, self._task_json(task.id, "processing"))
        elif status == "failed":
            msg = f"Failure to pass the risk control system: {task.fail}"
            self.send_json(200, self._task_json(task.id, "failed", task_status_msg=msg))
        else:
            model = video_model("kling", task.body["model_name"])
            self.state.bill(task, model.price(task.seconds))
            videos = [{"id": "v1", "url": self.state.video_url(task.seconds),
                       "duration": str(task.seconds)}]  # fmt: skip
            self.send_json(200, self._task_json(task.id, "succeed", task_result={"videos": videos}))


@contextmanager
def kling_mock(files: Path, **options: object) -> Iterator[MockState]:
    with serve(KlingHandler, MockState("kling", files, **options)) as state:  # type: ignore[arg-type]
        yield state


def env(state: MockState) -> dict[str, str]:
    return {"KLING_ACCESS_KEY": ACCESS_KEY, "KLING_SECRET_KEY": SECRET_KEY,
            "KLING_BASE_URL": state.base_url}  # fmt: skip
