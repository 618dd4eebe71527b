"""The extension on real PostgreSQL, Solr 9 and Redis (no stand-ins)."""

from __future__ import annotations

import pysolr
import pytest
import requests

import ckan
import ckan.plugins.toolkit as tk
from ckan.lib import jobs
from ckan.tests import factories, helpers


def test_status_show_reports_ckan_2_12(app) -> None:
    body = app.get("/api/3/action/status_show").json
    assert body["success"]
    assert body["result"]["ckan_version"].startswith("2.12.")
    assert ckan.__version__.startswith("2.12.")


def test_solr_is_a_real_solr_9_node_with_the_ckan_schema() -> None:
    solr_url = tk.config["solr_url"]
    base, core = solr_url.rstrip("/").rsplit("/", 1)
    info = requests.get(f"{base}/admin/info/system", params={"wt": "json"}, timeout=10).json()
    assert info["lucene"]["solr-spec-version"].startswith("9.")
    schema = requests.get(f"{solr_url}/schema/name", params={"wt": "json"}, timeout=10).json()
    assert schema["name"] == "ckan-2.12"
    assert core == "ckan_test", "tests must not touch the demo portal's core"


def test_database_is_postgresql() -> None:
    from ckan import model

    assert model.meta.engine.dialect.name == "postgresql"
    assert model.meta.engine.url.database == "ckan_test"


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_thai_dataset_is_indexed_and_found(gdc_fields, publish) -> None:
    org = factories.Organization()
    dataset = factories.Dataset(name="population-by-province", title="ประชากร แยกตามจังหวัด", owner_org=org["id"], **gdc_fields)
    assert publish(dataset["id"])["may_be_public"]
    result = helpers.call_action("package_search", q="ประชากร")
    assert result["count"] == 1
    # The document really is in Solr, not only in the database.
    docs = pysolr.Solr(tk.config["solr_url"]).search("name:population-by-province")
    assert len(docs) == 1


@pytest.mark.usefixtures("with_plugins")
def test_thgov_action_is_registered() -> None:
    result = helpers.call_action("thgov_version_show")
    assert result["ckan"].startswith("2.12.")


def _record_job(key: str, value: str) -> None:
    import redis as redis_lib

    redis_lib.Redis.from_url(tk.config["ckan.redis.url"]).set(key, value)


@pytest.mark.usefixtures("clean_redis")
def test_background_job_runs_through_real_redis() -> None:
    from ckan.lib.redis import connect_to_redis

    job = jobs.enqueue(_record_job, ["thgov:test:job", "ทำงานแล้ว"])
    assert job.id in [j.id for j in jobs.get_queue().jobs]
    jobs.Worker().work(burst=True)
    assert connect_to_redis().get("thgov:test:job").decode("utf-8") == "ทำงานแล้ว"


@pytest.mark.usefixtures("with_plugins", "clean_db")
def test_settings_changed_by_another_process_apply_within_the_interval(app) -> None:
    """CKAN reads its settings' timestamp before every request; here once a second (config_refresh)."""
    from ckan import model
    from ckan.lib import app_globals

    def site_title() -> str:
        return app.get("/api/3/action/status_show").json["result"]["site_title"]

    before = site_title()  # this process has just checked
    try:
        # What the admin settings page of another process writes (config_option_update).
        model.set_system_info("ckan.site_title", "พอร์ทัลข้อมูลเปิดทดสอบ")
        model.set_system_info("ckan.config_update", "changed by another process")
        assert site_title() == before               # within the interval: not looked at
        app_globals.app_globals._check_uptodate.due = float("-inf")  # the interval has passed
        assert site_title() == "พอร์ทัลข้อมูลเปิดทดสอบ"
    finally:
        model.delete_system_info("ckan.site_title")
        app_globals.reset()
    assert site_title() == before
