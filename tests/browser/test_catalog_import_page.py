"""Bulk catalogue import in a real headless Chromium, with a real `ckan jobs worker`: an editor
downloads the template, uploads 1,000 rows with seeded errors and sees every problem by row and
column; a corrected file is then imported with its progress shown. Screenshots go to
artifacts/screenshots/ (catalog-import-*.png)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from openpyxl import load_workbook
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

pytestmark = pytest.mark.browser

REPO_ROOT = Path(__file__).resolve().parents[2]
ORG = "catalog-import-org"
EDITOR = ("catalog-editor", "catalog-password-1234")
ROWS = 1000
WAIT = 300


def _api(portal, action: str, **data):
    response = requests.post(f"{portal}/api/3/action/{action}", json=data,
                             headers={"Authorization": portal.token}, timeout=120)
    assert response.ok, response.text
    return response.json()["result"]


@pytest.fixture(scope="module")
def worker(portal):
    """`ckan jobs worker` on the test Redis and database, as the portal runs in production. The
    other browser tests run without a worker: the demo's queued file validations are dropped
    first, so this worker runs only the imports and leaves the demo datasets as they expect."""
    from ckan.lib import jobs

    jobs.get_queue().empty()
    log = (REPO_ROOT / "artifacts").joinpath("catalog-import-worker.log")
    log.parent.mkdir(exist_ok=True)
    process = subprocess.Popen([str(Path(sys.executable).parent / "ckan"), "-c", str(REPO_ROOT / "test.ini"),
                                "jobs", "worker"], stdout=log.open("wb"), stderr=subprocess.STDOUT,
                               env=dict(os.environ, CKAN_SITE_URL=portal.url))
    yield process
    process.terminate()  # a warm shutdown: RQ lets a running job finish first
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def as_editor(portal, browser, worker):
    _api(portal, "organization_create", name=ORG, title="สำนักงานทดสอบการนำเข้าบัญชีข้อมูล")
    _api(portal, "user_create", name=EDITOR[0], email="catalog-editor@example.go.th", password=EDITOR[1],
         fullname="เจ้าหน้าที่นำเข้าบัญชีข้อมูล")
    _api(portal, "organization_member_create", id=ORG, username=EDITOR[0], role="editor")
    browser.delete_all_cookies()
    browser.get(portal + "/user/login")
    browser.find_element(By.ID, "field-login").send_keys(EDITOR[0])
    browser.find_element(By.ID, "field-password").send_keys(EDITOR[1])
    browser.find_element(By.XPATH, "//input[@id='field-login']/ancestor::form//button[@type='submit']").click()
    WebDriverWait(browser, 60).until(lambda b: "/user/login" not in b.current_url)
    yield browser
    browser.get(portal + "/user/_logout")
    browser.delete_all_cookies()


def _shot(browser, screenshots: Path, name: str) -> None:
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(1280, min(max(height, 800), 6000))
    browser.save_screenshot(str(screenshots / f"{name}.png"))
    browser.set_window_size(1280, 1600)


STAT = {"ชื่อชุดข้อมูล": None, "ชื่อฝ่ายงานสำหรับติดต่อ": "กองสถิติ", "อีเมลสำหรับติดต่อ": "stat@example.go.th",
        "คำสำคัญ": "ประชากร, จังหวัด", "รายละเอียด": "จำนวนประชากรรายจังหวัด", "วัตถุประสงค์": "พันธกิจหน่วยงาน",
        "หน่วยความถี่ของการปรับปรุงข้อมูล": "ปี", "ขอบเขตเชิงภูมิศาสตร์หรือเชิงพื้นที่": "จังหวัด",
        "แหล่งที่มา": "กรมการปกครอง", "รูปแบบการเก็บข้อมูล": "CSV", "หมวดหมู่ข้อมูลตามธรรมาภิบาลข้อมูลภาครัฐ": "ข้อมูลสาธารณะ",
        "ระดับชั้นข้อมูล": "เปิดเผย", "สัญญาอนุญาตให้ใช้ข้อมูล": "ครีเอทีฟคอมมอนส์ แบบแสดงที่มา 4.0",
        "วันที่กำหนดเผยแพร่ข้อมูล": "2567-12-31", "หน่วยตัวคูณ": "หน่วย", "ปีข้อมูลที่เริ่มต้นจัดทำ (พ.ศ.)": "2560"}
# (row index from 0, header, bad value, expected field) — what an agency gets wrong
SEEDED = [(10, "อีเมลสำหรับติดต่อ", "stat(at)example", "maintainer_email"),
          (250, "หมวดหมู่ข้อมูลตามธรรมาภิบาลข้อมูลภาครัฐ", "ข้อมูลสาธารณ", "data_category"),
          (400, "วันที่กำหนดเผยแพร่ข้อมูล", "31-12-2567", "data_release_calendar"),
          (777, "ชื่อชุดข้อมูล", "", "title"),
          (998, "ปีข้อมูลที่เริ่มต้นจัดทำ (พ.ศ.)", "25x0", "first_year_of_data")]


def _workbook(template: bytes, seeded: bool) -> bytes:
    """The downloaded template filled with ROWS statistics datasets (and the seeded errors)."""
    book = load_workbook(io.BytesIO(template))
    sheet = book["ข้อมูลสถิติ"]
    headers = [str(c.value or "").rstrip(" *") for c in sheet[1]]
    for n in range(ROWS):
        values = dict(STAT, **{"ชื่อชุดข้อมูล": f"สถิติประชากร ชุดที่ {n + 1}", "ตัวระบุชุดข้อมูล": f"pop-{n + 1:04d}"})
        if n == 5:
            values["วัตถุประสงค์"] = "อื่น ๆ"  # close to อื่นๆ: read as it, with a notice
            values["วัตถุประสงค์ (อื่นๆ โปรดระบุ)"] = "งานวิจัย"
        if seeded:
            for index, header, bad, _field in SEEDED:
                if index == n:
                    values[header] = bad
        for column, header in enumerate(headers, start=1):
            if header in values:
                sheet.cell(row=n + 3, column=column, value=values[header])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(browser, portal, path: Path) -> None:
    browser.get(f"{portal}/organization/{ORG}/import")
    browser.find_element(By.ID, "thgov-catalog-file").send_keys(str(path))
    browser.find_element(By.CSS_SELECTOR, "form.thgov-catalog-upload button[type=submit]").click()
    WebDriverWait(browser, 60).until(lambda b: "/import/" in b.current_url)


def _status(browser) -> str:
    return browser.find_element(By.CSS_SELECTOR, ".thgov-catalog-run").get_attribute("data-status")


# the page reloads itself at each new stage: an element read during a reload is gone
RELOADING = (NoSuchElementException, StaleElementReferenceException)


def _wait(browser, condition) -> None:
    WebDriverWait(browser, WAIT, poll_frequency=0.3, ignored_exceptions=RELOADING).until(condition)


def _wait_status(browser, wanted: set[str]) -> str:
    _wait(browser, lambda b: _status(b) in wanted)
    time.sleep(0.5)  # the reload that showed this stage has finished
    return _status(browser)


def test_a_thousand_rows_with_errors_then_corrected_and_imported(portal, as_editor, screenshots, tmp_path):
    browser = as_editor
    browser.get(f"{portal}/organization/{ORG}/import")
    _shot(browser, screenshots, "catalog-import-page")
    assert "แม่แบบ (Excel)" in browser.page_source
    cookies = {c["name"]: c["value"] for c in browser.get_cookies()}
    template = requests.get(f"{portal}/organization/{ORG}/import/template.xlsx", cookies=cookies, timeout=60)
    assert template.ok and template.content[:2] == b"PK"

    with_errors = tmp_path / "catalog-with-errors.xlsx"
    with_errors.write_bytes(_workbook(template.content, seeded=True))
    started = time.perf_counter()
    _upload(browser, portal, with_errors)
    assert _wait_status(browser, {"invalid", "checked"}) == "invalid"
    print(f"\n{ROWS} rows checked in the browser in {time.perf_counter() - started:.1f}s")
    _shot(browser, screenshots, "catalog-import-errors")
    reported = {(int(r.get_attribute("data-row")), r.get_attribute("data-field"))
                for r in browser.find_elements(By.CSS_SELECTOR, "table.thgov-catalog-errors tbody tr")}
    assert reported == {(index + 3, field) for index, _h, _v, field in SEEDED}
    assert "ไม่มีการบันทึกข้อมูล" in browser.page_source  # nothing written, said in Thai
    notices = browser.find_elements(By.CSS_SELECTOR, "table.thgov-catalog-notices tbody tr")
    assert [n.get_attribute("data-row") for n in notices] == ["8"]
    assert _api(portal, "package_search", fq=f"organization:{ORG}", include_private=True)["count"] == 0

    corrected = tmp_path / "catalog-corrected.xlsx"
    corrected.write_bytes(_workbook(template.content, seeded=False))
    _upload(browser, portal, corrected)
    assert _wait_status(browser, {"invalid", "checked"}) == "checked"
    _shot(browser, screenshots, "catalog-import-checked")
    button = browser.find_element(By.XPATH, "//form[contains(@action, '/start')]//button")
    assert "1000" in button.text
    started = time.perf_counter()
    button.click()
    # progress is shown while the worker writes: the bar moves and the page says how many rows are done
    def moving(b) -> bool:
        done = b.find_element(By.CSS_SELECTOR, ".thgov-catalog-run .progress").get_attribute("aria-valuenow")
        return _status(b) == "done" or (int(done or 0) > 0 and "นำเข้าแล้ว" in b.find_element(
            By.CSS_SELECTOR, ".thgov-catalog-progress").text)

    _wait(browser, moving)
    _shot(browser, screenshots, "catalog-import-progress")
    assert _wait_status(browser, {"done", "failed"}) == "done"
    print(f"{ROWS} rows imported in the browser in {time.perf_counter() - started:.1f}s")
    _shot(browser, screenshots, "catalog-import-done")
    found = _api(portal, "package_search", fq=f"organization:{ORG}", include_private=True, rows=0)
    assert found["count"] == ROWS
    public = _api(portal, "package_search", fq=f"organization:{ORG}", rows=0)
    assert public["count"] == 0  # imported datasets are private until approved
