"""Issue 6: Thai words are found inside Thai text, on the real Solr with the derived schema.

One module-scoped corpus (created once, published through the approval workflow) serves every
search test, so the module stays fast.
"""

from __future__ import annotations

import json

import pytest
import requests

import ckan.plugins
import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

TITLES = {
    "population-by-province": ("จำนวนประชากรแยกตามจังหวัด", "สถิติจำนวนประชากรจากการทะเบียนราษฎร"),
    "electricity-monthly": ("ปริมาณการใช้ไฟฟ้ารายเดือน", "การใช้ไฟฟ้าของผู้ใช้ไฟแต่ละประเภท"),
    # Both words of "การใช้ไฟฟ้ารายเดือน" are here, but far apart: it must rank after the title above.
    "energy-report": ("รายงานพลังงานประจำปี", "ข้อมูลรายเดือนของการผลิต และการใช้น้ำมัน ก๊าซ และไฟฟ้า"),
    "electricity-only": ("ที่ตั้งสถานีไฟฟ้าย่อย", "ตำแหน่งสถานีไฟฟ้า"),
    "tourists-2558": ("นักท่องเที่ยวชาวต่างชาติ ประจำปี ๒๕๕๘", "สถิตินักท่องเที่ยว"),
    "crude-oil-imports": ("Crude Oil Imports by Country", "Monthly imports of crude oil, PM2.5 not included"),
    "pdf-broken-office": ("รายชื่อสาํนักงานเขต", "สาํนักงานเขตของกรุงเทพมหานคร"),
    # For sorting by name: Thai order puts ก words with leading vowels (เ, ไ) before ข.
    "sort-khanom": ("ขนมไทยพื้นบ้าน", "ขนม"),
    "sort-ko": ("เกาะในทะเลอันดามัน", "เกาะ"),
    "sort-kai": ("ไก่ชนพื้นเมือง", "ไก่"),
    "sort-kafae": ("กาแฟอาราบิกา", "กาแฟ"),
}


pytestmark = pytest.mark.usefixtures("with_plugins")


@pytest.fixture(scope="module")
def corpus(reset_db, migrate_db_for, reset_index):
    """Published Thai datasets, plus one private dataset with a distinctive word."""
    ckan.plugins.load_all()  # with_plugins is per test; this fixture is set up once for the module
    try:
        reset_db()
        migrate_db_for("activity")
        migrate_db_for("thgov")
        reset_index()
        return _create_corpus()
    finally:
        ckan.plugins.unload_all()


def _create_corpus() -> dict:
    from tests.conftest import GDC_REQUIRED

    approver = factories.Sysadmin()
    org = factories.Organization(title="สำนักงานสถิติแห่งชาติ")
    group = factories.Group(name="economy", title="กลุ่มเศรษฐกิจ")
    for name, (title, notes) in TITLES.items():
        groups = [{"name": group["name"]}] if name.startswith("electricity") else []
        dataset = factories.Dataset(name=name, title=title, owner_org=org["id"], groups=groups,
                                    **dict(GDC_REQUIRED, notes=notes))
        helpers.call_action("thgov_publication_approve", {"user": approver["name"]}, id=dataset["id"])
    factories.Dataset(name="private-draft", title="ทะเบียนผู้ป่วยลับเฉพาะ", owner_org=org["id"],
                      **dict(GDC_REQUIRED, notes="ผู้ป่วยลับเฉพาะ"))
    return org


def search(q: str, user: str = "") -> list[str]:
    result = helpers.call_action("package_search", {"user": user, "ignore_auth": False}, q=q, rows=20)
    return [d["name"] for d in result["results"]]


# Loops rather than parametrize: each test pays for loading the plugins (with_plugins), about a second.
FOUND_INSIDE = [
    ("ประชากร", "population-by-province"),
    ("จังหวัด", "population-by-province"),
    ("ไฟฟ้า", "electricity-monthly"),
    ("นักท่องเที่ยว", "tourists-2558"),
    ("2558", "tourists-2558"),             # Thai digits in the title are indexed as Arabic ones
    ("สำนักงานเขต", "pdf-broken-office"),   # SARA AM split by PDF extraction is rejoined
    ("สถิติแห่งชาติ", "population-by-province"),  # a word of the organization's title
]


def test_a_thai_word_inside_thai_text_is_found(corpus) -> None:
    missed = [(word, expected) for word, expected in FOUND_INSIDE if expected not in search(word)]
    assert not missed


