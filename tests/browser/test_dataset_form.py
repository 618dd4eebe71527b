"""The dataset form in a real headless Chromium, as an editor of an agency fills it in.

For each of the five data types: the form shows that type's fields and hides the others as the
type is chosen, shows an อื่นๆ box when อื่นๆ is chosen, saves a draft (stage 1), takes a
resource (stage 2) and publishes; the API then holds that type's fields and none of the others.
Also: validation errors beside their field in the page's language, and changing the data type of
an existing dataset through the edit form. Screenshots go to artifacts/screenshots/.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import requests
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

from thgov_validators import metadata

pytestmark = pytest.mark.browser

REPO_ROOT = Path(__file__).resolve().parents[2]
REAL_DATA = REPO_ROOT.parent / "shared" / "data" / "real"
ORG = "form-test-agency"
EDITOR = ("form-editor", "form-editor-password-1234")
WAIT = 30


@dataclass
class Case:
    """One dataset filled in through the form: the type-specific part of it."""

    code: str
    name: str
    title: str
    selects: dict[str, str] = field(default_factory=dict)
    checks: dict[str, list[str]] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    upload: str | None = None  # a file from ../shared/data/real/, else a link
    link: str | None = None


CASES = [
    Case("record", "form-record-schools", "ทะเบียนโรงเรียนและบุคลากร ปีการศึกษา 2565",
         selects={"data_support": "หน่วยงานของรัฐ", "data_collect": "อื่นๆ", "high_value_dataset": "True"},
         texts={"data_collect_other": "โรงเรียน"},
         upload="obec_school_staff_2565_two_schools.csv"),
    Case("stat", "form-stat-household-income", "รายได้เฉลี่ยต่อเดือนของครัวเรือน จำแนกตามจังหวัด",
         selects={"unit_of_multiplier": "หน่วย", "official_statistics": "True"},
         checks={"disaggregate": ["ขอบเขตเชิงภูมิศาสตร์หรือเชิงพื้นที่", "อื่นๆ"]},
         texts={"disaggregate_other": "เขตการปกครอง", "first_year_of_data": "2547",
                "last_year_of_data": "2564", "unit_of_measure": "บาท"},
         upload="nso_household_income_by_province_2547-2564.csv"),
    Case("gis", "form-gis-admin-boundaries", "ขอบเขตการปกครองระดับจังหวัด",
         selects={"geographic_data_set": "ชั้นข้อมูลขอบเขตการปกครอง", "equivalent_scale": "อื่นๆ"},
         texts={"equivalent_scale_other": "1:100,000", "west_bound_longitude": "97.34",
                "east_bound_longitude": "105.64", "north_bound_longitude": "20.46",
                "south_bound_longitude": "5.61", "positional_accuracy": "ประมาณ 50 เมตร"},
         link="https://data.example.go.th/boundaries/province.geojson"),
    Case("multi", "form-multi-consumer-prices", "ดัชนีราคาผู้บริโภครายจังหวัด และเอกสารประกอบ",
         selects={"data_support": "อื่นๆ", "reference_data": "False"},
         texts={"data_support_other": "สมาคมผู้บริโภค"},
         upload="moc_cpi_by_province_2541-2564.csv"),
    Case("other", "form-other-archive", "บันทึกจดหมายเหตุการประชุมคณะกรรมการ",
         selects={"data_collect": "ไม่มี"},
         texts={"data_type_other": "ข้อมูลเอกสารจดหมายเหตุ"},
         link="https://data.example.go.th/archive/minutes.pdf"),
]


def _api(portal, action: str, **data: Any) -> Any:
    response = requests.post(f"{portal}/api/3/action/{action}", json=data,
                             headers={"Authorization": portal.token}, timeout=120)
    assert response.ok, response.text
    return response.json()["result"]


@pytest.fixture(scope="module")
def schema_fields(portal) -> dict[str, dict[str, Any]]:
    """The dataset fields as the portal's schema defines them (types and อื่นๆ companions)."""
    response = requests.get(f"{portal}/api/3/action/scheming_dataset_schema_show",
                            params={"type": "dataset"}, timeout=120)
    return {f["field_name"]: f for f in response.json()["result"]["dataset_fields"]}


