"""Serve one run folder to a local browser: read-only, loopback only, nothing outside the run.

A browser on file:// cannot seek in videos and some refuse local media, so the
report is better read through this tiny server. It binds 127.0.0.1 (never all
interfaces), answers GET and HEAD only, refuses any path that leaves the run
folder (including through symlinks) and any Host header that is not loopback,
which keeps DNS-rebinding pages from reading the run.
"""

from __future__ import annotations

import mimetypes
import os
import posixpath
import re
import sys
import threading
import webbrowser
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from reelwright.report import write_report

_TEXT = {
    ".jsonl": "application/x-ndjson",
    ".srt": "text/plain",
    ".otio": "application/json",
    ".fountain": "text/plain",
    ".md": "text/plain",
    ".toml": "text/plain",
    ".fdx": "application/xml",
    ".edl": "text/plain",
}
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


class RunHandler(SimpleHTTPRequestHandler):
    """Static files from one folder, with byte ranges so the episode player can seek."""

    server_version = "reelwright-viewer"
    sys_version = ""

    def __init__(self, *args: Any, root: Path, **kwargs: Any) -> None:
        self.root = root
        super().__init__(*args, directory=str(root), **kwargs)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        return  # a viewer prints its URL once; request lines would bury it

    def end_headers(self) -> None:
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Referrer-Policy", "no-referrer")
        super().end_headers()

    def guess_type(self, path: str | os.PathLike[str]) -> str:
        suffix = Path(path).suffix.lower()
        if suffix in _TEXT:
            return _TEXT[suffix] + ("; charset=utf-8" if _TEXT[suffix].startswith("text") else "")
        return mimetypes.guess_type(str(path))[0] or "application/octet-stream"

    def resolve(self) -> Path | None:
        """The file a request names, or None when it is outside the run or not a file."""
        raw = urlsplit(self.path).path
        decoded = unquote(raw)
        parts = decoded.replace("\\", "/").split("/")
        if any(p in ("..", ".") for p in parts) or "\x00" in decoded:
            return None
        rel = posixpath.normpath(decoded).lstrip("/") or "report.html"
        try:
            full = (self.root / rel).resolve()
            full.relative_to(self.root)
        except (ValueError, OSError):
            return None
        return full if full.is_file() else None

    def host_ok(self) -> bool:
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0].strip("[]").lower()
        return host in ("127.0.0.1", "localhost", "::1")

    def do_GET(self) -> None:
        self._serve(body=True)

    def do_HEAD(self) -> None:
        self._serve(body=False)

    def _serve(self, *, body: bool) -> None:
        if not self.host_ok():
            self.send_error(HTTPStatus.FORBIDDEN, "only loopback hosts may read this run")
            return
        full = self.resolve()
        if full is None:
            self.send_error(HTTPStatus.NOT_FOUND, "not a file of this run")
            return
        size = full.stat().st_size
        start, end = 0, size - 1
        status = HTTPStatus.OK
        match = _RANGE.match(self.headers.get("Range", "").strip())
        if match and size:
            first, last = match.groups()
            if first:
                start, end = int(first), min(int(last), size - 1) if last else size - 1
            elif last:
                start = max(size - int(last), 0)
            if start > end or start >= size:
                self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
                self.send_header("Content-Range", f"bytes */{size}")
                self.end_headers()
                return
            status = HTTPStatus.PARTIAL_CONTENT
        length = max(end - start + 1, 0)
        self.send_response(status)
        self.send_header("Content-Type", self.guess_type(full))
        self.send_header("Content-Length", str(length))
        self.send_header("Accept-Ranges", "bytes")
        if status == HTTPStatus.PARTIAL_CONTENT:
            self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.end_headers()
        if not body:
            return
        with full.open("rb") as fh:
            fh.seek(start)
            remaining = length
            while remaining > 0:
                chunk = fh.read(min(remaining, 1 << 16))
                if not chunk:
                    break
                try:
                    self.wfile.write(chunk)
                except (BrokenPipeError, ConnectionResetError):
                    return  # the player seeked elsewhere
                remaining -= len(chunk)


def _report_fresh(run_path: Path) -> bool:
    report = run_path / "report.html"
    if not report.is_file():
        return False
    made = report.stat().st_mtime
    inputs = [run_path / n for n in ("plan.json", "events.jsonl")]
    return all(not p.exists() or p.stat().st_mtime <= made for p in inputs)


def serve(run_path: Path, port: int = 0) -> tuple[ThreadingHTTPServer, str]:
    """Start serving in a daemon thread; returns the server (call shutdown()) and the URL."""
    root = Path(run_path).resolve()
    if not root.is_dir():
        raise FileNotFoundError(f"no run folder at {root}")
    if not _report_fresh(root):
        write_report(root)
    server = ThreadingHTTPServer(("127.0.0.1", port), partial(RunHandler, root=root))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="reelwright-viewer", daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/report.html"


def _wait_forever() -> None:
    threading.Event().wait()


def view(run_path: Path, open_browser: bool = True, port: int = 0) -> None:
    """Serve the run until Ctrl-C, opening the report in the default browser."""
    server, url = serve(run_path, port)
    print(f"serving {Path(run_path).resolve()} at {url} (Ctrl-C to stop)", file=sys.stderr)
    if open_browser:
        webbrowser.open(url)
    try:
        _wait_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        server.server_close()
