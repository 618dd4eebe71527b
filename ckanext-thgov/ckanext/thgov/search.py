"""Search: facets of the GDC schema, Thai text for the index, and Thai-aware query parameters."""

from __future__ import annotations

import functools
import json
import logging
import re
from typing import Any

import pysolr
import requests
from markupsafe import Markup, escape

import ckan.plugins.toolkit as tk
from ckan.lib.search import SearchQueryError
from ckan.lib.search.common import SearchError
from ckan.lib.search.query import solr_literal

from ckanext.thgov import group_titles, solr_connection
from ckanext.thgov.helpers import thgov_license_title

log = logging.getLogger(__name__)

# GDC choice fields offered as facets, in the order the search page shows them.
GDC_FACETS = ("data_type", "data_category", "data_classification", "update_frequency_unit", "geo_coverage")
# CKAN's own facets kept after ours (their titles come from CKAN's catalogue).
CORE_FACETS = ("organization", "groups", "tags", "res_format", "license_id")
# CKAN indexes resource extras as res_extras_<name> in an analysed (stemmed) text field, so the
# statuses are copied into a plain string field for the facet.
VALIDATION_FACET = "thgov_validation_status"
# Facets asked of Solr under the names of their copies (deploy/solr/derive_schema.py), so that
# package_search does not look up their titles in the database; see group_titles.
FACET_COPIES = {"organization": "thgov_facet_organization", "groups": "thgov_facet_groups"}
FACETS_OF_COPIES = {copy: name for name, copy in FACET_COPIES.items()}
# Multiple-choice fields are stored as JSON lists; Solr gets one value per entry under thgov_<name>.
MULTI_CHOICE_FIELDS = ("objective", "data_format", "data_language", "disaggregate")
# GDC free-text fields, searched as Thai words through the gdc_text field (and the catch-all text).
GDC_TEXT_FIELDS = (
    "data_source", "objective_other", "data_type_other", "accessible_condition", "unit_of_measure",
    "calculation_method", "standard", "data_support_other", "data_collect_other", "disaggregate_other",
)

# The query side of Thai search (issue 6). Fields are those of the derived schema
# (deploy/solr/derive_schema.py), where text fields are segmented into Thai words. Titles and tags
# weigh most; notes and the catch-all text let a word anywhere in the record match. title_ngram
# (CKAN's 2-10 character n-grams of the title) matches a word inside a longer dictionary word of
# the title (ต่าง inside ต่างประเทศ), which segmentation keeps whole; its weight is low.
QUERY_FIELDS = (
    "name^4 title^5 tags^3 tags_text^3 organization_title^2 groups^2 groups_title^2 res_name^1.5 "
    "notes^1 res_description^0.5 gdc_text^0.5 text title_ngram^0.2"
)
# Minimum match over the query's words (Thai ones as segmented, see _segment_thai, and joined by
# OR, see _words_for_minimum_match): up to three words all must match; longer queries may miss
# one word in four.
MINIMUM_MATCH = "3<-25%"
THAI = re.compile(r"[\u0e00-\u0e7f]")
# Longer queries are refused (400) rather than sent to Solr: no dataset title is this long and the
# boolean query would exceed Solr's clause limit.
MAX_QUERY_LENGTH = 500


def _schema_fields() -> dict[str, dict[str, Any]]:
    from ckanext.scheming.helpers import scheming_get_dataset_schema

    schema = scheming_get_dataset_schema("dataset") or {}
    return {f["field_name"]: f for f in schema.get("dataset_fields", [])}


def _localised(text: Any) -> str:
    from flask import has_request_context

    from ckanext.scheming.helpers import scheming_language_text

    # Actions also run outside a request (CLI, background jobs): the site's default locale then.
    language = tk.h.lang() if has_request_context() else tk.config.get("ckan.locale_default")
    return scheming_language_text(text, prefer_lang=language)


def dataset_facets(facets_dict: dict[str, Any]) -> dict[str, Any]:
    fields = _schema_fields()
    facets: dict[str, Any] = {}
    for name in GDC_FACETS:
        if name in fields:
            facets[name] = _localised(fields[name]["label"])
    for name in CORE_FACETS:
        if name in facets_dict:
            facets[name] = facets_dict[name]
    facets[VALIDATION_FACET] = tk._("Validation status")
    for name, title in facets_dict.items():
        facets.setdefault(name, title)
    return facets


