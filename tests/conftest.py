"""Shared fixtures. CKAN's own pytest plugin (registered by the ckan wheel) reads --ckan-ini."""

from __future__ import annotations

import pytest


@pytest.fixture
def clean_db(reset_db, migrate_db_for):
    """CKAN's clean_db rebuilds core tables only; the activity plugin and ours need their migrations too."""
    reset_db()
    migrate_db_for("activity")
    migrate_db_for("thgov")


GDC_REQUIRED = {
    "data_type": "ข้อมูลสถิติ", "maintainer": "ฝ่ายสถิติ", "maintainer_email": "stat@example.go.th",
    "notes": "คำอธิบายชุดข้อมูล", "objective": ["เพื่อการให้บริการประชาชน"], "update_frequency_unit": "ปี",
    "geo_coverage": "ประเทศ", "data_source": "หน่วยงานตัวอย่าง", "data_format": ["CSV"],
    "data_category": "ข้อมูลสาธารณะ", "data_classification": "เปิดเผย", "license_id": "cc-by",
    "tags": [{"name": "ตัวอย่าง"}],
}


@pytest.fixture
def gdc_fields():
    """The mandatory Thai GDC metadata, for tests that create datasets under the GDC schema."""
    return dict(GDC_REQUIRED)


@pytest.fixture
def publish():
    """Publish a dataset the way the portal allows: approved by an admin who did not prepare it."""
    from ckan.tests import factories, helpers

    approver = factories.Sysadmin()

    def call(dataset_id: str) -> dict:
        return helpers.call_action("thgov_publication_approve", {"user": approver["name"]}, id=dataset_id)

    return call


@pytest.fixture
def empty_queue():
    """The background job queue (RQ on the test Redis) empty before and after the test."""
    from ckan.lib import jobs

    jobs.get_queue().empty()
    yield
    jobs.get_queue().empty()


@pytest.fixture
def run_worker():
    """Run what `ckan jobs worker` does, in this process (SimpleWorker: no fork), until the queue
    is empty; returns how many jobs were queued."""
    import rq

    from ckan import model
    from ckan.lib import jobs

    def run() -> int:
        queue = jobs.get_queue()
        queued = queue.count
        rq.SimpleWorker([queue], connection=queue.connection).work(burst=True)
        model.Session.remove()  # read what the jobs committed
        return queued

    return run
