"""A TIS-620 file uploaded through the resource form in a real headless Chromium, validated by the
real jobs worker (`ckan jobs worker --burst`), and its report page read as a person reads it:
Thai headers and messages not garbled, the encoding named. Screenshots go to
artifacts/screenshots/validation-report-*.png.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import requests
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

pytestmark = pytest.mark.browser

REPO_ROOT = Path(__file__).resolve().parents[2]
TIS620 = REPO_ROOT.parent / "shared" / "data" / "real" / "dld_livestock_farmers_by_tambon_2564_tis620.csv"
ORG = "validation-report-agency"
EDITOR = ("validation-editor", "validation-editor-password-1234")
WAIT = 60
# What TIS-620 bytes look like when read as Latin-1 or as UTF-8 with replacement.
GARBLED = re.compile("[\u00c0-\u00ff]{2}|\ufffd")


def _api(portal, action: str, **data: Any) -> Any:
    response = requests.post(f"{portal}/api/3/action/{action}", json=data,
                             headers={"Authorization": portal.token}, timeout=120)
    assert response.ok, response.text
    return response.json()["result"]


def _shot(browser, screenshots: Path, name: str) -> None:
    width, height = 1280, browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(width, min(max(height, 800), 6000))
    browser.save_screenshot(str(screenshots / f"{name}.png"))
    browser.set_window_size(1280, 1600)


@pytest.fixture(scope="module")
def as_editor(portal, browser, log_in):
    """An agency editor, made through the API, logged in through the real login form."""
    _api(portal, "organization_create", name=ORG, title="กรมปศุสัตว์ (ทดสอบการตรวจไฟล์)")
    _api(portal, "user_create", name=EDITOR[0], email="validation-editor@example.go.th",
         password=EDITOR[1], fullname="เจ้าหน้าที่ตรวจไฟล์")
    _api(portal, "organization_member_create", id=ORG, username=EDITOR[0], role="editor")
    log_in(*EDITOR)
    yield browser
    browser.get(portal + "/user/_logout")
    browser.delete_all_cookies()


def _run_jobs_worker() -> str:
    """The portal's real worker command, until the queue is empty."""
    done = subprocess.run(
        [str(Path(sys.executable).parent / "ckan"), "-c", str(REPO_ROOT / "test.ini"), "jobs", "worker", "--burst"],
        capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return done.stdout + done.stderr


def test_a_tis620_upload_gets_a_thai_report(portal, as_editor, screenshots, gdc_fields, tmp_path) -> None:
    browser = as_editor
    _api(portal, "package_create", **dict(gdc_fields, name="livestock-tis620", owner_org=ORG,
                                          title="เกษตรกรผู้เลี้ยงสัตว์รายตำบล ปี 2564"))
    upload = tmp_path / "เกษตรกรผู้เลี้ยงสัตว์_2564.csv"  # a copy: the real file is never touched
    shutil.copyfile(TIS620, upload)

    browser.get(f"{portal}/dataset/livestock-tis620/resource/new")
    # The Upload button opens the system's file chooser, which a headless browser has not: mark
    # the choice as the button does, then give the file.
    browser.execute_script("document.getElementById('resource-url-upload').checked = true;")
    browser.find_element(By.ID, "field-resource-upload").send_keys(str(upload))
    name = browser.find_element(By.ID, "field-name")
    name.clear()
    name.send_keys("เกษตรกรผู้เลี้ยงสัตว์ (ไฟล์ TIS-620)")
    buttons = browser.find_elements(By.CSS_SELECTOR, "#resource-edit button[name=save]")
    browser.execute_script("arguments[0].click();", buttons[-1])
    WebDriverWait(browser, WAIT).until(lambda b: "/resource/new" not in b.current_url)

    resource = _api(portal, "package_show", id="livestock-tis620")["resources"][0]
    assert resource["url_type"] == "upload"
    assert _api(portal, "resource_validation_show", resource_id=resource["id"])["status"] == "pending"
    _run_jobs_worker()
    result = _api(portal, "resource_validation_show", resource_id=resource["id"])
    assert result["status"] == "failure", result  # 194 blank rows at the end of the file
    assert result["encoding"] == "cp874"
    assert _api(portal, "resource_show", id=resource["id"])["validation_status"] == "failure"

    browser.get(f"{portal}/dataset/livestock-tis620/resource/{resource['id']}/validation")
    try:
        WebDriverWait(browser, WAIT).until(lambda b: b.find_elements(By.CSS_SELECTOR, ".thgov-validation-errors"))
    except TimeoutException:
        _shot(browser, screenshots, "validation-report-tis620-failed")
        raise AssertionError(browser.find_element(By.TAG_NAME, "body").text[:1000]) from None
    _shot(browser, screenshots, "validation-report-tis620-th")
    page = browser.find_element(By.CSS_SELECTOR, "section.module-content").text
    assert not GARBLED.search(page), GARBLED.search(page)
    assert "รายงานการตรวจสอบ" in page or "ผลการตรวจ" in page, page[:500]
    assert browser.find_element(By.CSS_SELECTOR, "[data-encoding]").text == "TIS-620 (cp874)"
    rows = browser.find_elements(By.CSS_SELECTOR, ".thgov-validation-errors tbody tr")
    texts = [row.text for row in rows]
    # "1,378" from row 5,958 on is a number with a thousands separator, not a type error (the
    # inferred schema widens the column), and the report has no English notes on the Thai page
    assert not any("ชนิดข้อมูลไม่ถูกต้อง" in text or "Type Error" in text or "type is" in text for text in texts)
    # the 194 blank rows at the end of the file are one line
    blank = [row.text for row in rows if row.get_attribute("data-type") == "blank-row"]
    assert blank == ["7542–7735 แถวว่าง แถวว่างติดกัน 194 แถว ตั้งแต่แถวที่ 7542 ถึง 7735"], blank

    browser.get(f"{portal}/en/dataset/livestock-tis620/resource/{resource['id']}/validation")
    _shot(browser, screenshots, "validation-report-tis620-en")
    page = browser.find_element(By.CSS_SELECTOR, "section.module-content").text
    assert "Validation report" in page and "194 blank rows in a row, rows 7542 to 7735" in page
    assert not GARBLED.search(page)
