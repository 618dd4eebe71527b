"""Fetching resource URLs: size limit, deadline, and no way into loopback or private networks."""

from __future__ import annotations

import ipaddress
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from ckanext.thgov.remote import FetchRefused, fetch

LOCAL_ONLY = ipaddress.ip_address("127.0.0.1")


def only_127_0_0_1(address) -> bool:
    """Stands in for 'public' so a local server can play the remote host; 127.0.0.2 plays internal."""
    return address == LOCAL_ONLY


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        if self.path == "/big":
            self.send_response(200)
            self.end_headers()
            for _ in range(64):
                self.wfile.write(b"x" * 16384)
        elif self.path == "/declared-big":
            self.send_response(200)
            self.send_header("Content-Length", str(10**9))
            self.end_headers()
        elif self.path == "/slow":
            self.send_response(200)
            self.end_headers()
            for _ in range(50):
                self.wfile.write(b"a,b\n")
                self.wfile.flush()
                time.sleep(0.1)
        elif self.path == "/to-internal":
            self.send_response(302)
            self.send_header("Location", f"http://127.0.0.2:{self.server.server_port}/data.csv")
            self.end_headers()
        elif self.path == "/to-data":
            self.send_response(301)
            self.send_header("Location", "/data.csv")
            self.end_headers()
        else:
            body = "จังหวัด,จำนวน\nกรุงเทพมหานคร,1\n".encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/csv; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/", "http://localhost:5000/api/3/action/status_show", "http://[::1]/", "http://0.0.0.0/",
    "http://169.254.169.254/latest/meta-data/", "http://10.1.2.3/", "http://192.168.1.1/", "http://172.16.0.1/",
    "http://2130706433/", "http://[::ffff:127.0.0.1]/", "ftp://example.go.th/a.csv", "file:///etc/passwd",
])
def test_internal_addresses_and_other_schemes_are_refused(url: str, tmp_path: Path) -> None:
    with pytest.raises(FetchRefused) as refused:
        fetch(url, tmp_path / "out", max_bytes=1000, timeout=5)
    assert refused.value.th and refused.value.en
    assert not (tmp_path / "out").exists()


def test_a_file_is_fetched_following_a_redirect(server: str, tmp_path: Path) -> None:
    fetched = fetch(server + "/to-data", tmp_path / "out", max_bytes=10_000, timeout=10, address_allowed=only_127_0_0_1)
    assert fetched.path.read_text(encoding="utf-8").startswith("จังหวัด")
    assert fetched.final_url.endswith("/data.csv") and fetched.content_type.startswith("text/csv")


def test_a_redirect_into_the_internal_network_is_refused(server: str, tmp_path: Path) -> None:
    with pytest.raises(FetchRefused, match="internal or private"):
        fetch(server + "/to-internal", tmp_path / "out", max_bytes=10_000, timeout=10, address_allowed=only_127_0_0_1)


@pytest.mark.parametrize("path", ["/big", "/declared-big"])
def test_the_size_limit_holds_whatever_the_server_declares(server: str, tmp_path: Path, path: str) -> None:
    with pytest.raises(FetchRefused, match="larger than"):
        fetch(server + path, tmp_path / "out", max_bytes=100_000, timeout=10, address_allowed=only_127_0_0_1)


def test_a_slow_server_hits_the_deadline(server: str, tmp_path: Path) -> None:
    started = time.monotonic()
    with pytest.raises(FetchRefused):
        fetch(server + "/slow", tmp_path / "out", max_bytes=10_000, timeout=1, address_allowed=only_127_0_0_1)
    assert time.monotonic() - started < 4
