"""Form errors in the page's language on every scheming form: the agency form here (the dataset
form is driven in a real browser in tests/browser/test_dataset_form.py)."""

from __future__ import annotations

import pytest
from markupsafe import escape

from ckan.tests import factories

CODE_TH = "รหัสหน่วยงานต้องเป็นตัวเลขหรืออักษรละติน 2–20 ตัว: 'ก'"
CODE_EN = "An agency code is 2-20 digits or Latin letters: 'ก'"


@pytest.mark.usefixtures("with_plugins", "clean_db")
@pytest.mark.parametrize(("prefix", "shown", "other"), [("", CODE_TH, CODE_EN), ("/en", CODE_EN, CODE_TH)])
def test_agency_form_errors_are_in_the_page_language(app, prefix, shown, other) -> None:
    sysadmin = factories.SysadminWithToken()
    response = app.post(f"{prefix}/organization/new", headers={"Authorization": sysadmin["token"]},
                        data={"title": "กรมทดสอบ", "name": "test-department", "agency_code": "ก", "save": ""})
    page = response.get_data(as_text=True)
    assert page.count(escape(shown)) == 2  # in the summary and beside the field
    assert escape(other) not in page
