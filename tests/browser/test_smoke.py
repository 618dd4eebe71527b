"""Smoke test in a real headless Chromium against CKAN served by gunicorn on the test services.

Screenshots are written to artifacts/screenshots/ for people to look at.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.browser


# The demo datasets the portal fixture loads (the first portal.demo_count of the manifest).
LOADED = json.loads((REPO_ROOT / "deploy/demo/demo_datasets.json").read_text(encoding="utf-8"))["datasets"]


def test_home_page_renders_in_thai(portal, browser, screenshots) -> None:
    browser.get(portal + "/")
    assert browser.find_element("tag name", "html").get_attribute("lang") == "th"
    body = browser.find_element("tag name", "body").text
    assert "ชุดข้อมูล" in body  # "Datasets" in the Thai navigation
    assert "ศูนย์กลางข้อมูลเปิดภาครัฐ" in browser.title
    browser.save_screenshot(str(screenshots / "home.png"))


def test_dataset_list_shows_the_thai_demo_datasets(portal, browser, screenshots) -> None:
    browser.get(portal + "/dataset/")
    assert browser.find_element("tag name", "html").get_attribute("lang") == "th"
    body = browser.find_element("tag name", "body").text
    assert f"พบ {portal.demo_count} ชุดข้อมูล" in body.replace(",", "") or str(portal.demo_count) in body
    shown = [d["title"] for d in LOADED[:portal.demo_count] if d["title"][:40] in body]
    assert len(shown) == portal.demo_count, f"missing demo titles; page text was: {body[:800]}"
    browser.save_screenshot(str(screenshots / "dataset-list.png"))


def test_dataset_page_shows_gdc_metadata_in_thai(portal, browser, screenshots) -> None:
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
    browser.save_screenshot(str(screenshots / "dataset-page.png"))
