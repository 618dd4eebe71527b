"""Validation by shape (ckanext/thgov/shape_validation.py) gives what navl's validate gives (no services)."""

from __future__ import annotations

import copy

import pytest

from ckan.lib.navl import dictization_functions as df
from ckan.lib.navl.validators import ignore_missing, keep_extras, not_empty, unicode_safe
from ckan.logic.converters import convert_from_extras
from ckan.logic.schema import default_show_package_schema

from ckanext.thgov.shape_validation import ShapeValidator

calls: list[str] = []


def _before(key, data, errors, context):
    calls.append("before")
    data[("seen_before",)] = sorted(k[-1] for k in data if len(k) == 1)[:3]


def _after(key, data, errors, context):
    calls.append("after")
    data[("checked",)] = len(data)


def _upper(value):
    return value.upper() if isinstance(value, str) else value


def _stop_on_b(key, data, errors, context):
    if data.get(key) == "b":
        raise df.StopOnError


def _junk(key, data, errors, context):
    if key in data:
        data[key] = {k[-1] if isinstance(k, tuple) else k: v for k, v in data[key].items()}


SCHEMA = {
    "__before": [_before], "__after": [_after], "__junk": [_junk],
    "name": [not_empty, unicode_safe, _upper], "note": [ignore_missing, _stop_on_b, _upper],
    "items": {"value": [not_empty, _upper], "label": [ignore_missing], "__extras": [keep_extras]},
}


def _same_as_navl(validator: ShapeValidator, schema: dict, data: dict) -> dict:
    context = {"ignore_auth": True}
    expected = df.validate(copy.deepcopy(data), schema, dict(context))[0]
    got = validator.validate(copy.deepcopy(data), dict(context))
    assert got == expected
    assert list(got) == list(expected)  # the same order, so the same JSON text
    return got


@pytest.mark.parametrize("data", [
    {"name": "a", "note": "b", "items": [{"value": "x", "label": "y", "other": 1}, {"value": ""}]},
    {"name": "", "items": [], "stray": {"deep": [1]}, "more": "junk"},
    {"note": None, "items": [{"label": "only"}], "nested": [{"a": 1}]},
    {"name": "ชื่อ\u200b ", "note": "ก", "items": [{"value": "ข", "x": "", "y": None}] * 3},
])
def test_a_schema_with_every_phase_validates_as_navl(data: dict) -> None:
    validator = ShapeValidator(SCHEMA)
    for round_number in range(2):  # the second time from the plan of the first
        data = copy.deepcopy(data)
        if round_number and data.get("name"):
            data["name"] += " อีก"
        _same_as_navl(validator, SCHEMA, data)


def test_lists_navl_refuses_go_through_navl_and_fail_the_same() -> None:
    validator = ShapeValidator(SCHEMA)
    _same_as_navl(validator, SCHEMA, {"name": "a", "items": []})
    with pytest.raises(df.DataError) as ours:
        validator.validate({"name": "a", "items": ["not a dict"]}, {})
    with pytest.raises(df.DataError) as theirs:
        df.validate({"name": "a", "items": ["not a dict"]}, SCHEMA, {})
    assert str(ours.value) == str(theirs.value)


def _package(extras: list[dict], **changes) -> dict:
    package = {
        "id": "d1", "name": "ชุด-ข้อมูล", "title": "ชุดข้อมูล", "type": "dataset", "state": "active",
        "private": False, "owner_org": None, "organization": None, "notes": "", "url": None,
        "resources": [{"id": "r1", "url": "https://example.go.th/a.csv", "format": "CSV", "position": 0,
                       "name": "ไฟล์", "extra_key": "ค่า", "package_id": "d1"}],
        "tags": [{"id": "t1", "name": "ประชากร", "display_name": "ประชากร", "state": "active",
                  "vocabulary_id": None}],
        "groups": [{"id": "g1", "name": "g", "title": "กลุ่ม", "display_name": "กลุ่ม", "description": "",
                    "image_display_url": "", "is_organization": False}],
        "extras": extras, "relationships_as_subject": [], "relationships_as_object": [],
        "num_resources": 1, "num_tags": 1, "metadata_created": "2026-01-01T00:00:00",
        "metadata_modified": "2026-01-02T00:00:00", "license_id": "cc-by", "isopen": True,
    }
    package.update(changes)
    return package


@pytest.mark.parametrize("extras", [
    [],
    [{"key": "data_type", "value": "ข้อมูลสถิติ"}, {"key": "objective", "value": '["a"]'}],
    [{"key": "same", "value": "1"}, {"key": "same", "value": "2"}, {"key": "", "value": ""}],
])
@pytest.mark.parametrize("from_extras", [False, True])
def test_the_default_show_schema_validates_as_navl(extras: list[dict], from_extras: bool) -> None:
    schema = default_show_package_schema()
    schema["name"] = [not_empty, unicode_safe]  # its database check is left to the integration tests
    if from_extras:  # as ckanext-scheming fills it for fields kept in the extras
        for name in ("data_type", "objective", "same", "not_there"):
            schema[name] = [convert_from_extras, ignore_missing, unicode_safe]
    validator = ShapeValidator(schema)
    for changes in ({}, {"tags": [], "notes": None}, {"resources": [], "groups": []},
                    {"title": " ชื่อ\u00a0", "private": True, "unknown_top": "x"}):
        _same_as_navl(validator, schema, _package(copy.deepcopy(extras), **changes))