def test_the_stock_schema_would_not_find_it(corpus) -> None:
    """Guards the premise: the whole title is not one token any more."""
    solr = tk.config["solr_url"]
    tokens = requests.get(f"{solr}/analysis/field", timeout=10, params={
        "analysis.fieldtype": "text", "analysis.fieldvalue": "จำนวนประชากรแยกตามจังหวัด", "wt": "json",
    }).json()["analysis"]["field_types"]["text"]["index"][-1]
    assert [t["text"] for t in tokens] == ["จํานวน", "ประชากร", "แยก", "จังหวัด"]  # ตาม is a stopword


def test_all_words_adjacent_rank_first(corpus) -> None:
    results = search("การใช้ไฟฟ้ารายเดือน")
    assert results[:2] == ["electricity-monthly", "energy-report"]
    assert "electricity-only" not in results  # one word of four is not enough


def test_a_long_query_may_miss_one_word_in_four(corpus) -> None:
    # Six words (ปริมาณ ใช้ ไฟฟ้า ราย เดือน ประเทศ); the title lacks ประเทศ and is still found first.
    results = search("ปริมาณการใช้ไฟฟ้ารายเดือนของประเทศ")
    assert results[:1] == ["electricity-monthly"] and "electricity-only" not in results


def test_words_typed_with_spaces_work_like_without(corpus) -> None:
    assert search("ประชากร จังหวัด")[0] == search("ประชากรจังหวัด")[0] == "population-by-province"


def test_latin_search_still_works(corpus) -> None:
    for q in ["crude oil", "CRUDE OIL", "import", "pm2.5", "crude-oil-imports"]:  # stemmed, case-folded, codes
        assert search(q)[:1] == ["crude-oil-imports"], q


def test_sort_by_name_is_thai_dictionary_order(corpus) -> None:
    result = helpers.call_action("package_search", q="name:sort-*", sort="title_string asc", rows=10)
    order = [d["name"] for d in result["results"]]
    assert set(order[:3]) == {"sort-ko", "sort-kai", "sort-kafae"} and order[3] == "sort-khanom", order
    assert result["sort"] == "title_string asc"  # as asked: the search page shows it as the order chosen


def test_fielded_queries_keep_working(corpus) -> None:
    assert search("name:electricity-monthly") == ["electricity-monthly"]


BAD_QUERIES = [
    "ประชากร:", "(ประชากร", "ประชากร)", '"ประชากร', "ประชากร\\", "*ประชากร*", "ประชากร*", "a:b:c",
    "title:(", "[1 TO", "ไฟฟ้า && || !", "ประชากร^", "~ประชากร", "ประชากร 🙂", "🙂", "ไฟฟ้าElectricity",
    "ข้อมูล\x00ประชากร", "/ประชากร/",
]


def test_bad_query_syntax_gives_results_not_errors(corpus) -> None:
    for q in BAD_QUERIES:
        search(q)  # no exception: results, possibly none
    assert "population-by-province" in search("(ประชากร")


def test_bad_query_syntax_in_the_api_and_search_page_never_500(app, corpus) -> None:
    for q in ["(ประชากร", "ประชากร\\", '"', "title:(", "{!lucene}ประชากร", "ก" * 600]:
        api = app.get("/api/3/action/package_search", query_string={"q": q}, status=None)
        page = app.get("/dataset/", query_string={"q": q}, status=None)
        assert api.status_code in (200, 400), (q, api.status_code)
        assert page.status_code in (200, 400), (q, page.status_code)


def test_a_very_long_query_is_a_clear_400(app, corpus) -> None:
    response = app.get("/api/3/action/package_search", query_string={"q": "ประชากร " * 100}, status=400)
    assert "too long" in response.json["error"]["message"]


def test_private_datasets_never_appear_to_anonymous_users(corpus) -> None:
    for q in ["ผู้ป่วย", "ลับเฉพาะ", "ทะเบียนผู้ป่วยลับเฉพาะ", "name:private-draft", "*:*", ""]:
        assert "private-draft" not in search(q)
    sysadmin = factories.Sysadmin()
    result = helpers.call_action("package_search", {"user": sysadmin["name"]}, q="ผู้ป่วย", include_private=True)
    assert [d["name"] for d in result["results"]] == ["private-draft"]


def test_autocomplete_finds_thai_prefixes_and_words_inside_titles(app, corpus) -> None:
    """The actions behind the form's and search box's suggestions (CKAN matches inside names and titles)."""
    def suggest(action: str, q: str) -> list[str]:
        response = app.get(f"/api/3/action/{action}", query_string={"q": q}, status=200)
        return [item["name"] if isinstance(item, dict) else item for item in response.json["result"]]

    assert "population-by-province" in suggest("package_autocomplete", "จำนวนประ")  # a prefix
    assert "population-by-province" in suggest("package_autocomplete", "ประชา")     # inside the title
    assert "sort-kafae" in suggest("package_autocomplete", "กาแฟ")
    assert corpus["name"] in suggest("organization_autocomplete", "สถิติ")
    assert corpus["name"] in suggest("organization_autocomplete", "สำนักงาน")
    # The private dataset is never suggested to those who cannot see it.
    for q in ("ผู้ป่วย", "ทะเบียน", "private"):
        assert "private-draft" not in suggest("package_autocomplete", q)


