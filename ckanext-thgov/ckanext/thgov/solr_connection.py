"""Keep-alive Solr connections for searches: one per thread, reused.

CKAN's ``make_connection`` builds a new ``pysolr.Solr`` for every search, so every search opens a
new HTTP session and TCP connection; the requests library then reads the proxy environment again
and percent-encodes the whole query (eleven facets and Thai words) into the URL. Measured on a
package_search with the search page's facets, that client-side work cost more than Solr's own.
Here each thread keeps one connection per Solr address, and a search is sent as a form body.

Connections are per thread because a requests session is not safe to share between threads;
gunicorn's threads each get their own.
"""

from __future__ import annotations

import threading
from typing import Any

import pysolr

import ckan.lib.search.common as search_common
import ckan.lib.search.query as search_query

_local = threading.local()
FORM = {"Content-type": "application/x-www-form-urlencoded; charset=utf-8"}


class _FormPostSolr(pysolr.Solr):
    """pysolr's client, sending every search as a POST form (pysolr does so past 1,024 bytes)."""

    def _select(self, params: dict[str, Any], handler: str | None = None) -> str:
        params.setdefault("wt", "json")
        path = f"{handler or self.search_handler or 'select'}/"
        return self._send_request("post", path, body=pysolr.safe_urlencode(params, True), headers=FORM)


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
