"""Smoke test in a real headless Chromium against CKAN served by gunicorn on the test services.

Screenshots are written to artifacts/screenshots/ for people to look at.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from ckan.lib import search
from ckan.tests import helpers

REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO_ROOT / "artifacts" / "screenshots"
DEMO_DATASETS = 6

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    """A real CKAN web server on the test database and Solr core, holding Thai demo data."""
    helpers.reset_db()
    ini = str(REPO_ROOT / "test.ini")
    subprocess.run([str(Path(sys.executable).parent / "ckan"), "-c", ini, "db", "pending-migrations", "--apply"],
                   check=True, capture_output=True)
    search.clear_all()

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = dict(os.environ, CKAN_INI=str(REPO_ROOT / "test.ini"), CKAN_SITE_URL=url)
    log = tmp_path_factory.mktemp("web") / "gunicorn.log"
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--chdir", str(REPO_ROOT / "deploy" / "ckan"),
         "wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "120"],
        env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(120):
            try:
                if requests.get(f"{url}/api/3/action/status_show", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            if server.poll() is not None:
                pytest.fail(f"gunicorn exited: {log.read_text()[-2000:]}")
            time.sleep(0.5)
        else:
            pytest.fail(f"gunicorn did not answer: {log.read_text()[-2000:]}")

        sysadmin = helpers.call_action(
            "user_create", {"ignore_auth": True},
            name="smoke-admin", email="smoke@example.go.th", password="smoke-password-1234",
        )
        from ckan import model

        model.User.get(sysadmin["id"]).sysadmin = True
        model.repo.commit()
        token = helpers.call_action(
            "api_token_create", {"user": "smoke-admin", "ignore_auth": True}, user="smoke-admin", name="smoke"
        )["token"]
        token_file = tmp_path_factory.mktemp("token") / "token"
        token_file.write_text(token)
        subprocess.run(
            [sys.executable, str(REPO_ROOT / "deploy" / "demo" / "load_demo.py"), "--url", url,
             "--token-file", str(token_file), "--limit", str(DEMO_DATASETS)],
            check=True, env=env,
        )
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--window-size=1280,1600", "--lang=th"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    yield driver
    driver.quit()


# The demo datasets the portal fixture loads (the first DEMO_DATASETS of the manifest).
LOADED = json.loads((REPO_ROOT / "deploy/demo/demo_datasets.json").read_text(encoding="utf-8"))["datasets"][:DEMO_DATASETS]


def test_home_page_renders_in_thai(portal, browser) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser.get(portal + "/")
    assert browser.find_element("tag name", "html").get_attribute("lang") == "th"
    body = browser.find_element("tag name", "body").text
    assert "ชุดข้อมูล" in body  # "Datasets" in the Thai navigation
    assert "ศูนย์กลางข้อมูลเปิดภาครัฐ" in browser.title
    browser.save_screenshot(str(SCREENSHOTS / "home.png"))


def test_dataset_list_shows_the_thai_demo_datasets(portal, browser) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser.get(portal + "/dataset/")
    assert browser.find_element("tag name", "html").get_attribute("lang") == "th"
    body = browser.find_element("tag name", "body").text
    assert f"พบ {DEMO_DATASETS} ชุดข้อมูล" in body.replace(",", "") or str(DEMO_DATASETS) in body
    shown = [d["title"] for d in LOADED if d["title"][:40] in body]
    assert len(shown) == DEMO_DATASETS, f"missing demo titles; page text was: {body[:800]}"
    browser.save_screenshot(str(SCREENSHOTS / "dataset-list.png"))


def test_dataset_page_shows_gdc_metadata_in_thai(portal, browser) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    first = LOADED[0]
    browser.get(f"{portal}/dataset/{first['name']}")
    body = browser.find_element("tag name", "body").text
    assert first["title"][:40] in body
    # Thai labels and stored Thai values of the GDC schema
    for text in ("หมวดหมู่ข้อมูลตามธรรมาภิบาลข้อมูลภาครัฐ", "ข้อมูลสาธารณะ", "ระดับชั้นข้อมูล", "เปิดเผย"):
        assert text in body, text
    # Empty rows and rows of other data types are not shown.
    assert "โปรดระบุ (อื่นๆ)" not in body
    assert "หน่วยตัวคูณ" not in body
    browser.save_screenshot(str(SCREENSHOTS / "dataset-page.png"))
