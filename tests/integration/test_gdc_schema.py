"""The Thai GDC dataset schema, validated on the server (issue 3, first part)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

REAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "real"

# Plugins, schemas and presets come from deploy/ckan/settings.ini through test.ini.
pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


@pytest.fixture
def org():
    return factories.Organization(name="ddc")


@pytest.fixture
def create():
    """package_create as a sysadmin (the activity plugin needs a real user in the context)."""
    admin = factories.Sysadmin()

    def call(**data):
        return helpers.call_action("package_create", {"user": admin["name"]}, **data)

    return call


def record(org, **overrides):
    data = {
        "name": "population", "title": "จำนวนประชากรแยกตามจังหวัด", "owner_org": org["id"],
        "data_type": "ข้อมูลระเบียน", "maintainer": "ฝ่ายสถิติ", "maintainer_email": "stat@dopa.go.th",
        "notes": "คำอธิบาย", "objective": ["ยุทธศาสตร์ชาติ"], "update_frequency_unit": "ปี",
        "geo_coverage": "จังหวัด", "data_source": "กรมการปกครอง", "data_format": ["CSV"],
        "data_category": "ข้อมูลสาธารณะ", "data_classification": "เปิดเผย", "license_id": "cc-by",
        "tags": [{"name": "ประชากร"}, {"name": "สาธารณสุข"}],
    }
    data.update(overrides)
    return data


def errors_of(data) -> dict:
    with pytest.raises(tk.ValidationError) as error:
        helpers.call_action("package_create", {"user": factories.Sysadmin()["name"]}, **data)
    return error.value.error_dict


def test_a_complete_record_dataset_is_stored_with_thai_values(org, create) -> None:
    created = create(**record(org))
    shown = helpers.call_action("package_show", id=created["id"])
    assert shown["data_category"] == "ข้อมูลสาธารณะ"
    assert shown["objective"] == ["ยุทธศาสตร์ชาติ"]
    assert {t["name"] for t in shown["tags"]} == {"ประชากร", "สาธารณสุข"}


def test_mandatory_items_are_required_on_the_server(org) -> None:
    data = record(org)
    for name in ("data_type", "maintainer", "maintainer_email", "notes", "objective",
                 "update_frequency_unit", "geo_coverage", "data_source", "data_format", "data_category"):
        data.pop(name)
    errors = errors_of(data)
    assert {"data_type", "maintainer", "maintainer_email", "notes", "objective", "update_frequency_unit",
            "geo_coverage", "data_source", "data_format", "data_category"} <= set(errors)


@pytest.mark.parametrize("field,value", [
    ("data_type", "ข้อมูลลับ"), ("geo_coverage", "ดาวอังคาร"), ("update_frequency_unit", "ศตวรรษ"),
    ("data_category", "สาธารณะ"), ("objective", ["ไม่มีในรายการ"]),
])
def test_choices_are_validated_on_the_server(org, field, value) -> None:
    assert field in errors_of(record(org, **{field: value}))


def test_classification_must_fit_the_category(org) -> None:
    errors = errors_of(record(org, data_category="ข้อมูลความมั่นคง", data_classification="เปิดเผย"))
    assert "data_classification" in errors
    message = errors["data_classification"][0]
    assert "ข้อมูลความมั่นคง" in message and "not allowed" in message


def test_other_companion_required_when_other_chosen_and_dropped_otherwise(org, create) -> None:
    assert "objective_other" in errors_of(record(org, objective=["อื่นๆ"]))
    created = create(**record(org, objective_other="ค้างจากการเลือกเดิม"))
    assert "objective_other" not in helpers.call_action("package_show", id=created["id"])


def test_fields_of_another_data_type_are_refused(org) -> None:
    errors = errors_of(record(org, unit_of_measure="คน", west_bound_longitude="100.5", first_year_of_data="2560"))
    assert {"unit_of_measure", "west_bound_longitude", "first_year_of_data"} <= set(errors)
    assert "Only for datasets of type: statistical data" in errors["unit_of_measure"][0]


def test_changing_the_data_type_is_a_normal_edit(org, create) -> None:
    """The old type's values, carried over unchanged by a patch, are dropped rather than refused."""
    admin = factories.Sysadmin()
    stat = create(**record(org, data_type="ข้อมูลสถิติ", data_release_calendar="2025-01-06", unit_of_measure="คน",
                           first_year_of_data="2560", resources=[{
                               "url": "https://example.go.th/a.csv", "name": "a", "format": "CSV",
                               "resource_unit_of_measure": "คน"}]))
    changed = helpers.call_action("package_patch", {"user": admin["name"]}, id=stat["id"], data_type="ข้อมูลระเบียน",
                                  created_date="2024-01-01")
    assert not {"unit_of_measure", "first_year_of_data", "data_release_calendar"} & set(changed)
    assert "resource_unit_of_measure" not in changed["resources"][0]
    with pytest.raises(tk.ValidationError) as error:  # but a new value for the old type is refused
        helpers.call_action("package_patch", {"user": admin["name"]}, id=stat["id"], unit_of_measure="ตัน")
    assert "unit_of_measure" in error.value.error_dict


