"""One small HTTP client for the hosted generation services: JSON in, JSON out, bounded retries.

Every service speaks JSON over HTTPS with a bearer token; they differ in where they put
errors. Each backend turns its service's error body into a `ServiceError` with a kind the
pipeline acts on: a refusal or a spent quota fails one node, a rate limit waits and retries.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import httpx

from reelwright.tools.errors import ToolError

ErrorKind = Literal["refused", "quota", "rate_limited", "auth", "bad_request", "server", "network"]
RETRYABLE: frozenset[str] = frozenset({"rate_limited", "server", "network"})


class ServiceError(ToolError):
    """A hosted service said no, or could not be reached; `kind` says which."""

    def __init__(self, service: str, kind: ErrorKind, message: str) -> None:
        super().__init__(f"{service} {kind.replace('_', ' ')}: {message}")
        self.service = service
        self.kind = kind
        self.reason = message


class MissingKey(ToolError):
    """A hosted backend was chosen but its key is not in the environment."""


def classify_status(status: int) -> ErrorKind:
    if status == 429:
        return "rate_limited"
    if status in (401, 403):
        return "auth"
    if status == 402:
        return "quota"
    if status >= 500:
        return "server"
    return "bad_request"


Classifier = Callable[[httpx.Response], "ServiceError | None"]


class ServiceClient:
    """httpx with the service's auth header, a base URL, and retries on 429/5xx/network."""

    def __init__(
        self,
        service: str,
        base_url: str,
        headers: Callable[[], dict[str, str]],
        classify: Classifier,
        *,
        timeout: float = 60.0,
        retries: int = 4,
        backoff: float = 1.0,
    ) -> None:
        self.service = service
        self.base_url = base_url.rstrip("/")
        self.headers = headers
        self.classify = classify
        self.retries = retries
        self.backoff = backoff
        self.http = httpx.Client(timeout=timeout, follow_redirects=True)

    def request(
        self, method: str, path: str, *, creates: bool = False, **kwargs: Any
    ) -> httpx.Response:
        """The service's reply, or a ServiceError once retries are spent (never for 4xx).

        `creates`: the request starts paid work, so a dropped connection after sending is
        not retried (it may have arrived); only a refused connection or a 429 is.
        """
        url = path if path.startswith("http") else f"{self.base_url}{path}"
        last: ServiceError | None = None
        for attempt in range(self.retries + 1):
            try:
                response = self.http.request(method, url, headers=self.headers(), **kwargs)
            except httpx.HTTPError as exc:
                last = ServiceError(self.service, "network", type(exc).__name__)
                if creates and not isinstance(exc, httpx.ConnectError):
                    raise last from exc
                wait = self.backoff * 2**attempt
            else:
                error = self.classify(response)
                if error is None:
                    return response
                if error.kind not in RETRYABLE or (creates and error.kind == "server"):
                    raise error
                last = error
                wait = _retry_after(response, self.backoff * 2**attempt)
            if attempt < self.retries:
                time.sleep(min(wait, 30.0))
        assert last is not None
        raise last

    def json(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        response = self.request(method, path, **kwargs)
        try:
            data = response.json()
        except ValueError as exc:
            raise ServiceError(self.service, "server", "reply is not JSON") from exc
        if not isinstance(data, dict):
            raise ServiceError(self.service, "server", "reply is not a JSON object")
        return data

    def download(self, url: str, out: Path, max_bytes: int = 2_000_000_000) -> Path:
        """Stream a result file to `out` via a .part file, so a kill never leaves half a file.

        Result URLs are pre-signed: no auth header goes to them (they are often another host).
        """
        out.parent.mkdir(parents=True, exist_ok=True)
        part = out.with_name(out.name + ".part")
        for attempt in range(self.retries + 1):
            try:
                with self.http.stream("GET", url) as response:
                    if response.status_code >= 400:
                        kind = classify_status(response.status_code)
                        raise ServiceError(
                            self.service, kind, f"download HTTP {response.status_code}"
                        )
                    size = 0
                    with part.open("wb") as fh:
                        for chunk in response.iter_bytes():
                            size += len(chunk)
                            if size > max_bytes:
                                raise ServiceError(self.service, "server", "download too large")
                            fh.write(chunk)
                part.replace(out)
                return out
            except (httpx.HTTPError, ServiceError) as exc:
                part.unlink(missing_ok=True)
                kind = exc.kind if isinstance(exc, ServiceError) else "network"
                if kind not in RETRYABLE or attempt == self.retries:
                    if isinstance(exc, ServiceError):
                        raise
                    raise ServiceError(self.service, "network", type(exc).__name__) from exc
                time.sleep(self.backoff * 2**attempt)
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.http.close()


def _retry_after(response: httpx.Response, default: float) -> float:
    try:
        return max(0.0, float(response.headers.get("Retry-After", default)))
    except ValueError:
        return default


def env_key(names: tuple[str, ...], service: str, env: dict[str, str]) -> str:
    """The first of `names` set in the environment, or a clear one-line error."""
    for name in names:
        if env.get(name):
            return env[name]
    raise MissingKey(f"{service} needs {' or '.join(names)} in the environment")
