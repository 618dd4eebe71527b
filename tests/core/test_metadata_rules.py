"""Pure Thai GDC metadata rules: Buddhist Era years, coordinates, tags."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from thgov_validators import metadata

TODAY = dt.date(2026, 11, 24)
REAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "real"


@pytest.mark.parametrize("raw,expected", [
    ("2567", 2567), ("๒๕๖๗", 2567), ("พ.ศ. 2563", 2563), ("2020", 2563), ("ค.ศ. 2020", 2563), (2010, 2553),
])
def test_years_are_stored_in_buddhist_era(raw, expected) -> None:
    assert metadata.to_be_year(raw, TODAY) == expected


@pytest.mark.parametrize("raw", ["25xx", "", "256", "3000", "1200", "2600"])
def test_implausible_years_are_refused_with_thai_and_english(raw) -> None:
    with pytest.raises(metadata.InvalidValue) as error:
        metadata.to_be_year(raw, TODAY)
    assert error.value.th and error.value.en


@given(st.integers(min_value=1857, max_value=TODAY.year + 10))
def test_ce_and_be_forms_of_a_year_agree(ce_year: int) -> None:
    assert metadata.to_be_year(str(ce_year), TODAY) == metadata.to_be_year(str(ce_year + 543), TODAY) == ce_year + 543


def test_coordinates_are_range_checked() -> None:
    assert metadata.check_coordinate("100.5", "lon") == 100.5
    assert metadata.check_coordinate("-90", "lat") == -90
    for value, axis in (("95", "lat"), ("181", "lon"), ("ตะวันตก", "lon"), ("nan", "lat")):
        with pytest.raises(metadata.InvalidValue):
            metadata.check_coordinate(value, axis)


def test_real_data_go_th_tags_with_thai_marks_are_accepted() -> None:
    records = json.loads((REAL / "datagoth_catalog_records.json").read_text(encoding="utf-8"))
    tags = {t for r in records for t in r["tags"] if "\ufffd" not in t and "(" not in t and len(t) <= 100}
    refused = [t for t in tags if not metadata.TAG_PATTERN.fullmatch(t)]
    assert len(tags) > 500
    assert len(refused) / len(tags) < 0.05, refused[:20]


@pytest.mark.parametrize("tag", ["<script>", "a/b", "ทุนรัฐบา\ufffd", "x" * 101, ""])
def test_bad_tags_are_refused(tag: str) -> None:
    with pytest.raises(metadata.InvalidValue):
        metadata.check_tag(tag)


def test_dates_are_shown_in_buddhist_era() -> None:
    assert metadata.thai_date("2021-05-03") == "3 พ.ค. 2564"
    assert metadata.thai_date("2024-12-31T10:00:00") == "31 ธ.ค. 2567"


def test_type_specific_fields_apply_only_to_their_types() -> None:
    assert metadata.field_applies(None, "ข้อมูลระเบียน")
    assert metadata.field_applies(["stat"], "ข้อมูลสถิติ")
    assert not metadata.field_applies(["stat", "gis"], "ข้อมูลระเบียน")