def test_tag_autocomplete_finds_thai_tags(app, corpus) -> None:
    editor = factories.Sysadmin()
    tags = helpers.call_action("package_show", id="population-by-province")["tags"] + [{"name": "ประชากรศาสตร์"}]
    helpers.call_action("package_patch", {"user": editor["name"]}, id="population-by-province", tags=tags)
    tag = "ประชากรศาสตร์"
    response = app.get("/api/3/action/tag_autocomplete", query_string={"q": "ประชา"}, status=200)
    assert tag in response.json["result"]


def test_autocomplete_bad_input_never_500(app, corpus) -> None:
    for action in ("package_autocomplete", "tag_autocomplete", "organization_autocomplete", "group_autocomplete"):
        for q in BAD_QUERIES + ["%", "_", "%%ประชา%", "ก" * 2000, ""]:
            response = app.get(f"/api/3/action/{action}", query_string={"q": q}, status=None)
            assert response.status_code in (200, 400), (action, q, response.status_code)


def _highlights(q: str, user: str = "") -> dict:
    from ckanext.thgov import search as thgov_search

    result = helpers.call_action("package_search", {"user": user, "ignore_auth": False}, q=q, rows=20)
    return {d["name"]: thgov_search.highlights(q, [d["id"]]).get(d["id"], {}) for d in result["results"]}


def test_the_matching_thai_word_is_marked_inside_a_thai_title(corpus) -> None:
    from ckanext.thgov import search as thgov_search

    marked = _highlights("ประชากร")["population-by-province"]
    assert marked["title"] == "จำนวน<mark>ประชากร</mark>แยกตามจังหวัด"
    assert marked["notes"] == "สถิติจำนวน<mark>ประชากร</mark>จากการทะเบียนราษฎร"
    assert _highlights("ไฟฟ้า รายเดือน")["electricity-monthly"]["title"] == (
        "ปริมาณการใช้<mark>ไฟฟ้ารายเดือน</mark>")  # adjacent words (ไฟฟ้า ราย เดือน) in one mark
    assert thgov_search.highlights("", [corpus["id"]]) == thgov_search.highlights("*:*", [corpus["id"]]) == {}


def test_highlighted_results_escape_the_datasets_own_markup(app, corpus) -> None:
    from tests.conftest import GDC_REQUIRED

    sysadmin = factories.Sysadmin()
    dataset = factories.Dataset(
        name="xss-title", title="<script>alert('x')</script>จำนวนประชากร\ue001<b>", owner_org=corpus["id"],
        **dict(GDC_REQUIRED, notes='<img src=x onerror="alert(1)"> จำนวนประชากร'))
    helpers.call_action("thgov_publication_approve", {"user": sysadmin["name"]}, id=dataset["id"])
    try:
        marked = _highlights("ประชากร")["xss-title"]
        assert marked["title"].startswith("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;จำนวน<mark>ประชากร</mark>")
        assert "<script" not in marked["title"] and "<b>" not in marked["title"]
        assert marked["notes"].startswith("&lt;img src=x onerror=&#34;alert(1)&#34;&gt;")
        page = app.get("/dataset/", query_string={"q": "ประชากร"}).get_data(as_text=True)
        assert "&lt;/script&gt;จำนวน<mark>ประชากร</mark>" in page and "<script>alert(" not in page and "<img src=x" not in page
    finally:
        helpers.call_action("dataset_purge", {"user": sysadmin["name"]}, id=dataset["id"])


def test_the_search_page_marks_words_and_never_shows_private_text(app, corpus) -> None:
    page = app.get("/dataset/", query_string={"q": "ประชากร"}).get_data(as_text=True)
    assert "จำนวน<mark>ประชากร</mark>แยกตามจังหวัด" in page
    page = app.get("/dataset/", query_string={"q": "ผู้ป่วย"}).get_data(as_text=True)
    assert "ทะเบียนผู้ป่วยลับเฉพาะ" not in page and "<mark>" not in page


