"""Template helpers of the dataset form: field metadata from the schema, errors in one language."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from ckanext.thgov import helpers
from thgov_validators import metadata

SCHEMA = Path(__file__).resolve().parents[2] / "schemas" / "thgov_dataset.yaml"
FIELDS = {f["field_name"]: f for f in yaml.safe_load(SCHEMA.read_text(encoding="utf-8"))["dataset_fields"]}

YEAR = "ปีต้องเป็นตัวเลข 4 หลัก เช่น 2567: '25xx' / A year must have 4 digits, e.g. 2567: '25xx'"
# A value quoted in both halves that itself holds " / ".
LICENCE = "ไม่รู้จักสัญญาอนุญาต 'a / B' (ที่ใช้ได้: cc-by) / Unknown licence 'a / B' (known: cc-by)"


@pytest.mark.parametrize(("locale", "message", "shown"), [
    ("th", YEAR, "ปีต้องเป็นตัวเลข 4 หลัก เช่น 2567: '25xx'"),
    ("en", YEAR, "A year must have 4 digits, e.g. 2567: '25xx'"),
    ("th", LICENCE, "ไม่รู้จักสัญญาอนุญาต 'a / B' (ที่ใช้ได้: cc-by)"),
    ("en", LICENCE, "Unknown licence 'a / B' (known: cc-by)"),
    ("en", "Missing value", "Missing value"),
    ("th", "Unit 1 / Unit 2", "Unit 1 / Unit 2"),  # no Thai half: not a bilingual message
])
def test_a_bilingual_error_is_shown_in_the_page_language(monkeypatch, locale, message, shown) -> None:
    monkeypatch.setattr(helpers, "thgov_current_locale", lambda: locale)
    assert helpers.thgov_localised_error(message) == shown


def test_error_lists_and_summaries_are_localised_throughout(monkeypatch) -> None:
    monkeypatch.setattr(helpers, "thgov_current_locale", lambda: "en")
    errors = {"first_year_of_data": [YEAR], "name": ["Missing value"]}
    assert helpers.thgov_localised_error(errors) == {
        "first_year_of_data": ["A year must have 4 digits, e.g. 2567: '25xx'"], "name": ["Missing value"]}
    assert errors["first_year_of_data"] == [YEAR]  # the caller's dict is left as it was


def test_type_specific_fields_carry_their_thai_data_types() -> None:
    attrs = helpers.thgov_form_field_attrs(FIELDS["data_release_calendar"])
    assert json.loads(attrs["data-thgov-data-types"]) == sorted(metadata.data_types_for(["stat", "gis"]))
    assert attrs["data-thgov-field"] == "data_release_calendar"
    assert "data-thgov-other-for" not in attrs


def test_every_other_box_names_the_field_it_follows() -> None:
    others = {name: f for name, f in FIELDS.items() if "thgov_other_for(" in str(f.get("validators"))}
    assert {"data_type_other", "objective_other", "disaggregate_other"} <= set(others)
    for name, spec in others.items():
        attrs = helpers.thgov_form_field_attrs(spec)
        assert attrs["data-thgov-other-for"] == name.removesuffix("_other")
        assert set(json.loads(attrs["data-thgov-other-values"])) == metadata.OTHER_CHOICES


def test_fields_for_every_type_get_no_wrapper_attributes() -> None:
    assert helpers.thgov_form_field_attrs(FIELDS["title"]) == {}