def test_statistics_years_are_buddhist_era(org, create) -> None:
    created = create(
        **record(org, data_type="ข้อมูลสถิติ", first_year_of_data="2010", last_year_of_data="๒๕๖๗"),
    )
    shown = helpers.call_action("package_show", id=created["id"])
    assert (shown["first_year_of_data"], shown["last_year_of_data"]) == ("2553", "2567")
    assert "first_year_of_data" in errors_of(record(org, name="x2", data_type="ข้อมูลสถิติ", first_year_of_data="25xx"))


def test_bounding_box_is_numeric_and_in_range(org) -> None:
    errors = errors_of(record(org, data_type="ข้อมูลภูมิสารสนเทศเชิงพื้นที่",
                              north_bound_longitude="95", west_bound_longitude="ตะวันตก"))
    assert {"north_bound_longitude", "west_bound_longitude"} <= set(errors)


def test_tags_refuse_markup_but_accept_thai(org) -> None:
    assert "tags" in errors_of(record(org, tags=[{"name": "<script>"}]))


def test_a_data_go_th_export_is_accepted(org, create, publish) -> None:
    exported = json.loads((REAL / "datagoth_package_search_covid-19-daily.json").read_text())["result"]["results"][0]
    data = copy.deepcopy(exported)
    for key in ("id", "creator_user_id", "metadata_created", "metadata_modified", "num_resources", "num_tags",
                "organization", "groups", "relationships_as_subject", "relationships_as_object", "isopen",
                "license_title", "state", "type", "extras"):
        data.pop(key, None)
    data["owner_org"] = org["id"]
    for resource in data["resources"]:
        for key in ("id", "package_id", "url_type", "created", "metadata_modified", "last_modified", "position"):
            resource.pop(key, None)
    # Exported public, it is valid metadata; only publication here needs an admin's approval (issue 4).
    assert data["private"] is False
    with pytest.raises(tk.ValidationError) as refused:
        create(**data)
    assert refused.value.error_dict == {"private": [
        "ยังไม่ได้รับอนุมัติให้เผยแพร่จากผู้ดูแลหน่วยงาน / Not approved for publication by an organization admin"]}
    data.pop("private")
    created = create(**data)
    assert created["private"] is True
    assert publish(created["id"])["may_be_public"]
    shown = helpers.call_action("package_show", id=created["id"])
    assert shown["private"] is False
    for field in ("title", "data_category", "data_type", "geo_coverage", "objective", "data_language",
                  "update_frequency_unit", "maintainer_email", "telephone_number"):
        assert shown[field] == exported[field], field
    assert shown["license_id"] == "cc-by"  # "Creative Commons Attributions" mapped to the register
    assert shown["license_url"].startswith("https://creativecommons.org/")
    assert shown["data_classification"] == "เปิดเผย"  # implied by ข้อมูลสาธารณะ
    assert shown["high_value_dataset"] == "True"       # tgdcschema's "1"
    assert {t["name"] for t in shown["tags"]} == {t["name"] for t in exported["tags"]}
    assert len(shown["resources"]) == len(exported["resources"])