def _companion(spec: dict[str, Any]) -> str | None:
    found = re.search(r"thgov_other_for\((\w+)\)", spec.get("validators") or "")
    return found.group(1) if found else None


@pytest.fixture(scope="module")
def editor(portal) -> dict[str, Any]:
    """An agency and an editor of it, made through the action API with the sysadmin's token."""
    organization = _api(portal, "organization_create", name=ORG, title="สำนักงานทดสอบแบบฟอร์มข้อมูล")
    _api(portal, "user_create", name=EDITOR[0], email="form-editor@example.go.th", password=EDITOR[1],
         fullname="เจ้าหน้าที่ทดสอบแบบฟอร์ม")
    _api(portal, "organization_member_create", id=ORG, username=EDITOR[0], role="editor")
    return organization


@pytest.fixture(scope="module")
def as_editor(portal, browser, editor, log_in):
    """The browser logged in as the editor through the real login form; logged out afterwards."""
    log_in(*EDITOR)
    assert f"/user/{EDITOR[0]}" in browser.page_source, "not logged in as the editor"
    yield browser
    browser.get(portal + "/user/_logout")
    browser.delete_all_cookies()


def _shot(browser, screenshots: Path, name: str) -> None:
    """A screenshot of the whole page (the window is stretched to the page's height)."""
    width, height = 1280, browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(width, min(max(height, 800), 12000))
    browser.save_screenshot(str(screenshots / f"{name}.png"))
    browser.set_window_size(1280, 1600)


def _click(browser, element) -> None:
    browser.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", element)
    element.click()


def _block(browser, name: str):
    return browser.find_element(By.CSS_SELECTOR, f'[data-thgov-field="{name}"]')


def _select(browser, name: str, value: str) -> None:
    Select(browser.find_element(By.ID, f"field-{name}")).select_by_value(value)


def _check(browser, name: str, value: str) -> None:
    box = browser.find_element(By.CSS_SELECTOR, f'input[type=checkbox][name="{name}"][value="{value}"]')
    if not box.is_selected():
        _click(browser, box)


def _type(browser, name: str, text: str) -> None:
    box = browser.find_element(By.ID, f"field-{name}")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", box)
    box.clear()
    box.send_keys(text)


def _choose_licence(browser, title_part: str) -> None:
    """The licence list is a select2 widget: open it, search, pick with Enter."""
    _click(browser, browser.find_element(By.CSS_SELECTOR, '[aria-controls="select2-field-license_id-container"]'))
    search = browser.find_element(By.CSS_SELECTOR, ".select2-container--open .select2-search__field")
    search.send_keys(title_part)
    search.send_keys(Keys.ENTER)


def _fill_common(browser, title: str, name: str) -> None:
    """The fields every data type has, with Thai values; objective also takes an อื่นๆ answer."""
    _type(browser, "title", title)
    if not browser.find_element(By.ID, "field-name").is_displayed():
        _click(browser, browser.find_element(By.CSS_SELECTOR, ".slug-preview button"))  # the URL's Edit button
    _type(browser, "name", name)
    _type(browser, "maintainer", "กลุ่มงานข้อมูลสารสนเทศ")
    _type(browser, "maintainer_email", "data@form-test.go.th")
    _type(browser, "notes", f"{title} จัดทำโดยหน่วยงานเพื่อเผยแพร่เป็นข้อมูลเปิด")
    _check(browser, "objective", "เพื่อการให้บริการประชาชน")
    assert not _block(browser, "objective_other").is_displayed()
    _check(browser, "objective", "อื่นๆ")
    assert _block(browser, "objective_other").is_displayed(), "choosing อื่นๆ did not show its box"
    _type(browser, "objective_other", "ติดตามผลการดำเนินงานของหน่วยงาน")
    _select(browser, "update_frequency_unit", "ปี")
    _type(browser, "update_frequency_interval", "1")
    _select(browser, "geo_coverage", "จังหวัด")
    _type(browser, "data_source", "ระบบสารสนเทศของหน่วยงาน")
    _check(browser, "data_format", "CSV")
    _select(browser, "data_category", "ข้อมูลสาธารณะ")
    _select(browser, "data_classification", "เปิดเผย")
    _choose_licence(browser, "แบบแสดงที่มา 4.0")  # licences are listed by their Thai names
    _check(browser, "data_language", "ไทย")


