"""Keep-alive Solr connections for searches: one per thread, reused.

CKAN's ``make_connection`` builds a new ``pysolr.Solr`` for every search, so every search opens a
new HTTP session and TCP connection; the requests library then reads the proxy environment again
and percent-encodes the whole query (eleven facets and Thai words) into the URL. Measured on a
package_search with the search page's facets, that client-side work cost more than Solr's own.
Here each thread keeps one connection per Solr address, and a search is sent as a form body over
a plain keep-alive ``http.client`` connection (requests' own machinery was about a tenth of a
search's Python time). Everything else (updates, deletes, commits) goes through pysolr's client.

Connections are per thread because neither a requests session nor an ``http.client`` connection
is safe to share between threads; gunicorn's threads each get their own.
"""

from __future__ import annotations

import base64
import http.client
import json
import threading
import urllib.parse
from typing import Any

import pysolr

import ckan.lib.search.common as search_common
import ckan.lib.search.query as search_query

_local = threading.local()
FORM = {"Content-type": "application/x-www-form-urlencoded; charset=utf-8"}


class _FormPostSolr(pysolr.Solr):
    """pysolr's client, sending every search as a POST form (pysolr does so only past 1,024
    bytes) over one kept ``http.client`` connection."""

    _http: http.client.HTTPConnection | None = None

    def _select(self, params: dict[str, Any], handler: str | None = None) -> str:
        params.setdefault("wt", "json")
        address = urllib.parse.urlsplit(self._create_full_url(f"{handler or self.search_handler or 'select'}/"))
        headers = dict(FORM)
        if address.username:  # CKAN puts solr_user and solr_password into the address
            credentials = f"{urllib.parse.unquote(address.username)}:{urllib.parse.unquote(address.password or '')}"
            headers["Authorization"] = "Basic " + base64.b64encode(credentials.encode()).decode()
        status, content = self._post(address, pysolr.safe_urlencode(params, True).encode(), headers)
        if status != 200:
            raise pysolr.SolrError(f"Solr responded with an error (HTTP {status}): {_solr_message(content)}")
        return content.decode("utf-8", errors="replace")

    def _post(self, address: urllib.parse.SplitResult, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        # A kept connection that Solr has closed fails on its first use: searches are reads, so
        # such a search is sent once more on a new connection.
        for attempt in (1, 2):
            if self._http is None:
                kind = http.client.HTTPSConnection if address.scheme == "https" else http.client.HTTPConnection
                self._http = kind(address.hostname or "", address.port, timeout=self.timeout)
            try:
                self._http.request("POST", address.path, body, headers)
                response = self._http.getresponse()
                return response.status, response.read()
            except (http.client.HTTPException, OSError) as error:
                self._http.close()
                self._http = None
                if attempt == 2 or isinstance(error, TimeoutError):
                    raise pysolr.SolrError(
                        f"Failed to connect to server at {address.hostname}:{address.port}: {error}") from error
        raise AssertionError("unreachable")


def _solr_message(content: bytes) -> str:
    try:
        return str(json.loads(content)["error"]["msg"])
    except (ValueError, KeyError, TypeError):
        return content.decode("utf-8", errors="replace")[:1000]


def connection(decode_dates: bool = True) -> pysolr.Solr:
    """CKAN's connection for the configured Solr (same address, credentials, timeout and date
    decoding as ``ckan.lib.search.common.make_connection``), reused within this thread."""
    made = search_common.make_connection(decode_dates)
    key = (made.url, decode_dates, made.timeout)
    pool: dict[tuple[Any, ...], pysolr.Solr] = _local.__dict__.setdefault("connections", {})
    if key not in pool:
        solr = _FormPostSolr(made.url, decoder=made.decoder, timeout=made.timeout)
        # The Solr address is configured explicitly: no proxy from the environment applies, and
        # reading it on every request was a measurable share of a search.
        solr.get_session().trust_env = False
        pool[key] = solr
    return pool[key]


def use_for_searches() -> None:
    """Make CKAN's dataset searches (``PackageSearchQuery.run``) use kept connections.

    CKAN offers no hook for its Solr client, so the name its query module calls is pointed here;
    indexing keeps CKAN's own connection.
    """
    search_query.make_connection = connection  # type: ignore[assignment]