def test_licences_come_from_the_register_with_urls(org, create) -> None:
    created = create(**record(org, license_id="Creative Commons Attributions"))
    shown = helpers.call_action("package_show", id=created["id"])
    assert shown["license_id"] == "cc-by"
    assert shown["license_url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert shown["isopen"] is True
    dga = create(**record(org, name="dga", license_id="DGA Open Government License"))
    assert dga["license_id"] == "dga-ogl"
    assert "license_id" in errors_of(record(org, name="bad", license_id="ใช้ได้ตามสบาย"))


def test_agencies_have_code_parent_and_contact() -> None:
    admin = factories.Sysadmin()
    context = {"user": admin["name"]}
    org = helpers.call_action(
        "organization_create", context, name="dopa", title="กรมการปกครอง", title_en="Department of Provincial Administration",
        agency_code="15008", parent_agency="กระทรวงมหาดไทย", contact_email="data@dopa.go.th", website="https://www.dopa.go.th",
    )
    shown = helpers.call_action("organization_show", id=org["id"])
    assert (shown["agency_code"], shown["parent_agency"], shown["contact_email"]) == ("15008", "กระทรวงมหาดไทย", "data@dopa.go.th")
    with pytest.raises(tk.ValidationError) as error:
        helpers.call_action("organization_create", context, name="bad", title="x", agency_code="รหัส!", contact_email="no-at")
    assert {"agency_code", "contact_email"} <= set(error.value.error_dict)


def test_disclosure_check_names_every_failed_condition(org, create) -> None:
    secret = create(**record(org, name="secret", data_category="ข้อมูลความมั่นคง", data_classification="ลับที่สุด",
                             license_id="cc-by-nc"))
    result = helpers.call_action("thgov_disclosure_check", id=secret["id"])
    assert result["may_be_public"] is False
    codes = {f["code"] for f in result["failures"]}
    assert {"not_disclosable", "licence_not_open", "not_approved"} <= codes
    assert all(f["th"] and f["en"] for f in result["failures"])


def test_the_forms_tag_string_accepts_thai_tags(org, create) -> None:
    data = record(org, tag_string="สาธารณสุข, โรคติดต่อ , COVID-19")
    data.pop("tags")
    created = create(**data)
    assert {t["name"] for t in helpers.call_action("package_show", id=created["id"])["tags"]} == {
        "สาธารณสุข", "โรคติดต่อ", "COVID-19"}
    bad = record(org, name="bad-tags", tag_string="ดี, <b>")
    bad.pop("tags")
    assert "tag_string" in errors_of(bad)


def test_schema_show_lists_every_field_with_thai_and_english_labels() -> None:
    schema = helpers.call_action("scheming_dataset_schema_show", type="dataset")
    dataset = {f["field_name"]: f for f in schema["dataset_fields"]}
    resource = {f["field_name"]: f for f in schema["resource_fields"]}
    assert len(dataset) >= 57 and len(resource) == 23 + 5  # GDC fields, plus validation (issue 5)
    for field in [*dataset.values(), *resource.values()]:
        assert field["label"]["th"] and field["label"]["en"], field["field_name"]
        for choice in field.get("choices", []):
            assert choice["label"]["th"] and choice["label"]["en"], (field["field_name"], choice["value"])
            if choice["value"] not in ("CSV", "XML", "JSON", "HTML", "PDF", "RDF"):
                # English labels are English, not the Thai value repeated
                assert choice["label"]["en"].isascii(), (field["field_name"], choice["label"]["en"])
    assert resource["resource_disaggregate"]["choices"] == dataset["disaggregate"]["choices"]


def statistics(org, **overrides):
    return record(org, data_type="ข้อมูลสถิติ", data_release_calendar="2025-01-06", **overrides)


def test_resource_fields_follow_the_datasets_type(org, create) -> None:
    stat = create(**statistics(org, resources=[{
        "url": "https://data.example.go.th/population.csv", "name": "ประชากร 2567", "format": "CSV",
        "resource_first_year_of_data": "2020", "resource_last_year_of_data": "2567",
        "resource_disaggregate": ["เพศ", "อื่นๆ"], "resource_disaggregate_other": "ศาสนา-ย่อย",
        "resource_official_statistics": "1",
    }]))
    shown = helpers.call_action("package_show", id=stat["id"])["resources"][0]
    assert (shown["resource_first_year_of_data"], shown["resource_last_year_of_data"]) == ("2563", "2567")
    assert shown["resource_disaggregate"] == ["เพศ", "อื่นๆ"]
    assert shown["resource_official_statistics"] == "True"
    gis_field = resource_errors(org, resource_geographic_data_set="ชั้นข้อมูลป่าไม้")
    assert "resource_geographic_data_set" in gis_field  # a GIS field on a statistics dataset is refused


def test_resource_create_on_a_record_dataset_refuses_statistics_fields(org, create) -> None:
    dataset = create(**record(org))
    admin = factories.Sysadmin()
    with pytest.raises(tk.ValidationError) as error:
        helpers.call_action("resource_create", {"user": admin["name"]}, package_id=dataset["id"],
                            url="https://example.go.th/a.csv", name="ไฟล์", format="CSV",
                            resource_unit_of_measure="คน", resource_data_collect="บุคคล")
    assert "resource_unit_of_measure" in error.value.error_dict
    resource = helpers.call_action("resource_create", {"user": admin["name"]}, package_id=dataset["id"],
                                   url="https://example.go.th/a.csv", name="ไฟล์", format="CSV",
                                   resource_data_collect="บุคคล")
    assert resource["resource_data_collect"] == "บุคคล"


def resource_errors(org, **fields) -> dict:
    data = statistics(org, resources=[dict({"url": "https://example.go.th/a.csv", "name": "ไฟล์", "format": "CSV"},
                                           **fields)])
    with pytest.raises(tk.ValidationError) as error:
        helpers.call_action("package_create", {"user": factories.Sysadmin()["name"]}, **data)
    return error.value.error_dict["resources"][0]


@pytest.mark.parametrize("fields,field", [
    ({"resource_unit_of_multiplier": "โหล"}, "resource_unit_of_multiplier"),
    ({"resource_disaggregate": ["สีผม"]}, "resource_disaggregate"),
    ({"resource_unit_of_multiplier": "อื่นๆ"}, "resource_unit_of_multiplier_other"),
    ({"resource_first_year_of_data": "ปีก่อน"}, "resource_first_year_of_data"),
    ({"resource_first_year_of_data": "2567", "resource_last_year_of_data": "2560"}, "resource_last_year_of_data"),
    ({"resource_data_release_calendar": "31/02/2567"}, "resource_data_release_calendar"),
    ({"name": ""}, "name"),
    ({"format": "", "url": "https://example.go.th/no-extension"}, "format"),
])
def test_bad_resource_metadata_is_refused_field_by_field(org, fields, field) -> None:
    assert field in resource_errors(org, **fields)


def test_last_year_may_not_precede_the_first(org) -> None:
    errors = errors_of(statistics(org, first_year_of_data="2567", last_year_of_data="2550"))
    assert "last_year_of_data" in errors
    assert "2550" in errors["last_year_of_data"][0]


def test_choice_fields_are_facets_with_counts(org, create) -> None:
    create(**record(org, data_format=["CSV", "JSON"]))
    create(**statistics(org, name="stat-one", data_format=["CSV"]))
    result = helpers.call_action(
        "package_search", {"user": factories.Sysadmin()["name"]}, q="*:*", include_private=True,
        **{"facet.field": '["data_type", "data_category", "thgov_data_format"]'},
    )
    facets = result["search_facets"]
    assert {i["name"]: i["count"] for i in facets["data_type"]["items"]} == {"ข้อมูลระเบียน": 1, "ข้อมูลสถิติ": 1}
    assert {i["name"]: i["count"] for i in facets["thgov_data_format"]["items"]} == {"CSV": 2, "JSON": 1}


def test_search_page_shows_facets_with_thai_titles(app, org, create, publish) -> None:
    publish(create(**record(org))["id"])
    thai = app.get("/dataset/").body
    for title in ("ประเภทชุดข้อมูล", "หมวดหมู่ข้อมูลตามธรรมาภิบาลข้อมูลภาครัฐ", "ระดับชั้นข้อมูล",
                  "หน่วยความถี่ของการปรับปรุงข้อมูล", "ขอบเขตเชิงภูมิศาสตร์หรือเชิงพื้นที่"):
        assert title in thai, title
    english = app.get("/en/dataset/").body
    assert "Data Type" in english and "Record data" in english  # facet title and item label in English


def test_gdc_categories_are_created_once(cli, ckan_config) -> None:
    from ckanext.thgov.cli import thgov

    for _ in range(2):
        result = cli.invoke(thgov, ["create-categories"])
        assert result.exit_code == 0, result.output
    groups = helpers.call_action("group_list", all_fields=True)
    assert len(groups) == 7
    shown = helpers.call_action("group_show", id="category06")
    assert (shown["title"], shown["title_en"]) == ("ด้านทรัพยากรธรรมชาติและสิ่งแวดล้อม", "Natural resources and environment")


def test_bad_metadata_over_http_is_a_409_with_bilingual_field_errors(app, org) -> None:
    admin = factories.SysadminWithToken()
    data = record(org, data_category="ข้อมูลส่วนบุคคล", data_classification="เปิดเผย", geo_coverage="ดาวอังคาร",
                  tags=[{"name": "<b>"}])
    response = app.post("/api/3/action/package_create", json=data,
                        headers={"Authorization": admin["token"]}, status=409)
    error = response.json["error"]
    assert error["__type"] == "Validation Error"
    assert {"data_classification", "geo_coverage", "tags"} <= set(error)
    classification_message = error["data_classification"][0]
    assert "ข้อมูลส่วนบุคคล" in classification_message and "not allowed" in classification_message
    assert helpers.call_action("package_search", include_private=True)["count"] == 0  # nothing stored
