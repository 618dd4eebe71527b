"""Every page the public and agency editors see reads in Thai, and the header switches to English.

Each page is opened in a real headless Chromium; its visible text and the placeholder, title,
aria-label, alt and button-value attributes are searched for English words. What is not interface
language is allowed: the portal's content (demo datasets, resources, agencies, groups, licences),
brand and format names, e-mail addresses, URLs and numbers. Screenshots go to artifacts/screenshots/.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

pytestmark = pytest.mark.browser

REPO_ROOT = Path(__file__).resolve().parents[2]

GROUP = {"name": "thgov-ui-group", "title": "กลุ่มข้อมูลเศรษฐกิจ", "description": "ชุดข้อมูลด้านเศรษฐกิจ"}

# Names, formats and standards written the same way in Thai pages.
NOT_UI_LANGUAGE = {
    "ckan", "api", "csv", "json", "jsonld", "json-ld", "xml", "rdf", "ttl", "turtle", "n3", "url", "uri", "dcat",
    "html", "pdf", "xls", "xlsx", "doc", "docx", "tsv", "zip", "geojson", "gml", "kml", "ods", "txt", "sql",
    "nosql", "shapefile", "geotiff", "markdown", "gd-catalog", "gdc", "odbl", "http", "https", "www",
    "facebook", "x",  # the share buttons
}
# Format names of more than one word, taken out before the text is split into words.
FORMAT_NAMES = ("Arc/Info Coverage",)

# Visible text and interface attributes of the page, leaving out <script>, <style>, the URL name in
# the form's URL preview, and anything inside an element whose lang says it is not Thai (the English
# link of the language switch).
COLLECT = """
const out = [];
const notThai = el => { const l = el.closest('[lang]'); return l && !l.lang.toLowerCase().startsWith('th'); };
const shown = el => {
  const s = getComputedStyle(el);
  return s.display !== 'none' && s.visibility !== 'hidden' && (el.offsetWidth || el.offsetHeight || el.getClientRects().length);
};
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
while (walker.nextNode()) {
  const node = walker.currentNode, el = node.parentElement;
  if (!el || ['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE'].includes(el.tagName)) continue;
  if (!node.textContent.trim() || notThai(el) || !shown(el)) continue;
  if (el.closest('.slug-preview-value')) continue;  // the dataset's URL name, e.g. <dataset> until typed
  out.push(['text', node.textContent.trim()]);
}
for (const el of document.querySelectorAll('[placeholder],[title],[aria-label],[alt],[data-bs-title],input[type=submit],input[type=button],button[value]')) {
  if (notThai(el)) continue;
  for (const a of ['placeholder', 'title', 'aria-label', 'alt', 'data-bs-title']) {
    if (el.getAttribute(a)) out.push([a, el.getAttribute(a)]);
  }
  if (el.matches('input[type=submit],input[type=button]') && el.value) out.push(['value', el.value]);
}
out.push(['title', document.title]);
return out;
"""

SLUG = re.compile(r"\b[a-z0-9]+(?:-[a-z0-9]+)+\b")  # URL names such as population-by-province
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
LINK = re.compile(r"\b(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:go\.th|or\.th|ac\.th|org|com|net)\S*"
                  r"|\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?/\S*")
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]")


def _words(text: str) -> set[str]:
    for name in FORMAT_NAMES:
        text = text.replace(name, " ")
    text = SLUG.sub(" ", LINK.sub(" ", EMAIL.sub(" ", text)))
    return {w.lower() for w in WORD.findall(text)}


@dataclass
class Content:
    """What the demo data and the agencies wrote. A page text that is part of a long text (a
    description) is content as a whole; otherwise only the words of short texts (titles, names,
    tags, formats) are allowed, so the English words of a description cannot hide interface words."""

    long_texts: list[str]
    words: set[str]

    def covers(self, text: str) -> bool:
        """Descriptions are shown with their whitespace collapsed and cut short with an ellipsis."""
        text = " ".join(text.split()).rstrip("….").strip()
        return len(text) > 3 and any(text in " ".join(long.split()) for long in self.long_texts)


def _content(portal, dataset: dict, group: dict) -> Content:
    """The free-text fields of datasets, resources, agencies, groups and licences. Values of choice
    fields are codes whose labels are interface text, and machine fields (type, state, ...) are not
    content, so both are left out."""
    api = f"{portal}/api/3/action/"
    headers = {"Authorization": portal.token}

    def get(action: str, **params):
        return requests.get(api + action, params=params, headers=headers, timeout=30).json()["result"]

    schema = get("scheming_dataset_schema_show", type="dataset")
    agency_schema = get("scheming_organization_schema_show", type="organization")

    def text_fields(fields: list[dict]) -> list[str]:
        return [f["field_name"] for f in fields if not (f.get("choices") or f.get("choices_helper"))]

    long_keys = {"notes", "description"}
    dataset_keys, resource_keys = text_fields(schema["dataset_fields"]), text_fields(schema["resource_fields"])
    short: list[str] = []
    long: list[str] = []

    def add(record: dict, keys) -> None:
        for key in keys:
            values = record.get(key)
            for value in values if isinstance(values, list) else [values]:
                if isinstance(value, str) and value:
                    (long if key in long_keys else short).append(value)

    datasets = [dataset]
    while True:  # every page: earlier browser tests (the catalogue import) add a thousand datasets
        page = get("package_search", rows=1000, start=len(datasets) - 1, include_private=True)
        datasets += page["results"]
        if not page["results"] or len(datasets) - 1 >= page["count"]:
            break
    for d in datasets:
        add(d, dataset_keys)
        short.extend(t["display_name"] for t in d.get("tags", []))
        for r in d.get("resources", []):
            add(r, resource_keys)
    agencies_and_groups = (get("organization_list", all_fields=True, include_extras=True)
                           + get("group_list", all_fields=True, include_extras=True))
    for g in agencies_and_groups + [group] + [d["organization"] for d in datasets if d.get("organization")]:
        add(g, ["name", "title", "display_name", "description"] + text_fields(agency_schema["fields"]))
    # Licence titles only as whole texts (the form's licence list): their words (open, data,
    # license, ...) would otherwise hide the same words left in the interface.
    long.extend(licence["title"] for licence in get("license_list"))
    # The portal's name, which carries its English name too.
    add(get("status_show"), ["site_title", "site_description"])
    return Content(long_texts=long, words=set().union(*(_words(t) for t in short)))


def _english_left(browser, content: Content) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for where, text in browser.execute_script(COLLECT):
        if content.covers(text):
            continue
        words = _words(text) - content.words - NOT_UI_LANGUAGE
        if words:
            found.setdefault(f"{where}: {text[:120]!r}", sorted(words))
    return found


@pytest.fixture(scope="module")
def demo(portal) -> dict:
    headers = {"Authorization": portal.token}
    api = f"{portal}/api/3/action/"
    dataset = requests.get(api + "package_search", params={"rows": 1, "sort": "name asc"},
                           timeout=30).json()["result"]["results"][0]
    groups = requests.get(api + "group_list", params={"all_fields": True}, timeout=30).json()["result"]
    if groups:
        group = groups[0]
    else:
        group = requests.post(api + "group_create", json=GROUP, headers=headers, timeout=30).json()["result"]
        requests.post(api + "member_create", headers=headers, timeout=30,
                      json={"id": group["name"], "object": dataset["id"], "object_type": "package",
                            "capacity": "public"}).raise_for_status()
    organization = dataset["organization"]
    return {
        "dataset": dataset, "resource": dataset["resources"][0], "group": group, "organization": organization,
        "content": _content(portal, dataset, group),
    }


@pytest.fixture(scope="module")
def signed_in(portal, browser, demo):
    """The sysadmin signed in through the portal's own Thai login form; signed out again afterwards."""
    browser.delete_all_cookies()
    browser.get(portal + "/user/login")
    browser.find_element(By.ID, "field-login").send_keys(portal.admin)
    browser.find_element(By.ID, "field-password").send_keys(portal.password)
    browser.find_element(By.CSS_SELECTOR, ".form-actions button[type=submit]").click()
    WebDriverWait(browser, 30).until(ec.presence_of_element_located((By.CSS_SELECTOR, ".account.authed")))
    yield
    browser.delete_all_cookies()


