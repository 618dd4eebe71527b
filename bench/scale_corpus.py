"""Many realistic Thai datasets, fast: for the indexing and latency benchmarks (issue 6).

A few template datasets are made the portal's way (package_create under the GDC schema, approved
for publication by a second sysadmin), so their metadata is what validation accepts. The rest are
copies of the templates' database rows (package, resource, package_tag, member) with new ids and
the text of real data.go.th records recombined (../shared/data/real/): the title of one record
with a place and year, its description followed by a sentence of another record's, its tags plus
one of a third's, its publisher. They are inserted in bulk through SQLAlchemy, in the benchmark's
own database, so the demo portal is untouched.
"""

from __future__ import annotations

import random
import time
import uuid
from datetime import datetime, timedelta
from typing import Any

from search_relevance import GDC_DEFAULTS, corpus_records, sysadmin, tag_dicts

PREFIX = "scale-"
# Places and years that data.go.th titles carry (จังหวัด..., ปี 25xx).
PLACES = ("กรุงเทพมหานคร", "เชียงใหม่", "ขอนแก่น", "นครราชสีมา", "ภูเก็ต", "สงขลา", "อุบลราชธานี", "ชลบุรี",
          "พิษณุโลก", "สุราษฎร์ธานี", "นครศรีธรรมราช", "ระยอง", "เชียงราย", "อุดรธานี", "ลำปาง", "ตรัง")
FORMATS = ("CSV", "XLSX", "JSON", "PDF", "API")
DATA_TYPES = ("ข้อมูลสถิติ", "ข้อมูลระเบียน", "ข้อมูลหลากหลายประเภท")
FREQUENCIES = ("ปี", "เดือน", "ไตรมาส")


def scale_count() -> int:
    from ckan import model

    return model.Session.query(model.Package).filter(model.Package.name.like(f"{PREFIX}%")).count()


def ensure(count: int, tk: Any, seed: int = 6) -> int:
    """At least `count` generated datasets in the database (templates included); returns how many."""
    from ckan import model

    have = scale_count()
    if have >= count:
        return have
    records = [r for r in corpus_records() if r["organization"]["name"] != "datagoth-2016"]
    loader, approver = sysadmin(tk, "bench-loader"), sysadmin(tk, "bench-approver")
    organizations = _ensure_organizations(records, tk, loader)
    groups = _ensure_groups(tk, loader)
    templates = _ensure_templates(tk, loader, approver, organizations, groups)
    have = scale_count()
    started = time.monotonic()
    rng = random.Random(seed + have)
    tag_ids = _tag_ids(records)
    batch = 5000
    while have < count:
        size = min(batch, count - have)
        _insert_copies(rng, records, templates, organizations, groups, tag_ids, have, size)
        have += size
        print(f"  {have} datasets ({(have - len(templates)) / (time.monotonic() - started):.0f}/s inserted)",
              flush=True)
    model.Session.remove()
    return have


def _ensure_organizations(records: list[dict[str, Any]], tk: Any, loader: str) -> dict[str, dict[str, str]]:
    from ckan import model

    wanted = {r["organization"]["name"]: r["organization"]["title"] for r in records}
    for name, title in wanted.items():
        if model.Group.get(name) is None:
            tk.get_action("organization_create")({"user": loader}, {"name": name, "title": title})
    return {name: {"id": model.Group.get(name).id, "title": title} for name, title in wanted.items()}


def _ensure_groups(tk: Any, loader: str) -> list[str]:
    from importlib import resources

    import yaml
    from ckan import model

    categories = yaml.safe_load(
        resources.files("ckanext.thgov.schemas").joinpath("gdc_categories.yaml").read_text(encoding="utf-8"))
    for category in categories:
        if model.Group.get(category["name"]) is None:
            tk.get_action("group_create")({"user": loader}, dict(category))
    return [model.Group.get(c["name"]).id for c in categories]


