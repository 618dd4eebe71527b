"""Bulk indexing (`ckan thgov search-index rebuild`) and the index check, on the real Solr."""

from __future__ import annotations

import json

import pytest

import ckan.logic
import ckan.plugins.toolkit as tk
from ckan import model
from ckan.cli.cli import ckan as ckan_command
from ckan.lib.search.common import make_connection
from ckan.tests import factories, helpers

from ckanext.thgov import search_index

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")]


def _datasets(gdc_fields, publish) -> list[dict]:
    """Datasets with what a document is made of: resources, tags, groups, an organization, extras."""
    org = factories.Organization(title="กรมการปกครอง")
    group = factories.Group(title="ประชากรและสังคม")
    other_group = factories.Group(title="เศรษฐกิจ")
    made = []
    for number, title in enumerate(("จำนวนประชากรแยกตามจังหวัด", "ปริมาณการใช้ไฟฟ้ารายเดือน", "ทะเบียนวัด")):
        dataset = factories.Dataset(
            title=title, owner_org=org["id"], groups=[{"id": group["id"]}, {"id": other_group["id"]}][: number + 1],
            resources=[{"url": f"https://data.example.go.th/{number}.csv", "name": f"ไฟล์ {number}", "format": "CSV"}],
            **dict(gdc_fields, tags=[{"name": "ประชากร"}, {"name": f"ป้าย{number}"}]))
        publish(dataset["id"])
        made.append(dataset)
    # Not approved, so private: indexed too, seen only by its organization.
    made.append(factories.Dataset(title="ทะเบียนผู้ป่วย", owner_org=org["id"], **gdc_fields))
    return made


def _field_value(field: dict, code: str):
    """A value the GDC schema accepts for this field (the `other` choice where there is one, so
    that its companion field is filled too), or None for fields set by the system."""
    name, choices = field["field_name"], [c["value"] for c in field.get("choices", [])]
    if name in ("validation_status", "validation_timestamp", "personal_data_found", "owner_org", "name",
                "tag_string", "url", "data_category", "data_classification", "license_id", "format"):
        return None
    if choices:
        chosen = next((c for c in choices if c in ("อื่นๆ", "ข้อมูลประเภทอื่นๆ")), choices[-1])
        if name == "data_type":
            return None
        multiple = "multiple" in (field.get("preset") or "") or "multiple" in (field.get("validators") or "")
        return [choices[0], chosen] if multiple and chosen != choices[0] else ([chosen] if multiple else chosen)
    if name.endswith("_other"):
        return f"  อื่น ๆ\u200bของ {name}\t"
    if name.endswith("year_of_data"):
        return "2560" if "first" in name else "2567"
    if name.endswith("_date") or name.endswith("_calendar"):
        return "2024-05-01"
    if name.endswith("longitude"):  # north and south hold latitudes
        return {"west": "100.5", "east": "101.25", "north": "14.5", "south": "13.25"}[name.partition("_")[0]]
    if name == "update_frequency_interval":
        return "3"
    if name == "maintainer_email":
        return "stat@example.go.th"
    if name in ("schema", "validation_options"):
        return json.dumps({"fields": [{"name": "จังหวัด", "type": "string"}]}, ensure_ascii=False)
    return f"\u00a0ค่า {name}  ของ{code}\n"


def _full_dataset(code: str, org_id: str, group_ids: list[str]) -> dict:
    """A dataset of data type `code` with every dataset and resource field of its type filled."""
    from thgov_validators import metadata

    schema = helpers.call_action("scheming_dataset_schema_show", type="dataset")
    data: dict = {"name": f"full-{code}", "title": f"  ชุดข้อมูลครบทุกช่อง\u200b {code} ", "owner_org": org_id,
                  "data_type": metadata.DATA_TYPES[code], "data_category": "ข้อมูลสาธารณะ",
                  "data_classification": "เปิดเผย", "license_id": "cc-by", "url": "https://example.go.th/แหล่ง",
                  "tags": [{"name": "ประชากร"}, {"name": f"ป้าย {code}"}], "groups": [{"id": i} for i in group_ids],
                  "extras": [{"key": "legacy_code", "value": "ก-001"}]}
    resource: dict = {"url": f"https://data.example.go.th/{code}.csv", "name": f"ไฟล์ {code}", "format": "CSV",
                      "unknown_resource_key": "ค่าอื่น"}
    for fields, target in ((schema["dataset_fields"], data), (schema["resource_fields"], resource)):
        for field in fields:
            if field["field_name"] in target:
                continue
            types = (field.get("validators") or "").partition("thgov_only_for_types(")[2].partition(")")[0]
            if types and code not in types.split(","):
                continue
            value = _field_value(field, code)
            if value is not None:
                target[field["field_name"]] = value
    data["resources"] = [resource, {"url": f"https://data.example.go.th/{code}-2.json", "name": "ไฟล์ที่สอง",
                                    "format": "JSON", "description": ""}]
    return data