def _public_pages(demo) -> dict[str, str]:
    d, r = demo["dataset"], demo["resource"]
    return {
        "home": "/",
        "dataset-search": "/dataset/",
        "dataset": f"/dataset/{d['name']}",
        "dataset-groups": f"/dataset/groups/{d['name']}",
        "dataset-activity": f"/dataset/activity/{d['name']}",
        "dataset-search-nothing-found": "/dataset/?q=ไม่มีชุดข้อมูลนี้แน่นอน",
        "resource": f"/dataset/{d['name']}/resource/{r['id']}",
        "organization-list": "/organization/",
        "organization": f"/organization/{demo['organization']['name']}",
        "organization-about": f"/organization/about/{demo['organization']['name']}",
        "group-list": "/group/",
        "group": f"/group/{demo['group']['name']}",
        "group-about": f"/group/about/{demo['group']['name']}",
        "password-reset": "/user/reset",
        "login": "/user/login",
        "error-404": "/dataset/no-such-dataset-here",
        "error-403": "/ckan-admin/",
        "api-docs": "/api-docs",  # the action API page (examples in lang="en" blocks)
    }


def _editor_pages(portal, demo) -> dict[str, str]:
    d, r = demo["dataset"], demo["resource"]
    return {
        "dataset-new": "/dataset/new",
        "dataset-edit": f"/dataset/edit/{d['name']}",
        "dataset-publication": f"/dataset/{d['name']}/publication",  # approval and the audit log
        "resource-new": f"/dataset/{d['name']}/resource/new",
        "resource-edit": f"/dataset/{d['name']}/resource/{r['id']}/edit",
        "register": "/user/register",  # the public may not register here; a sysadmin may
        "dashboard": "/dashboard/",
        "dashboard-datasets": "/dashboard/datasets",
        "dashboard-organizations": "/dashboard/organizations",
        "dashboard-groups": "/dashboard/groups",
        "user-profile": f"/user/{portal.admin}",
        "user-edit": f"/user/edit/{portal.admin}",
        "organization-edit": f"/organization/edit/{demo['organization']['name']}",
        "organization-new": "/organization/new",
        "group-new": "/group/new",
    }


