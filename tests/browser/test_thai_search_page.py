"""Issue 6: a Thai word typed in the search page finds the datasets whose titles hold it inside."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

pytestmark = pytest.mark.browser

POPULATION = "จำนวนประชากรตามทะเบียนราษฎร"  # a demo title; ประชากร sits inside it, unspaced


def test_a_thai_word_typed_in_the_search_page_finds_it_inside_a_title(portal, browser, screenshots) -> None:
    browser.get(portal + "/dataset/")
    box = WebDriverWait(browser, 30).until(ec.presence_of_element_located((By.CSS_SELECTOR, "input[name=q]")))
    box.clear()
    box.send_keys("ประชากร", Keys.ENTER)
    WebDriverWait(browser, 30).until(ec.url_contains("q="))
    titles = [a.text for a in browser.find_elements(By.CSS_SELECTOR, ".dataset-list .dataset-heading a")]
    browser.save_screenshot(str(screenshots / "thai_search_prachakorn.png"))
    assert titles and POPULATION in titles[0], titles

    browser.get(portal + "/dataset/?q=ห้องปฏิบัติการ")  # two COVID-19 laboratory datasets, word mid-title
    titles = [a.text for a in browser.find_elements(By.CSS_SELECTOR, ".dataset-list .dataset-heading a")]
    browser.save_screenshot(str(screenshots / "thai_search_laboratory.png"))
    assert len(titles) == 2 and all("ห้องปฏิบัติการ" in t for t in titles), titles


def test_the_search_page_orders_by_newest_and_by_thai_name(portal, browser, screenshots) -> None:
    browser.get(portal + "/dataset/?sort=metadata_created+desc")
    select = WebDriverWait(browser, 30).until(ec.presence_of_element_located((By.ID, "field-order-by")))
    options = {o.get_attribute("value"): o.text for o in select.find_elements(By.TAG_NAME, "option")}
    chosen = select.find_element(By.CSS_SELECTOR, "option[selected]").get_attribute("value")
    browser.save_screenshot(str(screenshots / "thai_search_newest.png"))
    assert options["metadata_created desc"] == "ใหม่ล่าสุด" and chosen == "metadata_created desc", options
    assert set(options) >= {"score desc, metadata_modified desc", "metadata_modified desc", "title_string asc"}

    browser.get(portal + "/dataset/?sort=title_string+asc")
    chosen = browser.find_element(By.CSS_SELECTOR, "#field-order-by option[selected]").get_attribute("value")
    assert chosen == "title_string asc"  # the order chosen stays shown as chosen
    titles = [a.text for a in browser.find_elements(By.CSS_SELECTOR, ".dataset-list .dataset-heading a")]
    browser.save_screenshot(str(screenshots / "thai_search_by_name.png"))
    # Thai dictionary order reads past leading vowels: เกาะ (k) comes before ขนม (kh).
    firsts = [t[1] if t[0] in "เแโใไ" else t[0] for t in titles if t and "\u0e01" <= t[0] <= "\u0e4f"]
    assert firsts and firsts == sorted(firsts), titles


def test_the_matching_thai_words_are_highlighted_in_the_results(portal, browser, screenshots) -> None:
    browser.get(portal + "/dataset/?q=ประชากร")
    heading = WebDriverWait(browser, 30).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, ".dataset-list .dataset-heading a")))
    marks = heading.find_elements(By.TAG_NAME, "mark")
    browser.save_screenshot(str(screenshots / "thai_search_highlight.png"))
    assert POPULATION in heading.text and [m.text for m in marks] == ["ประชากร"], heading.text
    # Visibly marked: a background colour of its own, not the page's.
    assert marks[0].value_of_css_property("background-color") not in ("rgba(0, 0, 0, 0)", "transparent")