def _ensure_templates(tk: Any, loader: str, approver: str, organizations: dict[str, dict[str, str]],
                      groups: list[str]) -> list[dict[str, Any]]:
    from ckan import model

    first_org = next(iter(organizations))
    templates = []
    for number, (data_type, frequency) in enumerate(zip(DATA_TYPES, FREQUENCIES)):
        name = f"{PREFIX}template-{number}"
        if model.Package.get(name) is None:
            tk.get_action("package_create")({"user": loader}, dict(
                GDC_DEFAULTS, name=name, title=f"ชุดข้อมูลต้นแบบ {number}", notes="ต้นแบบสำหรับการทดสอบ",
                owner_org=first_org, data_source="หน่วยงานตัวอย่าง", data_type=data_type,
                update_frequency_unit=frequency, tags=[{"name": "ต้นแบบ"}], groups=[{"id": groups[number]}],
                resources=[{"name": "ไฟล์ข้อมูล", "url": "https://data.go.th/template.csv", "format": "CSV"}]))
            tk.get_action("thgov_publication_approve")({"user": approver}, {"id": name})
        templates.append(_rows_of(model.Package.get(name).id))
    return templates


def _rows_of(package_id: str) -> dict[str, Any]:
    from sqlalchemy import select

    from ckan import model

    def rows(table: Any, column: str) -> list[dict[str, Any]]:
        return [dict(r._mapping) for r in model.Session.execute(select(table).where(table.c[column] == package_id))]

    return {
        "package": rows(model.package_table, "id")[0],
        "resources": [r for r in rows(model.resource_table, "package_id") if r["state"] == "active"],
        "members": [m for m in rows(model.member_table, "table_id") if m["state"] == "active"],
    }


def _tag_ids(records: list[dict[str, Any]]) -> dict[str, str]:
    from sqlalchemy import select

    from ckan import model

    names = {t["name"] for r in records for t in tag_dicts(r["tags"])}
    known = {row.name: row.id for row in model.Session.execute(select(model.tag_table.c.name, model.tag_table.c.id))}
    new = [{"id": str(uuid.uuid4()), "name": n, "vocabulary_id": None} for n in sorted(names - set(known))]
    if new:
        model.Session.execute(model.tag_table.insert(), new)
        model.Session.commit()
        known.update({t["name"]: t["id"] for t in new})
    return {n: known[n] for n in names}


def _insert_copies(rng: random.Random, records: list[dict[str, Any]], templates: list[dict[str, Any]],
                   organizations: dict[str, dict[str, str]], groups: list[str], tag_ids: dict[str, str],
                   first: int, size: int) -> None:
    from ckan import model

    packages, resources, package_tags, members = [], [], [], []
    now = datetime.utcnow()
    for number in range(first, first + size):
        record, other, third = rng.choice(records), rng.choice(records), rng.choice(records)
        template = rng.choice(templates)
        org = organizations[record["organization"]["name"]]
        package_id = str(uuid.uuid4())
        name = f"{PREFIX}{number:06d}"
        created = now - timedelta(days=rng.randint(0, 2000), seconds=rng.randint(0, 86400))
        extras = dict(template["package"]["extras"] or {}, data_source=org["title"])
        sentence = (other["notes"] or "").split(" ")[0][:200]
        packages.append(dict(
            template["package"], id=package_id, name=name,
            title=f"{record['title']} {rng.choice(PLACES)} ปี {rng.randint(2555, 2567)}"[:250],
            notes=f"{record['notes']} {sentence}".strip(), owner_org=org["id"], extras=extras,
            metadata_created=created, metadata_modified=created + timedelta(days=rng.randint(0, 300))))
        for position, resource in enumerate(template["resources"]):
            fmt = rng.choice(FORMATS)
            resources.append(dict(resource, id=str(uuid.uuid4()), package_id=package_id, position=position,
                                  name=(record["resources"][0]["name"] if record["resources"] else record["title"])[:100],
                                  format=fmt, url=f"https://data.go.th/dataset/{name}/{position}.{fmt.lower()}",
                                  created=created, metadata_modified=created))
        tags = {t["name"] for t in tag_dicts(record["tags"])} | {t["name"] for t in tag_dicts(third["tags"])[:1]}
        for tag in sorted(tags) or ["data-go-th"]:
            if tag in tag_ids:
                package_tags.append({"id": str(uuid.uuid4()), "package_id": package_id,
                                     "tag_id": tag_ids[tag], "state": "active"})
        for member in template["members"]:
            group_id = org["id"] if member["capacity"] == "organization" else rng.choice(groups)
            members.append(dict(member, id=str(uuid.uuid4()), table_id=package_id, group_id=group_id))
    session = model.Session
    for table, rows in ((model.package_table, packages), (model.resource_table, resources),
                        (model.package_tag_table, package_tags), (model.member_table, members)):
        if rows:
            session.execute(table.insert(), rows)
    session.commit()