def _varied_datasets(gdc_fields, publish) -> list[dict]:
    """Datasets of every GDC data type with every field filled, plus the edge cases of a document:
    no resources, no tags, empty strings, odd Thai whitespace, private, deleted."""
    from thgov_validators import metadata

    admin = factories.Sysadmin()
    org = factories.Organization(title="  กรมการปกครอง ")
    groups = [factories.Group(title="ประชากรและสังคม")["id"], factories.Group(title="เศรษฐกิจ")["id"]]
    context = {"user": admin["name"]}
    made = []
    for code in metadata.DATA_TYPES:
        dataset = helpers.call_action("package_create", dict(context), **_full_dataset(code, org["id"], groups))
        for resource in dataset["resources"][:1]:  # what the validation job writes, and a stray extra
            row = model.Resource.get(resource["id"])
            row.extras = dict(row.extras, validation_status="success", validation_timestamp="2026-11-20T10:00:00",
                              personal_data_found="false", stray_extra="\u0e01\u0e32\u0e23 ")
        model.Session.commit()
        publish(dataset["id"])
        made.append(dataset)
    bare = dict(gdc_fields, tags=[], telephone_number="", url="", accessible_condition="",
                notes="บรรทัดแรก\r\n\tบรรทัดที่สอง\u00a0 ")
    made.append(helpers.call_action("package_create", dict(context), name="no-resources-no-tags",
                                    title="ไม่มีไฟล์\u3000ไม่มีป้าย", owner_org=org["id"], **bare))
    made.append(helpers.call_action("package_create", dict(context), name="private-one", title="ส่วนตัว",
                                    owner_org=org["id"], private=True, **dict(gdc_fields, data_category="ข้อมูลใช้ภายใน",
                                                                              data_classification="ชั้นเผยแพร่ภายในองค์กร")))
    deleted = helpers.call_action("package_create", dict(context), name="deleted-one", title="ถูกลบ",
                                  owner_org=org["id"], **gdc_fields)
    helpers.call_action("package_delete", dict(context), id=deleted["id"])
    made.append(deleted)
    return made


def _ckan_document(dataset_id: str) -> dict:
    """The document CKAN's own indexing path (package_show, then index_package) builds."""
    with search_index._collected_documents() as documents:
        ckan.logic.index_update_package({"ignore_auth": True}, dataset_id)
    assert len(documents) == 1
    return documents[0]


def _solr_ids() -> set[str]:
    conn = make_connection()
    return {doc["id"] for doc in conn.search("*:*", fq=search_index._site_documents_query(), fl="id", rows=1000)}


def test_documents_are_those_ckan_builds(gdc_fields, publish):
    datasets = _datasets(gdc_fields, publish)
    model.Session.remove()
    ours = {doc["id"]: doc for doc in search_index.build_documents([d["id"] for d in datasets])}
    assert set(ours) == {d["id"] for d in datasets}
    for dataset in datasets:
        model.Session.remove()
        theirs = _ckan_document(dataset["id"])
        mine = ours[dataset["id"]]
        for key in ("data_dict", "validated_data_dict"):  # same JSON, compared as data
            assert json.loads(mine.pop(key)) == json.loads(theirs.pop(key)), key
        assert mine == theirs
    # Our before_dataset_index additions are in them.
    assert ours[datasets[0]["id"]]["organization_title"] == "กรมการปกครอง"
    assert ours[datasets[1]["id"]]["groups_title"] == ["ประชากรและสังคม", "เศรษฐกิจ"]


# Deleted datasets are indexed too when CKAN keeps them in the index (by default it removes them).
@pytest.mark.ckan_config("ckan.search.remove_deleted_packages", "false")
def test_documents_of_every_data_type_and_edge_case_are_those_ckan_builds(gdc_fields, publish):
    datasets = _varied_datasets(gdc_fields, publish)
    ids = [d["id"] for d in datasets]
    # Every field of each data type's schema is filled, so a fast path cannot skip one unseen.
    full = helpers.call_action("package_show", id=ids[1])
    assert full["data_type"] == "ข้อมูลสถิติ" and full["disaggregate_other"] and full["unit_of_multiplier_other"]
    assert full["resources"][0]["resource_disaggregate_other"] and full["resources"][0]["schema"]
    assert full["resources"][0]["unknown_resource_key"] == "ค่าอื่น"
    model.Session.remove()
    # Twice through the same schemas: the second time every shape is already planned.
    schemas = search_index._ShowSchemas()
    for _round in range(2):
        failed: dict[str, str] = {}
        ours = {doc["id"]: doc for doc in search_index.build_documents(ids, failed, schemas)}
        assert not failed and set(ours) == set(ids)
        for dataset_id in ids:
            model.Session.remove()
            theirs = _ckan_document(dataset_id)
            mine = ours[dataset_id]
            for key in ("data_dict", "validated_data_dict"):
                assert json.loads(mine[key]) == json.loads(theirs[key]), (dataset_id, key)
            assert mine == theirs, dataset_id  # the whole document, JSON text included
    validated = {d["id"]: json.loads(d["validated_data_dict"]) for d in ours.values()}
    assert validated[ids[0]]["extras"] == [{"key": "legacy_code", "value": "ก-001"}]
    assert validated[ids[0]]["resources"][0]["stray_extra"] == "การ "
    assert validated[ids[-1]]["state"] == "deleted" and validated[ids[-2]]["private"] is True
    assert validated[ids[5]]["resources"] == [] and validated[ids[5]]["tags"] == []


