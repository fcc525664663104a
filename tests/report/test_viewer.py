"""The viewer: loopback only, read-only, nothing outside the run folder."""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from pathlib import Path

import pytest

from reelwright.report.viewer import serve


@pytest.fixture
def served(done_copy: Path) -> Iterator[tuple[Path, int, str]]:
    run = done_copy
    (run.parent / "secret.txt").write_text("outside the run", "utf-8")
    (run / "link.txt").symlink_to(run.parent / "secret.txt")
    server, url = serve(run)
    try:
        yield run, int(server.server_address[1]), url
    finally:
        server.shutdown()
        server.server_close()


def get(
    port: int, path: str, method: str = "GET", headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, headers=headers or {})  # sent as written, not normalised
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def test_serves_the_report_on_loopback_and_writes_it_first(served: tuple[Path, int, str]) -> None:
    run, port, url = served
    assert url == f"http://127.0.0.1:{port}/report.html"
    assert (run / "report.html").is_file()
    status, headers, body = get(port, "/report.html")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert b"The Raging Sea" in body and headers["X-Content-Type-Options"] == "nosniff"
    assert get(port, "/")[2] == body
    status, headers, png = get(port, "/frames/shot_1_1_1.png")
    assert status == 200 and headers["Content-Type"] == "image/png" and png[:4] == b"\x89PNG"


@pytest.mark.parametrize(
    "path",
    [
        "/../secret.txt",
        "/frames/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/link.txt",
        "//etc/passwd",
        "/frames/",
    ],
)
def test_paths_outside_the_run_are_refused(served: tuple[Path, int, str], path: str) -> None:
    _, port, _ = served
    status, _, body = get(port, path)
    assert status == 404 and b"outside the run" not in body


def test_read_only_and_loopback_hosts_only(served: tuple[Path, int, str]) -> None:
    _, port, _ = served
    assert get(port, "/report.html", "POST")[0] == 501
    assert get(port, "/report.html", "PUT")[0] == 501
    assert get(port, "/report.html", headers={"Host": "evil.example"})[0] == 403
    assert get(port, "/report.html", headers={"Host": f"localhost:{port}"})[0] == 200


def test_byte_ranges_let_the_player_seek(served: tuple[Path, int, str]) -> None:
    run, port, _ = served
    whole = (run / "plan.json").read_bytes()
    status, headers, body = get(port, "/plan.json", headers={"Range": "bytes=10-19"})
    assert status == 206 and body == whole[10:20]
    assert headers["Content-Range"] == f"bytes 10-19/{len(whole)}"
    status, _, body = get(port, "/plan.json", headers={"Range": "bytes=-5"})
    assert status == 206 and body == whole[-5:]
    assert get(port, "/plan.json", headers={"Range": f"bytes={len(whole) + 5}-"})[0] == 416
    status, headers, body = get(port, "/plan.json", "HEAD")
    assert status == 200 and body == b"" and headers["Content-Length"] == str(len(whole))


def test_refuses_a_missing_run(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        serve(tmp_path / "nope")


def test_view_serves_until_ctrl_c_then_closes(
    done_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reelwright.report import viewer

    run = done_copy
    opened: list[str] = []
    seen: list[int] = []

    def ctrl_c() -> None:
        port = int(opened[0].split(":")[2].split("/")[0])
        seen.append(get(port, "/report.html")[0])
        raise KeyboardInterrupt

    monkeypatch.setattr(viewer.webbrowser, "open", opened.append)
    monkeypatch.setattr(viewer, "_wait_forever", ctrl_c)
    viewer.view(run)
    assert seen == [200] and opened[0].startswith("http://127.0.0.1:")
    with pytest.raises(OSError):
        get(int(opened[0].split(":")[2].split("/")[0]), "/report.html")