def _check_pages(portal, browser, screenshots: Path, demo, pages: dict[str, str]) -> None:
    problems = {}
    for name, path in pages.items():
        browser.get(portal + path)
        WebDriverWait(browser, 30).until(lambda b: b.execute_script("return document.readyState") == "complete")
        assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "th", path
        browser.save_screenshot(str(screenshots / f"thai-{name}.png"))
        left = _english_left(browser, demo["content"])
        if left:
            problems[path] = left
    assert not problems, "English left in the Thai interface:\n" + "\n".join(
        f"{path}\n" + "\n".join(f"    {where} -> {words}" for where, words in left.items())
        for path, left in problems.items()
    )


def test_public_pages_have_no_english_interface_text(portal, browser, screenshots, demo) -> None:
    browser.delete_all_cookies()
    _check_pages(portal, browser, screenshots, demo, _public_pages(demo))


def test_forms_and_dashboard_have_no_english_interface_text(portal, browser, screenshots, demo, signed_in) -> None:
    _check_pages(portal, browser, screenshots, demo, _editor_pages(portal, demo))


def test_licence_and_open_data_badges_read_in_thai(portal, browser, demo) -> None:
    """Licence titles are allowed as content above; on Thai pages they are shown by their Thai names."""
    licences = json.loads((REPO_ROOT / "schemas/licenses.json").read_text(encoding="utf-8"))
    thai_title = {lic["id"]: lic["title_th"] for lic in licences}[demo["dataset"]["license_id"]]
    browser.delete_all_cookies()
    dataset, resource = demo["dataset"]["name"], demo["resource"]["id"]
    for path in (f"/dataset/{dataset}", f"/dataset/{dataset}/resource/{resource}"):
        browser.get(portal + path)
        assert thai_title in browser.find_element(By.TAG_NAME, "body").text, path
        alts = {img.get_attribute("alt") for img in browser.find_elements(By.CSS_SELECTOR, "img.open-data, footer img")}
        assert alts == {"ข้อมูลเปิด"}, (path, alts)


def test_javascript_strings_are_served_in_thai(portal) -> None:
    strings = requests.get(f"{portal}/api/i18n/th", timeout=30).json()
    assert strings["Please Confirm"][1] == "กรุณายืนยัน"  # from this extension's catalogue
    assert strings["Upload"][1] == "อัปโหลด"


def test_header_switch_leads_to_the_english_page_and_back(portal, browser, screenshots, demo) -> None:
    browser.delete_all_cookies()
    dataset = demo["dataset"]["name"]
    browser.get(f"{portal}/dataset/{dataset}")
    switch = browser.find_element(By.CSS_SELECTOR, ".thgov-language-switch a[hreflang=en]")
    assert switch.text.strip() == "English"
    assert switch.get_attribute("title") == "แสดงหน้านี้เป็นภาษาอังกฤษ"
    switch.click()
    WebDriverWait(browser, 30).until(lambda b: b.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en")
    assert browser.current_url == f"{portal}/en/dataset/{dataset}"
    nav = browser.find_element(By.CSS_SELECTOR, "header.masthead nav").text
    assert "Datasets" in nav and "Organizations" in nav
    browser.save_screenshot(str(screenshots / "english-dataset.png"))

    browser.find_element(By.CSS_SELECTOR, ".thgov-language-switch a[hreflang=th]").click()
    WebDriverWait(browser, 30).until(lambda b: b.find_element(By.TAG_NAME, "html").get_attribute("lang") == "th")
    assert browser.current_url == f"{portal}/dataset/{dataset}"
    assert "ชุดข้อมูล" in browser.find_element(By.CSS_SELECTOR, "header.masthead nav").text
