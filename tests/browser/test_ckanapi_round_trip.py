"""ckanapi (the real CLI) copies the public catalogue from one portal into a second, empty one, with
every Thai field and file intact, by the procedure the API page shows (api_docs.yaml,
catalogue_copy), run as written.

Two CKAN instances, not two organizations: the second portal has its own database
(ckan_test_peer), Solr core and Redis database (deploy/bin/test makes them), so ids, names and
organizations collide exactly as they would between two real portals. What is checked besides the
fields: the anonymous dump holds no private dataset, a dataset loaded with "private": false is
refused by the disclosure gate (loading is no way around approval), and the loaded datasets stay
private until a second admin of the new portal approves them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import requests

from ckanext.thgov import api_docs

pytestmark = pytest.mark.browser

REPO_ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PRIVATE = "roundtrip-private-draft"
# What a copy may change: times, who created it, the file's address (the new portal's own), and
# what only the validation job writes (the new portal validates the files again). Organizations,
# groups and tags are compared by name below.
DATASET_VOLATILE = {"metadata_created", "metadata_modified", "creator_user_id", "owner_org", "organization",
                    "groups", "tags", "resources"}
THAI_FIELDS = {"title", "notes", "data_type", "maintainer", "objective", "update_frequency_unit", "geo_coverage",
               "data_source", "data_format", "data_category", "data_classification", "data_language", "license_id"}
RESOURCE_VOLATILE = {"url", "created", "metadata_modified", "last_modified", "package_id",
                     "validation_status", "validation_timestamp", "personal_data_found"}


def _call(url: str, action: str, token: str = "", **data: Any) -> Any:
    headers = {"Authorization": token} if token else {}
    response = requests.post(f"{url}/api/3/action/{action}", json=data, headers=headers, timeout=120)
    body = response.json()
    assert body["success"], (action, response.status_code, body)
    return body["result"]


def _ckan(env: dict[str, str], *args: str) -> str:
    run = subprocess.run([str(BIN / "ckan"), *args], env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, (args, run.stderr[-3000:])
    return run.stdout


@pytest.fixture(scope="module")
def peer(serve_ckan, tmp_path_factory) -> dict[str, str]:
    """A second, empty portal: its own database, Solr core, Redis database and file storage."""
    if not os.environ.get("THGOV_PEER_SQLALCHEMY_URL"):
        pytest.skip("no second database: run through make test (deploy/bin/test makes ckan_test_peer)")
    storage = tmp_path_factory.mktemp("peer-storage")
    env = dict(os.environ, CKAN_INI=str(REPO_ROOT / "test.ini"),
               CKAN_SQLALCHEMY_URL=os.environ["THGOV_PEER_SQLALCHEMY_URL"],
               CKAN_SOLR_URL=os.environ["THGOV_PEER_SOLR_URL"], CKAN_REDIS_URL=os.environ["THGOV_PEER_REDIS_URL"],
               CKAN_STORAGE_PATH=str(storage))
    _ckan(env, "db", "clean", "--yes")  # and its search index
    _ckan(env, "db", "init")
    _ckan(env, "db", "pending-migrations", "--apply")
    _ckan(env, "sysadmin", "add", "peer-loader", "--create", "email=loader@example.go.th",
          "password=peer-password-1234")
    loader = _ckan(env, "user", "token", "add", "peer-loader", "copy", "--quiet").strip().splitlines()[-1]
    server, url = serve_ckan(env, tmp_path_factory.mktemp("peer-web") / "gunicorn.log")
    try:
        _call(url, "user_create", loader, name="peer-approver", email="approver@example.go.th",
              password="peer-password-1234", sysadmin=True)
        approver = _call(url, "api_token_create", loader, user="peer-approver", name="copy")["token"]
        yield {"url": url, "loader": loader, "approver": approver}
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture(scope="module")
def source(portal) -> dict[str, Any]:
    """The test portal with its public demo datasets and one private draft that must not leave it."""
    demo = _call(portal.url, "package_search", rows=1)["results"][0]
    gdc = {key: demo[key] for key in ("data_type", "maintainer", "maintainer_email", "objective",
                                      "update_frequency_unit", "geo_coverage", "data_source", "data_format",
                                      "data_category", "data_classification", "license_id")}
    _call(portal.url, "package_create", portal.token, name=PRIVATE, title="ร่างชุดข้อมูลภายใน", private=True,
          owner_org=demo["owner_org"], notes="ยังไม่เผยแพร่", tags=[{"name": "ร่าง"}], **gdc)
    public = _call(portal.url, "package_search", rows=1000)["results"]
    return {"url": portal.url, "public": {d["name"]: d for d in public}}


def _run_steps(steps: list[api_docs.Step], env: dict[str, str], cwd: Path) -> None:
    for step in steps:
        run = subprocess.run(["bash", "-euo", "pipefail", "-c", step.commands], env=env, cwd=cwd,
                             capture_output=True, text=True, timeout=600)
        assert run.returncode == 0, (step.commands, run.stdout[-2000:], run.stderr[-2000:])


def _names(items: list[dict[str, Any]]) -> list[str]:
    return sorted(i["name"] for i in items)


def test_ckanapi_copies_the_public_catalogue_with_thai_fields_intact(source, peer, tmp_path) -> None:
    env = dict(os.environ, SOURCE_URL=source["url"], TARGET_URL=peer["url"], TARGET_TOKEN=peer["loader"],
               APPROVER_TOKEN=peer["approver"], PATH=f"{BIN}:{os.environ['PATH']}")
    dump, load_orgs, load_private, approve = api_docs.catalogue_copy_steps()

    # 1. the anonymous dump: every public dataset, and no private one
    _run_steps([dump], env, tmp_path)
    dumped = [json.loads(line) for line in (tmp_path / "datasets.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted(d["name"] for d in dumped) == sorted(source["public"])
    assert PRIVATE not in {d["name"] for d in dumped} and not any(d["private"] for d in dumped)

    _run_steps([load_orgs], env, tmp_path)

    # 2. loading the dump as it is would publish what nobody approved here: the gate refuses each one
    refused = subprocess.run(
        ["ckanapi", "load", "datasets", "-I", "datasets.jsonl", "--log", "refused.jsonl",
         "-r", peer["url"], "-a", peer["loader"]],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert refused.returncode == 3, refused.stderr[-2000:]  # ckanapi: some records failed
    # --log lines: [time, finished, action, error, response]
    log = [json.loads(line) for line in (tmp_path / "refused.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(log) == len(dumped)
    for _, _, action, error, response in log:
        assert (action, error) == ("create", "ValidationError") and set(response) - {"__type"} == {"private"}, response
    assert _call(peer["url"], "package_search", peer["loader"], include_private=True)["count"] == 0

    # 3. the page's procedure: load private (with the files), then a second admin approves
    _run_steps([load_private], env, tmp_path)  # ckanapi exits non-zero when any record fails
    assert _call(peer["url"], "package_search")["count"] == 0, "loaded datasets must stay private until approved"
    _run_steps([approve], env, tmp_path)

    # 4. the new portal now shows the same datasets to the public, field by field
    copied = {d["name"]: d for d in _call(peer["url"], "package_search", rows=1000)["results"]}
    assert sorted(copied) == sorted(source["public"])
    for name, original in source["public"].items():
        original = _call(source["url"], "package_show", id=name)
        copy = _call(peer["url"], "package_show", id=name)
        compared = sorted(set(original) - DATASET_VOLATILE)
        assert THAI_FIELDS <= set(compared) and set(copy) - DATASET_VOLATILE == set(compared), name
        for key in compared:
            assert copy.get(key) == original.get(key), (name, key, original.get(key), copy.get(key))
        assert copy["organization"]["name"] == original["organization"]["name"]
        assert copy["organization"]["title"] == original["organization"]["title"]
        assert _names(copy["groups"]) == _names(original["groups"])
        assert _names(copy["tags"]) == _names(original["tags"])
        assert len(copy["resources"]) == len(original["resources"])
        for res_original, res_copy in zip(original["resources"], copy["resources"]):
            for key in sorted(set(res_original) | set(res_copy)):
                if key not in RESOURCE_VOLATILE:
                    assert res_copy.get(key) == res_original.get(key), (name, key)
            assert res_copy["url"].startswith(peer["url"])
            assert res_copy["url"].rsplit("/", 1)[-1] == res_original["url"].rsplit("/", 1)[-1]
            # the file itself came across, byte for byte
            assert requests.get(res_copy["url"], timeout=60).content == requests.get(res_original["url"],
                                                                                   timeout=60).content