def _chosen(browser, name: str) -> set[str]:
    """What is chosen now in a select or a checkbox list."""
    inputs = browser.find_elements(By.CSS_SELECTOR, f'[name="{name}"]')
    if inputs and inputs[0].tag_name == "select":
        return {o.get_attribute("value") for o in Select(inputs[0]).all_selected_options}
    return {i.get_attribute("value") for i in inputs if i.is_selected()}


def _assert_fields_follow_type(browser, schema_fields, code: str) -> None:
    """Fields of the chosen type are shown, others hidden; อื่นๆ boxes only while อื่นๆ is chosen."""
    for name, spec in schema_fields.items():
        codes = spec.get("thgov_data_types")
        companion = _companion(spec)
        if not codes and not companion:
            continue
        expected = not codes or code in codes
        if expected and companion:
            expected = bool(_chosen(browser, companion) & metadata.OTHER_CHOICES)
        assert _block(browser, name).is_displayed() == expected, (
            f"{name} ({codes}, อื่นๆ box of {companion}) should be {'shown' if expected else 'hidden'} "
            f"for a {code} dataset")


def _start_new_dataset(browser, portal, prefix: str = "") -> None:
    browser.get(f"{portal}{prefix}/dataset/new")
    form = browser.find_element(By.ID, "dataset-edit")
    assert form.find_elements(By.CSS_SELECTOR, 'input[type=hidden][name="_csrf_token"]'), "no CSRF field"


def _wait_for_path(browser, pattern: str) -> None:
    try:
        WebDriverWait(browser, WAIT).until(lambda b: re.search(pattern, b.current_url))
    except TimeoutException:
        errors = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".error-explanation, .error-block")]
        raise AssertionError(f"still on {browser.current_url}, not {pattern}; errors shown: {errors}") from None


@pytest.mark.parametrize("case", CASES, ids=[c.code for c in CASES])
def test_new_dataset_of_each_data_type(portal, as_editor, schema_fields, screenshots, case: Case) -> None:
    browser = as_editor
    thai_type = metadata.DATA_TYPES[case.code]
    _start_new_dataset(browser, portal)
    _select(browser, "data_type", thai_type)
    _assert_fields_follow_type(browser, schema_fields, case.code)
    # The notice that a type change drops fields belongs to the edit form only.
    assert not browser.find_element(By.CSS_SELECTOR, "[data-thgov-type-notice]").is_displayed()

    _fill_common(browser, case.title, case.name)
    for name, values in case.checks.items():
        for value in values:
            _check(browser, name, value)
    for name, value in case.selects.items():
        _select(browser, name, value)
    for name, text in case.texts.items():
        companion = _companion(schema_fields[name])
        if companion:
            assert _block(browser, name).is_displayed(), f"choosing อื่นๆ in {companion} did not show {name}"
        _type(browser, name, text)
    _assert_fields_follow_type(browser, schema_fields, case.code)
    _shot(browser, screenshots, f"dataset-form-{case.code}")

    # Stage 1: the dataset is saved as a draft and the resource form follows.
    _click(browser, browser.find_element(By.CSS_SELECTOR, "#dataset-edit button[name=save]"))
    _wait_for_path(browser, rf"/dataset/{case.name}/resource/new")
    assert _api(portal, "package_show", id=case.name)["state"] == "draft"

    # Stage 2: a resource, then Finish publishes the dataset.
    if case.upload:
        # The Upload button marks the upload choice and opens the system's file chooser, which a
        # headless browser has not: mark the choice as the button does, then give the file.
        browser.execute_script("document.getElementById('resource-url-upload').checked = true;")
        browser.find_element(By.ID, "field-resource-upload").send_keys(str(REAL_DATA / case.upload))
    else:
        _click(browser, browser.find_element(By.ID, "resource-link-button"))
        _type(browser, "resource-url", case.link)
    _type(browser, "name", f"ไฟล์ข้อมูล {case.title}")
    _shot(browser, screenshots, f"dataset-form-{case.code}-resource")
    _click(browser, browser.find_element(By.CSS_SELECTOR, "button[name=save][value=go-metadata]"))
    _wait_for_path(browser, rf"/dataset/{case.name}$")
    _shot(browser, screenshots, f"dataset-form-{case.code}-published")

    dataset = _api(portal, "package_show", id=case.name)
    assert dataset["state"] == "active"
    assert dataset["data_type"] == thai_type
    assert dataset["organization"]["name"] == ORG
    assert dataset["objective"] == ["เพื่อการให้บริการประชาชน", "อื่นๆ"]
    assert dataset["objective_other"] == "ติดตามผลการดำเนินงานของหน่วยงาน"
    assert dataset["license_id"] == "cc-by"
    for name, value in {**case.selects, **case.texts}.items():
        assert str(dataset.get(name)) == value, name
    for name, values in case.checks.items():
        assert dataset[name] == values, name
    for name, spec in schema_fields.items():
        if spec.get("thgov_data_types") and case.code not in spec["thgov_data_types"]:
            assert name not in dataset, f"{name} kept on a {case.code} dataset"
    assert len(dataset["resources"]) == 1
    resource = dataset["resources"][0]
    if case.upload:
        assert resource["url_type"] == "upload"
        assert resource["url"].endswith(case.upload)
        stored = requests.get(resource["url"], headers={"Authorization": portal.token}, timeout=120)
        assert stored.content == (REAL_DATA / case.upload).read_bytes()
    else:
        assert resource["url"] == case.link


