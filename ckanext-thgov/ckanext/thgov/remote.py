"""Fetching a resource's URL for validation without becoming a proxy into the server's network.

Only http(s); every address the name resolves to must be public (no loopback, private,
link-local, multicast or reserved ranges, IPv4-mapped ones included); the connection goes to the
address that was checked (no second DNS lookup to rebind); redirects are followed by hand and
checked again; the body is streamed to a file with a size limit and an overall deadline.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import urllib3

MAX_REDIRECTS = 3
CHUNK = 64 * 1024


class FetchRefused(Exception):
    """The URL may not or could not be fetched; carries Thai and English messages."""

    def __init__(self, th: str, en: str) -> None:
        super().__init__(en)
        self.th = th
        self.en = en


@dataclass(frozen=True)
class Fetched:
    path: Path
    size: int
    content_type: str | None
    final_url: str


def public_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not (address.is_multicast or address.is_reserved or address.is_loopback
                                       or address.is_link_local or address.is_private or address.is_unspecified)


def _resolve(host: str, port: int, address_allowed: Callable[..., bool]) -> str:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise FetchRefused(f"ไม่พบชื่อโฮสต์ {host}", f"Cannot resolve host {host}") from None
    addresses = {ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos}
    if not addresses or not all(address_allowed(a) for a in addresses):
        raise FetchRefused(f"ไม่อนุญาตให้ดึงข้อมูลจากที่อยู่ภายในหรือที่อยู่ส่วนตัว ({host})",
                           f"Fetching from internal or private addresses is not allowed ({host})")
    return str(sorted(addresses, key=lambda a: a.version)[0])


def fetch(url: str, destination: Path, *, max_bytes: int, timeout: float,
          address_allowed: Callable[..., bool] = public_address) -> Fetched:
    """Download ``url`` to ``destination`` within ``max_bytes`` and ``timeout`` seconds overall."""
    deadline = time.monotonic() + timeout
    for _ in range(MAX_REDIRECTS + 1):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchRefused("ดึงข้อมูลได้เฉพาะ URL แบบ http หรือ https", "Only http and https URLs can be fetched")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        address = _resolve(parts.hostname, port, address_allowed)
        remaining = max(deadline - time.monotonic(), 0.1)
        pool_class = urllib3.HTTPSConnectionPool if parts.scheme == "https" else urllib3.HTTPConnectionPool
        extra = {"server_hostname": parts.hostname, "assert_hostname": parts.hostname} if parts.scheme == "https" else {}
        pool = pool_class(address, port=port, timeout=urllib3.Timeout(connect=min(10.0, remaining), read=remaining),
                          retries=False, maxsize=1, **extra)
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        host_header = parts.hostname if parts.port is None else f"{parts.hostname}:{parts.port}"
        try:
            response = pool.urlopen("GET", target, headers={"Host": host_header, "User-Agent": "ckanext-thgov"},
                                    redirect=False, preload_content=False)
        except urllib3.exceptions.HTTPError as error:
            raise FetchRefused("เชื่อมต่อเพื่อดึงข้อมูลไม่สำเร็จ", f"Could not fetch the URL: {error}") from None
        try:
            if response.status in (301, 302, 303, 307, 308) and response.headers.get("Location"):
                url = urljoin(url, response.headers["Location"])
                continue
            if response.status >= 400:
                raise FetchRefused(f"เซิร์ฟเวอร์ตอบกลับด้วยรหัส {response.status}",
                                   f"The server answered HTTP {response.status}")
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise _too_large(max_bytes)
            size = 0
            with destination.open("wb") as out:
                # read1 returns what has arrived, so a server dribbling bytes still meets the deadline
                while chunk := response.read1(CHUNK):
                    size += len(chunk)
                    if size > max_bytes:
                        raise _too_large(max_bytes)
                    if time.monotonic() > deadline:
                        raise FetchRefused("ดึงข้อมูลนานเกินกำหนด", f"Fetching took longer than {timeout:.0f} s")
                    out.write(chunk)
            return Fetched(destination, size, response.headers.get("Content-Type"), url)
        except urllib3.exceptions.HTTPError as error:
            raise FetchRefused("ดึงข้อมูลไม่สำเร็จ", f"Could not fetch the URL: {error}") from None
        finally:
            response.release_conn()
            pool.close()
    raise FetchRefused("เปลี่ยนเส้นทาง (redirect) มากเกินไป", "Too many redirects")


def _too_large(max_bytes: int) -> FetchRefused:
    megabytes = max_bytes / 1024 / 1024
    return FetchRefused(f"ไฟล์ใหญ่เกิน {megabytes:.0f} MB", f"The file is larger than {megabytes:.0f} MB")