def test_searches_reuse_one_solr_connection_per_thread(corpus) -> None:
    """CKAN would open a new HTTP session per search; ours keeps one per thread and Solr address."""
    import threading

    import ckan.lib.search.query as search_query
    from ckanext.thgov import solr_connection

    assert search_query.make_connection is solr_connection.connection
    search("ประชากร")
    first = solr_connection.connection(decode_dates=False)
    session = first.get_session()
    assert "electricity-monthly" in search("ไฟฟ้า")
    assert solr_connection.connection(decode_dates=False) is first and first.get_session() is session
    assert session.trust_env is False
    # Solr closing a kept connection (its idle timeout) costs a reconnection, not a failed search.
    first._http.sock.close()
    assert "electricity-monthly" in search("ไฟฟ้า")
    in_other_thread: list = []
    thread = threading.Thread(target=lambda: in_other_thread.append(solr_connection.connection(decode_dates=False)))
    thread.start()
    thread.join()
    assert in_other_thread[0] is not first  # a requests session is not shared between threads


def test_solr_errors_through_a_kept_connection_are_clear_not_500(app, corpus) -> None:
    response = app.get("/api/3/action/package_search", query_string={"q": "ประชากร", "fq": 'title:("'})
    assert response.status_code == 409 and "SyntaxError" in response.get_data(as_text=True)
    assert search("ประชากร")[:1] == ["population-by-province"]  # the connection still serves


def test_stored_dataset_json_is_utf8_and_reads_back_as_package_show(corpus) -> None:
    """The JSON package_search returns is stored with Thai letters as UTF-8, not \\u escapes."""
    solr = tk.config["solr_url"]
    doc = requests.get(f"{solr}/select", timeout=10, params={
        "q": "name:population-by-province", "fl": "validated_data_dict", "wt": "json"}).json()["response"]["docs"][0]
    assert "จำนวนประชากรแยกตามจังหวัด" in doc["validated_data_dict"] and "\\u0e" not in doc["validated_data_dict"]
    found = helpers.call_action("package_search", q="name:population-by-province")["results"][0]
    shown = helpers.call_action("package_show", id="population-by-province")
    assert found == shown


FACETS = ["organization", "groups", "tags", "license_id", "data_category"]


def _facets(app) -> dict:
    params = {"q": "ไฟฟ้า", "rows": "0", "facet.field": json.dumps(FACETS)}
    result = app.get("/api/3/action/package_search", query_string=params).json["result"]
    return {key: result[key] for key in ("count", "facets", "search_facets")}


def test_organization_and_group_facets_read_as_ckans_without_asking_the_database(app, corpus) -> None:
    """Facets come from Solr's copies and titles from memory (group_titles): the same answer as
    CKAN's own lookup, and a warm anonymous search sends no SQL at all."""
    import sqlalchemy as sa

    from ckan import model
    from ckanext.thgov import group_titles

    ours = _facets(app)
    statements: list[str] = []

    def record(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    sa.event.listen(model.meta.engine, "before_cursor_execute", record)
    try:
        assert _facets(app) == ours
    finally:
        sa.event.remove(model.meta.engine, "before_cursor_execute", record)
    assert statements == []
    group_titles.configure(0)  # CKAN's own facets and database lookup
    try:
        assert _facets(app) == ours
    finally:
        group_titles.configure(tk.asint(tk.config.get("ckanext.thgov.search.facet_titles_max_age")))
    facets = ours["search_facets"]
    assert [(i["name"], i["display_name"], i["count"]) for i in facets["groups"]["items"]] == [
        ("economy", "กลุ่มเศรษฐกิจ", 2)]
    assert [i["display_name"] for i in facets["organization"]["items"]] == ["สำนักงานสถิติแห่งชาติ"]
    assert facets["organization"]["title"] == "organization" and list(ours["facets"]) == FACETS


def test_a_changed_group_title_shows_in_facets_at_once(app, corpus) -> None:
    editor = {"user": factories.Sysadmin()["name"]}
    helpers.call_action("group_patch", editor, id="economy", title="กลุ่มเศรษฐกิจและการค้า")
    try:
        items = _facets(app)["search_facets"]["groups"]["items"]
        assert [i["display_name"] for i in items] == ["กลุ่มเศรษฐกิจและการค้า"]
    finally:
        helpers.call_action("group_patch", editor, id="economy", title="กลุ่มเศรษฐกิจ")


def test_a_solr_core_without_the_facet_copies_gets_ckans_own_facets(corpus) -> None:
    """A core made from an older configset: not the copies, whose facets would come back empty."""
    from ckanext.thgov import search as thgov_search

    solr = tk.config["solr_url"]
    assert thgov_search._schema_has_facet_copies(solr)
    older = solr.rsplit("/", 1)[0] + "/no_such_core"
    assert not thgov_search._schema_has_facet_copies(older)
    assert older not in thgov_search._facet_copies_found  # asked again next time, not remembered