BAD_YEAR = "25xx"
BAD_YEAR_TH = f"ปีต้องเป็นตัวเลข 4 หลัก เช่น 2567: '{BAD_YEAR}'"
BAD_YEAR_EN = f"A year must have 4 digits, e.g. 2567: '{BAD_YEAR}'"


@pytest.mark.parametrize(("prefix", "year_error", "other_language", "missing_value", "summary"), [
    ("", BAD_YEAR_TH, BAD_YEAR_EN, "ค่าที่ขาดหาย", "แบบฟอร์มมีข้อมูลที่กรอกผิด"),
    ("/en", BAD_YEAR_EN, BAD_YEAR_TH, "Missing value", "The form contains invalid entries"),
], ids=["th", "en"])
def test_errors_beside_each_field_in_the_page_language(portal, as_editor, screenshots, prefix, year_error,
                                                       other_language, missing_value, summary) -> None:
    """A statistics dataset with a year that is not a year and no contact: both errors are shown
    beside their fields, in the page's language only, and what was typed is kept."""
    browser = as_editor
    _start_new_dataset(browser, portal, prefix)
    _select(browser, "data_type", metadata.DATA_TYPES["stat"])
    _fill_common(browser, "สถิติทดสอบข้อผิดพลาด", f"form-error-{prefix.strip('/') or 'th'}")
    browser.find_element(By.ID, "field-maintainer").clear()
    _type(browser, "first_year_of_data", BAD_YEAR)
    _click(browser, browser.find_element(By.CSS_SELECTOR, "#dataset-edit button[name=save]"))
    WebDriverWait(browser, WAIT).until(lambda b: b.find_elements(By.CSS_SELECTOR, ".error-explanation"))

    year_block = _block(browser, "first_year_of_data")
    assert year_block.is_displayed(), "the statistics field with the error is hidden"
    assert year_block.find_element(By.CSS_SELECTOR, ".error-block").text == year_error
    maintainer = browser.find_element(By.ID, "field-maintainer").find_element(By.XPATH, "ancestor::div[contains(@class, 'form-group')]")
    assert maintainer.find_element(By.CSS_SELECTOR, ".error-block").text == missing_value
    summary_box = browser.find_element(By.CSS_SELECTOR, ".error-explanation").text
    assert summary in summary_box and year_error in summary_box
    assert other_language not in browser.find_element(By.TAG_NAME, "body").text
    # What was typed is still there, and the form still follows the chosen type.
    assert browser.find_element(By.ID, "field-first_year_of_data").get_attribute("value") == BAD_YEAR
    assert browser.find_element(By.ID, "field-objective_other").get_attribute("value") == "ติดตามผลการดำเนินงานของหน่วยงาน"
    assert not _block(browser, "data_support").is_displayed()
    _shot(browser, screenshots, f"dataset-form-errors-{prefix.strip('/') or 'th'}")

    # The API keeps both languages.
    response = requests.post(f"{portal}/api/3/action/package_create", headers={"Authorization": portal.token},
                             json={"name": "form-error-api", "owner_org": ORG, "data_type": metadata.DATA_TYPES["stat"],
                                   "first_year_of_data": BAD_YEAR}, timeout=120)
    assert response.status_code == 409
    assert response.json()["error"]["first_year_of_data"] == [f"{BAD_YEAR_TH} / {BAD_YEAR_EN}"]