def test_datasets_with_relationships_fail_as_in_ckan(gdc_fields, publish):
    """CKAN 2.12's index_package reads subject_package_id / object_package_id from relationships
    that its show schema has already stripped, so it cannot index such a dataset: ours fails the
    same way, and the dataset keeps its old document."""
    subject, target = _datasets(gdc_fields, publish)[:2]
    helpers.call_action("package_relationship_create", {"user": factories.Sysadmin()["name"]},
                        subject=subject["id"], object=target["id"], type="depends_on", comment="ใช้ข้อมูลจาก")
    for dataset in (subject, target):
        model.Session.remove()
        with pytest.raises(KeyError) as theirs:
            _ckan_document(dataset["id"])
        failed: dict[str, str] = {}
        assert search_index.build_documents([dataset["id"]], failed) == []
        assert failed == {dataset["id"]: repr(theirs.value)}


def test_rebuild_replaces_the_index_without_emptying_it(gdc_fields, publish):
    datasets = _datasets(gdc_fields, publish)
    ids = {d["id"] for d in datasets}
    conn = make_connection()
    # A document whose dataset is gone (an orphan), as an old index would hold it.
    orphan = dict(_ckan_document(datasets[0]["id"]), id="gone-dataset", name="gone-dataset",
                  index_id="gone-dataset-index")
    conn.add([orphan], commit=True)
    assert _solr_ids() == ids | {"gone-dataset"}

    seen_during = []

    def progress(done: int, total: int) -> None:
        seen_during.append(_solr_ids())  # what searchers see while the build runs

    result = search_index.rebuild(batch_size=1, progress=progress, workers=1)

    assert result.indexed == len(datasets) and not result.failed
    assert result.removed == 1
    assert all(seen == ids | {"gone-dataset"} for seen in seen_during)
    assert len(seen_during) == len(datasets)
    assert _solr_ids() == ids
    found = helpers.call_action("package_search", q="ประชากร")
    assert datasets[0]["name"] in [r["name"] for r in found["results"]]
    # The private dataset is indexed, and still hidden from the public.
    assert datasets[3]["name"] not in [r["name"] for r in helpers.call_action(
        "package_search", {"user": ""}, q="ทะเบียน")["results"]]


def test_check_reports_missing_stale_and_orphans(gdc_fields, publish, cli):
    datasets = _datasets(gdc_fields, publish)
    search_index.rebuild()
    assert search_index.check().ok

    conn = make_connection()
    conn.delete(q=f'id:"{datasets[0]["id"]}"', commit=True)  # missing
    model.Session.execute(model.package_table.update().where(model.package_table.c.id == datasets[1]["id"])
                          .values(metadata_modified=model.package_table.c.metadata_modified.op("+")(
                              __import__("datetime").timedelta(seconds=5))))
    model.Session.commit()  # stale: changed behind the index's back
    orphan = dict(_ckan_document(datasets[2]["id"]), id="gone-dataset", name="gone-dataset",
                  index_id="gone-dataset-index")
    conn.add([orphan], commit=True)

    report = search_index.check()
    assert report.missing == [datasets[0]["name"]]
    assert report.stale == [datasets[1]["name"]]
    assert report.orphans == ["gone-dataset"]

    output = cli.invoke(ckan_command, ["thgov", "search-index", "check"])
    assert output.exit_code == 1
    assert "missing: 1" in output.output and "stale: 1" in output.output and "orphan: 1" in output.output

    # Two batches built by two processes.
    output = cli.invoke(ckan_command, ["thgov", "search-index", "rebuild", "--batch-size", "2", "--workers", "2"])
    assert output.exit_code == 0, output.output
    assert f"indexed {len(datasets)} datasets" in output.output
    assert search_index.check().ok
    assert cli.invoke(ckan_command, ["thgov", "search-index", "check"]).exit_code == 0


def test_a_dataset_that_cannot_be_built_keeps_its_old_document(gdc_fields, publish, monkeypatch):
    datasets = _datasets(gdc_fields, publish)
    search_index.rebuild()
    broken = datasets[1]["id"]
    real_show_dicts = search_index._ShowSchemas.show_dicts

    def failing(self, package, package_dict):
        if package.id == broken:
            raise tk.ValidationError({"title": ["broken"]})
        return real_show_dicts(self, package, package_dict)

    monkeypatch.setattr(search_index._ShowSchemas, "show_dicts", failing)
    result = search_index.rebuild(workers=1)
    assert list(result.failed) == [broken]
    assert result.removed == 0
    assert broken in _solr_ids()