def index_fields(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    statuses = pkg_dict.get("res_extras_validation_status") or []
    pkg_dict[VALIDATION_FACET] = [str(v) for v in (statuses if isinstance(statuses, list) else [statuses]) if v]
    _index_thai_text(pkg_dict)
    # What package_search returns is this JSON, read back from Solr. CKAN writes each Thai letter
    # as an escape (\u0e01: six bytes, seven once Solr escapes the backslash in its answer, where
    # UTF-8 needs three), so written as UTF-8 a result page is much smaller to send and to parse.
    if isinstance(pkg_dict.get("validated_data_dict"), str):
        pkg_dict["validated_data_dict"] = json.dumps(json.loads(pkg_dict["validated_data_dict"]), ensure_ascii=False)
    for name in MULTI_CHOICE_FIELDS:
        raw = pkg_dict.get(name)
        if not raw:
            continue
        try:
            values = json.loads(raw) if isinstance(raw, str) else raw
        except ValueError:
            values = [raw]
        pkg_dict[f"thgov_{name}"] = [str(v) for v in (values if isinstance(values, list) else [values])]
    return pkg_dict


def label_facet_items(search_results: dict[str, Any]) -> dict[str, Any]:
    """Facet items of GDC choice fields and licences are shown by their label in the user's language."""
    sort = search_results.get("sort")
    if isinstance(sort, str):  # the order asked for, not the Thai sort field it became (search_params)
        search_results["sort"] = sort.replace("title_th_sort", "title_string")
    _restore_facet_copies(search_results)
    facets = search_results.get("search_facets") or {}
    if not facets:
        return search_results
    fields = _schema_fields()
    _label_licences(facets.get("license_id"))
    _label_validation_statuses(facets.get(VALIDATION_FACET))
    for name, facet in facets.items():
        choices = fields.get(name, {}).get("choices")
        if not choices:
            continue
        labels = {c["value"]: c.get("label", c["value"]) for c in choices}
        for item in facet.get("items", []):
            if item.get("name") in labels:
                item["display_name"] = _localised(labels[item["name"]])
    return search_results


_facet_copies_found: dict[str, bool] = {}


def _schema_has_facet_copies(solr_url: str) -> bool:
    """Whether the core's schema copies the organization and group facets (FACET_COPIES).

    A core created from an older configset lacks them (a Solr volume keeps its core's schema), and
    its facets on the copies would come back empty: CKAN's own facets are used then. Asked once per
    process; a failed answer is asked again on the next search.
    """
    if solr_url not in _facet_copies_found:
        try:
            answer = _solr_json(solr_url, "schema/copyfields", {"dest.fl": ",".join(FACET_COPIES.values())})
            found = {(c["source"], c["dest"]) for c in answer["copyFields"]}
        except (requests.RequestException, ValueError, KeyError, TypeError) as error:
            log.warning("Could not read the Solr schema's copy fields, faceting as CKAN does: %s", error)
            return False
        _facet_copies_found[solr_url] = found >= set(FACET_COPIES.items())
        if not _facet_copies_found[solr_url]:
            log.warning("The Solr schema lacks the thgov_facet_* copy fields (an older configset): organization "
                        "and group facet titles are looked up in the database on every search")
    return _facet_copies_found[solr_url]


def _restore_facet_copies(search_results: dict[str, Any]) -> None:
    """The organization and group facets under their own names, titled as package_search titles them."""
    facets = search_results.get("facets") or {}
    if not any(key in FACETS_OF_COPIES for key in facets):
        return
    search_results["facets"] = {FACETS_OF_COPIES.get(key, key): counts for key, counts in facets.items()}
    titles = group_titles.titles(name for key, counts in facets.items() if key in FACETS_OF_COPIES for name in counts)
    restored = {}
    for key, facet in (search_results.get("search_facets") or {}).items():
        if key in FACETS_OF_COPIES:
            key = facet["title"] = FACETS_OF_COPIES[key]
            for item in facet.get("items", []):
                title = titles.get(item["name"], "")
                item["display_name"] = title if title.strip() else item["name"]
        restored[key] = facet
    search_results["search_facets"] = restored


# The words of the resource badges (templates/thgov/snippets/validation_badge.html).
VALIDATION_STATUS_LABELS = {
    "success": "Valid", "failure": "Invalid", "error": "Could not validate",
    "pending": "Waiting for validation", "running": "Validating",
}


def _label_validation_statuses(facet: dict[str, Any] | None) -> None:
    for item in (facet or {}).get("items", []):
        label = VALIDATION_STATUS_LABELS.get(item.get("name"))
        if label is None:
            continue
        try:
            item["display_name"] = tk._(label)
        except RuntimeError:  # outside a web request there is no page language: keep the status
            return


def _label_licences(facet: dict[str, Any] | None) -> None:
    for item in (facet or {}).get("items", []):
        try:
            item["display_name"] = thgov_license_title(item.get("name"), item.get("display_name"))
        except RuntimeError:  # outside a web request there is no page language: keep CKAN's title
            return


def _index_thai_text(pkg_dict: dict[str, Any]) -> None:
    """Titles CKAN leaves out of the index (it keeps slugs only) and GDC free text, as searchable words."""
    try:
        dataset = json.loads(pkg_dict.get("validated_data_dict") or pkg_dict.get("data_dict") or "{}")
    except ValueError:
        dataset = {}
    organization = dataset.get("organization") or {}
    if organization.get("title"):
        pkg_dict["organization_title"] = organization["title"]
    groups = [g.get("title") or g.get("name") for g in dataset.get("groups") or []]
    if groups:
        pkg_dict["groups_title"] = [g for g in groups if g]
    gdc_text = [str(pkg_dict[name]) for name in GDC_TEXT_FIELDS if pkg_dict.get(name)]
    if gdc_text:
        pkg_dict["gdc_text"] = gdc_text


def search_params(params: dict[str, Any]) -> dict[str, Any]:
    """Thai-aware query parameters for package_search, unless the caller chose its own.

    edismax keeps CKAN's fielded queries (``tags:น้ำ``) working and, unlike the lucene parser,
    reads stray Solr syntax in free text as words instead of failing. Phrase boosts for adjacent
    words (pf, pf2) live in solrconfig.xml, as CKAN does not pass them through.
    """
    facet_fields = params.get("facet.field")
    if (group_titles.enabled() and isinstance(facet_fields, list) and any(f in FACET_COPIES for f in facet_fields)
            and _schema_has_facet_copies(tk.config["solr_url"])):
        params["facet.field"] = [FACET_COPIES.get(name, name) for name in facet_fields]
    sort = params.get("sort")
    if isinstance(sort, str) and "title_string" in sort:  # "name" order is Thai dictionary order
        params["sort"] = sort.replace("title_string", "title_th_sort")
    q = params.get("q")
    if not isinstance(q, str) or not q.strip() or q.strip() in ("*:*", '""', "''"):
        return params
    if len(q) > MAX_QUERY_LENGTH:
        raise SearchQueryError(f"The search text is too long: at most {MAX_QUERY_LENGTH} characters")
    if "{!" in q:
        raise SearchQueryError("Local parameters ({!...}) are not allowed in the search text")
    q = _tidy_query(q)
    params.setdefault("defType", "edismax")
    if params["defType"] == "edismax" and ":" not in q:
        if THAI.search(q):
            q = _segment_thai(q, tk.config["solr_url"])
        q = _words_for_minimum_match(q)
    params["q"] = q
    if params["defType"] == "edismax":
        params.setdefault("qf", QUERY_FIELDS)
        params.setdefault("mm", MINIMUM_MATCH)
        params.setdefault("tie", "0.1")
    return params


PLAIN_WORD = re.compile(r"[\w\u0e00-\u0e7f.\-/]+")  # Thai vowel and tone marks are not \w
OPERATORS = {"AND", "OR", "NOT", "&&", "||"}


def _words_for_minimum_match(q: str) -> str:
    """Join the words of a plain query with OR, so that minimum match decides how many must match.

    CKAN sends q.op=AND, under which edismax makes every word required and ignores mm; words
    joined by an explicit OR are optional and mm applies. Queries with operators, quotes, signs or
    brackets are the user's own syntax and are left alone.
    """
    words = q.split()
    plain = all(PLAIN_WORD.fullmatch(w) and w[0] not in "+-" and w not in OPERATORS for w in words)
    return " OR ".join(words) if plain and len(words) > 1 else q


def _tidy_query(q: str) -> str:
    """Remove what only breaks a query: control characters and a dangling escape or operator."""
    q = "".join(ch for ch in q if ch >= " " or ch in "\t\n")
    q = q.strip()
    while q.endswith("\\") or q[-1:] in ("+", "-", "!", "&", "|", "^", "~"):
        q = q[:-1].rstrip()
    if q.count('"') % 2:
        q = q.replace('"', " ")
    for opening, closing in ("()", "[]", "{}"):
        if q.count(opening) != q.count(closing):  # unbalanced: read as punctuation, not grouping
            q = q.replace(opening, " ").replace(closing, " ")
    return q.strip() or "*:*"


@functools.lru_cache(maxsize=2048)
def _segment_thai(q: str, solr_url: str) -> str:
    """Put spaces between the Thai words of a query, as Solr's own analyzer segments them.

    To the query parser a Thai run is one word however many words it holds, so minimum match and
    matching each word in any field (solrconfig.xml sets sow=true) would not apply within it. The
    words come from the schema's query analyzer (the /analysis/field handler), so query and index
    agree. Stopwords are left out, or they would count as words that must match the exact-match
    fields (name, tags). Otherwise the text stays as typed. If Solr cannot segment, it goes as is.
    """
    try:
        answer = _solr_json(solr_url, "analysis/field", {"analysis.fieldtype": "text", "analysis.query": q})
        stages = answer["analysis"]["field_types"]["text"]["query"]
        tokens = next(stages[i + 1] for i in range(0, len(stages), 2) if stages[i].endswith("Tokenizer"))
        kept = {t["start"] for t in stages[-1]}
    except (requests.RequestException, ValueError, KeyError, StopIteration, IndexError) as error:
        log.warning("Thai query segmentation failed, searching unsegmented: %s", error)
        return q
    if not kept:  # only stopwords: let Solr search them rather than nothing
        return q
    pieces, position = [], 0
    for token in sorted(tokens, key=lambda t: t["start"]):
        start, end = token["start"], token["end"]
        if start < position or end > len(q):
            continue
        pieces.append(q[position:start])
        word = q[start:end]
        thai = THAI.search(word) is not None
        pieces.append(f" {word} " if thai and start in kept else (" " if thai else word))
        position = end
    pieces.append(q[position:])
    return re.sub(r"\s+", " ", "".join(pieces)).strip() or q


def _solr_json(solr_url: str, handler: str, params: dict[str, str]) -> Any:
    """The JSON answer of one of Solr's handlers, over this thread's kept session (solr_connection),
    so that a search asking it pays one short request, not a new connection. Raises requests'
    errors, and ValueError for an answer that is not JSON."""
    response = solr_connection.connection().get_session().get(
        f"{solr_url}/{handler}", params={**params, "wt": "json"}, auth=_solr_auth(), timeout=5,
    )
    response.raise_for_status()
    return response.json()


def _solr_auth() -> tuple[str, str] | None:
    user, password = tk.config.get("solr_user"), tk.config.get("solr_password")
    return (user, password) if user and password else None


# Highlighted words on the search page. Solr marks them with private-use characters that no title
# or description carries; the snippet is HTML-escaped first and only then are the marks turned
# into <mark>, so nothing of the dataset's own text can become markup.
MARK_START, MARK_END = "\ue000", "\ue001"
HIGHLIGHT_FRAGMENT_SIZE = 180  # as long as CKAN's notes extract on the search page


def highlights(q: Any, dataset_ids: list[str]) -> dict[str, dict[str, Markup]]:
    """The title and a notes snippet of each dataset in ``dataset_ids`` with the query's words marked.

    CKAN's package_search passes no highlighting parameters to Solr, so this is a second, small
    query restricted to the ids of one result page. Those ids come from the caller's own
    package_search, so no text of a dataset they may not see can be shown. Datasets (or fields)
    with nothing to mark are left out, and so is everything if Solr fails: the page shows the
    plain text then.
    """
    if not dataset_ids or not isinstance(q, str):
        return {}
    try:
        params = search_params({"q": q})
    except SearchQueryError:
        return {}
    if params.get("defType") != "edismax":  # an empty or match-all query: no words to mark
        return {}
    ids = " OR ".join(solr_literal(dataset_id) for dataset_id in dataset_ids)
    solr_params = {
        "defType": "edismax", "qf": "title notes", "mm": "1", "q.op": "OR",
        "fq": [f"+site_id:{solr_literal(tk.config.get('ckan.site_id'))}", f"+id:({ids})"],
        "fl": "id index_id", "rows": len(dataset_ids), "wt": "json",
        "hl": "true", "hl.method": "unified", "hl.fl": "title notes", "hl.snippets": 1,
        "hl.tag.pre": MARK_START, "hl.tag.post": MARK_END,
        "hl.fragsize": HIGHLIGHT_FRAGMENT_SIZE, "f.title.hl.bs.type": "WHOLE",
    }
    try:
        response = solr_connection.connection(decode_dates=False).search(params["q"], **solr_params)
    except (pysolr.SolrError, SearchError) as error:
        log.warning("Search highlighting failed, showing plain results: %s", error)
        return {}
    marked: dict[str, dict[str, Markup]] = {}
    for doc in response.docs:  # Solr keys highlights by its unique key, CKAN's index_id
        fields = (response.highlighting or {}).get(doc.get("index_id"), {})
        snippets = {name: _marked(values[0]) for name, values in fields.items() if values}
        if snippets:
            marked[doc["id"]] = snippets
    return marked


def _marked(snippet: str) -> Markup:
    # Adjacent marked words read as one: Thai has no space to show where one mark ends.
    snippet = " ".join(snippet.split()).replace(MARK_END + MARK_START, "")
    text = str(escape(snippet))
    return Markup(text.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))
