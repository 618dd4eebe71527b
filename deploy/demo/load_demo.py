"""Load the Thai demo data into a running portal through the CKAN action API.

Agencies become organizations; each demo dataset gets one real government file from
../shared/data/real/ uploaded as its resource. Datasets go through the publication workflow
as an agency would: a demo editor prepares them (private) and asks for publication, and the
sysadmin approves, which publishes them. Idempotent: what exists is left alone.

Usage: python load_demo.py --url http://127.0.0.1:5000 --token-file .run/ckan/sysadmin-api-token
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
from pathlib import Path
from typing import Any

import requests

HERE = Path(__file__).resolve().parent
DEFAULT_DATA_DIR = HERE.parents[2] / "shared" / "data" / "real"


class Portal:
    def __init__(self, url: str, token: str) -> None:
        self.url = url.rstrip("/")
        self.session = requests.Session()
        self.session.headers["Authorization"] = token

    def as_user(self, token: str) -> "Portal":
        return Portal(self.url, token)

    def call(self, action: str, data: dict[str, Any] | None = None, files: Any = None) -> Any:
        endpoint = f"{self.url}/api/3/action/{action}"
        if files:
            response = self.session.post(endpoint, data=data, files=files, timeout=120)
        else:
            response = self.session.post(endpoint, json=data or {}, timeout=120)
        body = response.json()
        if not body.get("success"):
            raise RuntimeError(f"{action} failed ({response.status_code}): {body.get('error')}")
        return body["result"]

    def exists(self, action: str, name: str) -> bool:
        response = self.session.get(f"{self.url}/api/3/action/{action}", params={"id": name}, timeout=60)
        return response.status_code == 200


EDITOR = "demo-editor"


def demo_editor(portal: Portal, organizations: list[str]) -> Portal:
    """An editor of every demo agency, who prepares the datasets (approval needs a second person)."""
    if not portal.exists("user_show", EDITOR):
        portal.call("user_create", {"name": EDITOR, "email": "editor@example.go.th",
                                    "fullname": "เจ้าหน้าที่ตัวอย่าง", "password": secrets.token_urlsafe(18)})
    for org in organizations:
        portal.call("organization_member_create", {"id": org, "username": EDITOR, "role": "editor"})
    token = portal.call("api_token_create", {"user": EDITOR, "name": "demo-loader"})["token"]
    return portal.as_user(token)


def load(portal: Portal, manifest: dict[str, Any], data_dir: Path) -> tuple[int, int]:
    created = skipped = 0
    for org in manifest["organizations"]:
        if not portal.exists("organization_show", org["name"]):
            portal.call("organization_create", org)
    editor: Portal | None = None
    for spec in manifest["datasets"]:
        if portal.exists("package_show", spec["name"]):
            skipped += 1
            continue
        path = data_dir / spec["file"]
        if not path.is_file():
            raise FileNotFoundError(f"demo file missing: {path} (set --data-dir or THGOV_DEMO_DATA)")
        editor = editor or demo_editor(portal, [org["name"] for org in manifest["organizations"]])
        dataset = editor.call(
            "package_create",
            {
                "name": spec["name"],
                "title": spec["title"],
                "notes": spec["notes"],
                "owner_org": spec["organization"],
                "license_id": "cc-by",
                "private": True,
                "tags": [{"name": t} for t in spec.get("tags", [])],
                **spec.get("gdc", {}),
            },
        )
        with path.open("rb") as handle:
            editor.call(
                "resource_create",
                {"package_id": dataset["id"], "name": spec["file"], "format": spec["format"]},
                files={"upload": (spec["file"], handle)},
            )
        editor.call("thgov_publication_request", {"id": dataset["id"], "note": "ชุดข้อมูลตัวอย่าง"})
        portal.call("thgov_publication_approve", {"id": dataset["id"], "note": "อนุมัติ (ข้อมูลตัวอย่าง)"})
        for group in spec.get("groups", []):  # categories are curated by the portal's admins
            portal.call("member_create", {"id": group, "object": dataset["id"], "object_type": "package",
                                          "capacity": "public"})
        created += 1
        print(f"  + {spec['name']}", flush=True)
    return created, skipped


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--token-file", required=True, type=Path)
    parser.add_argument("--data-dir", type=Path, default=Path(os.environ.get("THGOV_DEMO_DATA", DEFAULT_DATA_DIR)))
    parser.add_argument("--manifest", type=Path, default=HERE / "demo_datasets.json")
    parser.add_argument("--limit", type=int, default=0, help="load only the first N datasets")
    args = parser.parse_args(argv)

    manifest = json.loads(args.manifest.read_text(encoding="utf-8"))
    if args.limit:
        manifest["datasets"] = manifest["datasets"][: args.limit]
    portal = Portal(args.url, args.token_file.read_text().strip())
    created, skipped = load(portal, manifest, args.data_dir)
    print(f"Demo data: {created} datasets created, {skipped} already there.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
