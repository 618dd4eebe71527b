"""The API page (/api-docs): every curl and ckanapi example it shows is run as written against the
real portal (gunicorn on PostgreSQL, Solr and Redis), with the real curl and the real ckanapi CLI,
and the page reads in Thai and in English in Chromium (screenshots in artifacts/screenshots/)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import requests
from selenium.webdriver.common.by import By

from ckanext.thgov import api_docs

pytestmark = pytest.mark.browser

REPO_ROOT = Path(__file__).resolve().parents[2]

ORG = "pollution-control-department"
DATASET = "pcd-air-quality-2567"
CSV = "สถานีตรวจวัด,ปี,ค่าเฉลี่ย PM2.5\nเขตปทุมวัน,2567,35.2\nเขตบางนา,2567,28.9\n".encode()
# What the portal's ckanapi and curl error types mean in HTTP.
CKANAPI_ERRORS = {"ValidationError": 409, "NotAuthorized": 403, "NotFound": 404}


class Api:
    def __init__(self, url: str, token: str = "") -> None:
        self.url, self.token = url, token

    def __call__(self, action: str, files: Any = None, **data: Any) -> Any:
        headers = {"Authorization": self.token} if self.token else {}
        endpoint = f"{self.url}/api/3/action/{action}"
        if files:
            response = requests.post(endpoint, data=data, files=files, headers=headers, timeout=120)
        else:
            response = requests.post(endpoint, json=data, headers=headers, timeout=120)
        body = response.json()
        assert body["success"], (action, response.status_code, body)
        return body["result"]


def _user(sysadmin: Api, name: str, role: str) -> str:
    sysadmin("user_create", name=name, email=f"{name}@example.go.th", password="example-password-1234")
    sysadmin("organization_member_create", id=ORG, username=name, role=role)
    return sysadmin("api_token_create", user=name, name="api-docs")["token"]


@pytest.fixture(scope="module")
def example_portal(portal, tmp_path_factory) -> dict[str, Any]:
    """The users, dataset and CSV resource the examples name, and a curlrc that prints the HTTP status."""
    sysadmin = Api(portal.url, portal.token)
    tokens = {"sysadmin": portal.token, "editor": _user(sysadmin, "api-docs-editor", "editor"),
              "admin": _user(sysadmin, "api-docs-admin", "admin"), "anonymous": ""}
    editor = Api(portal.url, tokens["editor"])
    dataset = editor(
        "package_create", name=DATASET, title="คุณภาพอากาศ กรุงเทพมหานคร 2567", owner_org=ORG, private=True,
        notes="ค่าเฉลี่ยฝุ่น PM2.5 รายสถานี", data_type="ข้อมูลสถิติ", maintainer="ฝ่ายข้อมูล",
        maintainer_email="data@example.go.th", objective=["เพื่อการให้บริการประชาชน"], update_frequency_unit="ปี",
        geo_coverage="จังหวัด", data_source="กรมควบคุมมลพิษ", data_format=["CSV"], data_category="ข้อมูลสาธารณะ",
        data_classification="เปิดเผย", license_id="cc-by", tags=[{"name": "คุณภาพอากาศ"}],
    )
    resource = editor("resource_create", package_id=dataset["id"], name="pm25.csv", format="CSV",
                      files={"upload": ("pm25.csv", CSV)})
    curl_home = tmp_path_factory.mktemp("curl")
    (curl_home / ".curlrc").write_text('write-out = "\\n%{http_code}"\n')
    catalog_file = curl_home / "catalog.csv"  # headers the template does not have: a per-row report
    catalog_file.write_text("ชื่อชุดข้อมูล\nทดสอบ\n", encoding="utf-8")
    env = dict(os.environ, CKAN_URL=portal.url, RESOURCE_ID=resource["id"], CATALOG_FILE=str(catalog_file),
               CURL_HOME=str(curl_home), PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}")
    return {"tokens": tokens, "sysadmin": sysadmin, "editor": editor, "dataset": dataset, "resource": resource,
            "env": env}


def _establish(state: str, ex: dict[str, Any]) -> None:
    """Put the example dataset in the state an example starts from."""
    sysadmin, editor, dataset_id = ex["sysadmin"], ex["editor"], ex["dataset"]["id"]
    sysadmin("package_owner_org_update", id=dataset_id, organization_id=ORG)
    sysadmin("package_patch", id=dataset_id, private=True)
    if state in ("requested", "approved-private", "public", "validated-public"):
        editor("thgov_publication_request", id=dataset_id, note="ขอเผยแพร่")
    if state == "approved-private":
        sysadmin("thgov_publication_approve", id=dataset_id, publish=False)
    if state in ("public", "validated-public"):
        assert sysadmin("thgov_publication_approve", id=dataset_id)["private"] is False
    if state == "validated-public":
        sysadmin("resource_validation_run", resource_id=ex["resource"]["id"], **{"async": False})
    if state == "import-checked":
        ex["env"]["IMPORT_ID"] = _checked_import(ex)


def _checked_import(ex: dict[str, Any]) -> str:
    """An upload of the organization's own catalogue, checked without errors by `ckan thgov import
    --dry-run` (the portal fixture runs no jobs worker): what thgov_catalog_import_start takes."""
    exported = requests.get(f"{ex['env']['CKAN_URL']}/organization/{ORG}/export.csv",
                            headers={"Authorization": ex["tokens"]["admin"]}, timeout=60)
    assert exported.status_code == 200, exported.text[:500]
    path = Path(ex["env"]["CURL_HOME"]) / "own-catalog.csv"
    path.write_bytes(exported.content)
    checked = subprocess.run(
        [str(Path(sys.executable).parent / "ckan"), "-c", str(REPO_ROOT / "test.ini"), "thgov", "import",
         str(path), "--org", ORG, "--dry-run", "--user", "api-docs-admin"],
        capture_output=True, text=True, timeout=300)
    assert checked.returncode == 0, checked.stdout[-2000:] + checked.stderr[-2000:]
    return re.findall(r"\(([0-9a-f-]{36})\)", checked.stdout)[-1]


def _value(data: Any, dotted: str) -> Any:
    for key in dotted.split("."):
        data = data[int(key)] if isinstance(data, list) else data[key]
    return data


def _check_result(result: Any, expect: dict[str, Any], where: str) -> None:
    for key, wanted in (expect.get("result") or {}).items():
        assert _value(result, key) == wanted, (where, key, result)
    for key in expect.get("keys") or []:
        _value(result, key)  # KeyError/IndexError names what is missing


def _run(command: str, role: str, ex: dict[str, Any]) -> subprocess.CompletedProcess:
    env = dict(ex["env"], CKAN_TOKEN=ex["tokens"][role])
    return subprocess.run(["bash", "-c", command], env=env, capture_output=True, text=True, timeout=180)


def _examples() -> list[tuple[str, int, api_docs.Example]]:
    docs = api_docs.action_docs() + api_docs.core_action_docs()
    return [(doc.name, i, example) for doc in docs for i, example in enumerate(doc.examples)]


@pytest.mark.parametrize("client", ["curl", "ckanapi"])
@pytest.mark.parametrize("name,index,example", _examples(), ids=lambda v: v if isinstance(v, (str, int)) else "")
def test_page_example_runs_as_written(example_portal, client, name, index, example) -> None:
    if example.state:
        _establish(example.state, example_portal)
    command = getattr(example, client)
    run = _run(command, example.role, example_portal)
    where = f"{name} #{index} ({client}): {command}"
    if client == "curl":
        body, _, status = run.stdout.rpartition("\n")
        assert run.returncode == 0, (where, run.stderr)
        assert int(status) == example.status, (where, status, body)
        answer = json.loads(body)
        assert answer["success"] is (example.status == 200), (where, answer)
        if example.status == 409:
            assert set(example.expect["fields"]) <= set(answer["error"]), (where, answer)
            # field by field, in Thai and English
            assert all(" / " in message for field in example.expect["fields"] for message in answer["error"][field])
        result = answer.get("result")
    elif example.status == 200:
        assert run.returncode == 0, (where, run.stderr[-2000:])
        result = json.loads(run.stdout) if run.stdout.strip() else None
    else:
        assert run.returncode != 0, (where, run.stdout)
        error_line = run.stderr.strip().splitlines()[-1]
        error_type = error_line.split(":", 1)[0].rsplit(".", 1)[-1]
        assert CKANAPI_ERRORS.get(error_type) == example.status, (where, error_line)
        for field in example.expect.get("fields") or []:
            assert f"'{field}'" in error_line, (where, error_line)
        result = None
    if example.status == 200:
        _check_result(result, example.expect, where)
    if example.then.get("dataset"):
        dataset = example_portal["sysadmin"]("package_show", id=example_portal["dataset"]["id"])
        _check_result(dataset, {"result": example.then["dataset"]}, where)


def _page_text(browser, url: str) -> str:
    browser.get(url)
    return browser.find_element(By.TAG_NAME, "body").text


@pytest.mark.parametrize("lang", ["th", "en"])
def test_api_page_shows_every_action_and_the_examples_the_tests_run(portal, browser, screenshots, lang) -> None:
    browser.delete_all_cookies()
    prefix = "" if lang == "th" else "/en"
    text = _page_text(browser, f"{portal}{prefix}/api-docs")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == lang
    browser.save_screenshot(str(screenshots / f"api-docs-{lang}.png"))
    for section in ("thgov_publication_approve", "package_search", "copy"):
        # Bootstrap scrolls smoothly; the screenshot must wait for nothing
        browser.execute_script("document.documentElement.style.scrollBehavior = 'auto';"
                               "document.getElementById(arguments[0]).scrollIntoView()", section)
        browser.save_screenshot(str(screenshots / f"api-docs-{lang}-{section}.png"))
    for doc in api_docs.action_docs():
        assert browser.find_element(By.ID, doc.name)
        assert doc.text(lang) in text
        assert doc.auth_text(lang) in text
    shown = [(e.get_attribute("data-action"), e.find_element(By.CSS_SELECTOR, ".thgov-api-curl").text,
              e.find_element(By.CSS_SELECTOR, ".thgov-api-ckanapi").text)
             for e in browser.find_elements(By.CSS_SELECTOR, ".thgov-api-example")]
    assert shown == [(name, ex.curl, ex.ckanapi) for name, _, ex in _examples()]
    heading = browser.find_element(By.TAG_NAME, "h1").text
    assert heading == ("API สำหรับนักพัฒนา" if lang == "th" else "API for developers")


def test_footer_links_to_the_api_page(portal, browser) -> None:
    browser.delete_all_cookies()
    browser.get(portal + "/")
    link = browser.find_element(By.CSS_SELECTOR, "footer a[href$='/api-docs']")
    assert link.text.strip() == "API สำหรับนักพัฒนา"
