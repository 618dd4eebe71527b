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