def test_change_the_data_type_of_a_dataset_through_the_edit_form(portal, as_editor, schema_fields, screenshots) -> None:
    """Editing is a normal POST of the edit form: the type changes, the old type's fields go."""
    browser = as_editor
    name = "form-edit-change-type"
    _api(portal, "package_create", name=name, title="ข้อมูลทะเบียนที่จะเปลี่ยนเป็นข้อมูลสถิติ", owner_org=ORG,
         data_type=metadata.DATA_TYPES["record"], maintainer="กลุ่มงานสถิติ", maintainer_email="stat@form-test.go.th",
         notes="ชุดข้อมูลสำหรับทดสอบการเปลี่ยนประเภท", objective=["พันธกิจหน่วยงาน"], update_frequency_unit="เดือน",
         geo_coverage="ประเทศ", data_source="กองสถิติ", data_format=["CSV"], data_category="ข้อมูลสาธารณะ",
         data_classification="เปิดเผย", license_id="cc-by", data_support="หน่วยงานของรัฐ", high_value_dataset="True",
         private=True)

    browser.get(f"{portal}/dataset/edit/{name}")
    notice = browser.find_element(By.CSS_SELECTOR, "[data-thgov-type-notice]")
    assert not notice.is_displayed()
    _assert_fields_follow_type(browser, schema_fields, "record")
    _select(browser, "data_support", "อื่นๆ")
    _type(browser, "data_support_other", "มูลนิธิเพื่อการศึกษา")

    _select(browser, "data_type", metadata.DATA_TYPES["stat"])
    _assert_fields_follow_type(browser, schema_fields, "stat")
    assert notice.is_displayed(), "no notice that the record fields will go"
    assert "ข้อมูลเมตาเฉพาะของประเภทชุดข้อมูลเดิมจะถูกลบเมื่อบันทึก" in notice.text
    # Hidden, not deleted: switching back shows what was typed.
    _select(browser, "data_type", metadata.DATA_TYPES["record"])
    assert not notice.is_displayed()
    assert browser.find_element(By.ID, "field-data_support_other").get_attribute("value") == "มูลนิธิเพื่อการศึกษา"
    _select(browser, "data_type", metadata.DATA_TYPES["stat"])
    _type(browser, "first_year_of_data", "2560")
    _select(browser, "unit_of_multiplier", "พัน")
    _shot(browser, screenshots, "dataset-form-edit-change-type")

    _click(browser, browser.find_element(By.CSS_SELECTOR, "#dataset-edit button[name=save]:not([value])"))
    _wait_for_path(browser, rf"/dataset/{name}$")
    _shot(browser, screenshots, "dataset-form-edit-changed")

    dataset = _api(portal, "package_show", id=name)
    assert dataset["data_type"] == metadata.DATA_TYPES["stat"]
    assert dataset["first_year_of_data"] == "2560"
    assert dataset["unit_of_multiplier"] == "พัน"
    for gone in ("data_support", "data_support_other", "high_value_dataset"):
        assert gone not in dataset, gone
    assert dataset["state"] == "active"


class _FieldBlocks(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.blocks: dict[str, dict[str, str | None]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if "data-thgov-field" in found:
            self.blocks[str(found["data-thgov-field"])] = found


def test_without_javascript_every_field_is_shown(portal, as_editor, schema_fields) -> None:
    """The page as served (before any script runs) shows every field; the server decides."""
    cookies = {c["name"]: c["value"] for c in as_editor.get_cookies()}
    page = requests.get(f"{portal}/dataset/new", cookies=cookies, timeout=120)
    assert page.ok
    parser = _FieldBlocks()
    parser.feed(page.text)
    expected = {n for n, spec in schema_fields.items() if spec.get("thgov_data_types") or _companion(spec)}
    assert set(parser.blocks) == expected
    assert not [n for n, attrs in parser.blocks.items() if "hidden" in attrs]
    assert parser.blocks["disaggregate_other"]["data-thgov-other-for"] == "disaggregate"
