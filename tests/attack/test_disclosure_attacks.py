"""Attack suite (issue 4): random sequences of writes by random actors, every read path checked after each.

Invariant: a dataset that fails the disclosure rule is never visible to anonymous users or to users
outside its organization. Runs on the real PostgreSQL, Solr and Redis of the test set-up.

CI runs a bounded number of examples; `make attack` runs many more (THGOV_ATTACK_EXAMPLES).
"""

from __future__ import annotations

import itertools
import os
import re
from dataclasses import dataclass, field

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import factories, helpers

from ckanext.thgov import disclosure, validation
from thgov_validators.classification import CATEGORIES, CLASSIFICATIONS

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

EXAMPLES = int(os.environ.get("THGOV_ATTACK_EXAMPLES", "12"))
STEPS = int(os.environ.get("THGOV_ATTACK_STEPS", "20"))
ACTORS = ("sysadmin", "admin", "editor", "member", "outsider", "anonymous")
LICENCES = ("cc-by", "odc-odbl", "cc-by-nc", "notspecified")
REFUSED = (tk.ValidationError, tk.NotAuthorized, tk.ObjectNotFound)
OPEN_DATA_READS = list(itertools.product(("ttl", "jsonld", "rdf"), ("anonymous", "member")))
DATASET_URI = re.compile(r"/dataset/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})")


@dataclass
class Stats:
    operations: int = 0
    refused: int = 0
    checks: int = 0
    by_operation: dict[str, int] = field(default_factory=dict)
    log: list[str] = field(default_factory=list)  # every operation, for the report of a leak

    def history(self) -> str:
        return "\n".join(["operations so far (latest last):", *self.log[-40:]])


@dataclass
class World:
    """The people and organizations the machine acts with (created once per test)."""

    users: dict[str, dict]
    tokens: dict[str, str]
    org: dict
    other_org: dict
    third_org: dict
    group: dict
    memberships: dict[str, set[str]]
    gdc: dict


class DisclosureAttack(RuleBasedStateMachine):
    world: World
    app: object
    stats: Stats
    names = itertools.count()
    turns = itertools.count()

    def __init__(self) -> None:
        super().__init__()
        self.touched: set[str] = set()

    # -- helpers -------------------------------------------------------------------------

    def as_actor(self, actor: str, action: str, **data):
        user = self.world.users.get(actor)
        context = {"user": user["name"] if user else "", "ignore_auth": False}
        return helpers.call_action(action, context, **data)

    def attempt(self, label: str, actor: str, action: str, /, **data) -> None:
        self.stats.operations += 1
        self.stats.by_operation[label] = self.stats.by_operation.get(label, 0) + 1
        outcome = "ok"
        try:
            result = self.as_actor(actor, action, **data)
            if isinstance(result, dict) and result.get("id"):
                self.touched.add(result.get("package_id") or result["id"])
        except REFUSED as error:
            self.stats.refused += 1
            outcome = f"refused ({type(error).__name__})"
            model.Session.rollback()
        shown = {k: v for k, v in data.items() if k not in ("resources",) and k not in self.world.gdc}
        self.stats.log.append(f"{actor} {action} {shown} -> {outcome}")
        if data.get("id"):
            self.touched.add(str(data["id"]))

    def datasets(self) -> list[model.Package]:
        return model.Session.query(model.Package).filter(model.Package.state == "active").all()

    # -- writes --------------------------------------------------------------------------

    @initialize(category=st.sampled_from(CATEGORIES), level=st.sampled_from(CLASSIFICATIONS))
    def agency_at_work(self, category, level) -> None:
        """Each run starts from a published dataset and one the agency keeps, as a real agency would have."""
        base = dict(self.world.gdc, owner_org=self.world.org["id"], title="ชุดข้อมูลของหน่วยงาน")
        published = self.as_actor("editor", "package_create", name=f"atk-{next(self.names)}", **base)
        self.as_actor("editor", "thgov_publication_request", id=published["id"])
        self.as_actor("admin", "thgov_publication_approve", id=published["id"])
        self.stats.log.append(f"(start) editor created {published['id']}, admin approved and published it")
        try:
            kept = self.as_actor("editor", "package_create", name=f"atk-{next(self.names)}",
                                 **dict(base, data_category=category, data_classification=level))
            self.touched.add(kept["id"])
        except tk.ValidationError:
            model.Session.rollback()  # a pair the standard does not allow
        self.touched.add(published["id"])

    @rule(actor=st.sampled_from(ACTORS), category=st.sampled_from(CATEGORIES),
          level=st.sampled_from(CLASSIFICATIONS), licence=st.sampled_from(LICENCES),
          private=st.sampled_from([True, False, None]), with_file=st.booleans())
    def create(self, actor, category, level, licence, private, with_file) -> None:
        data = dict(self.world.gdc, name=f"atk-{next(self.names)}", title="ชุดข้อมูลทดสอบการโจมตี",
                    owner_org=self.world.org["id"], data_category=category, data_classification=level,
                    license_id=licence)
        if private is not None:
            data["private"] = private
        if with_file:
            data["resources"] = [{"url": "https://example.go.th/data.csv", "name": "ไฟล์", "format": "CSV"}]
        self.attempt("package_create", actor, "package_create", **data)

    @staticmethod
    def choose(data: st.DataObject, ids: list[str]) -> str | None:
        # Datasets outlive an example (the database is shared), so draws must not depend on them:
        # a position is always drawn and mapped onto whatever exists now.
        position = data.draw(st.integers(min_value=0, max_value=999))
        return sorted(ids)[position % len(ids)] if ids else None

    def pick(self, data: st.DataObject) -> model.Package | None:
        # ids, not ORM objects: each web request ends the session they would be bound to
        chosen = self.choose(data, [p.id for p in self.datasets()])
        return model.Package.get(chosen) if chosen else None

    @rule(data=st.data(), actor=st.sampled_from(ACTORS), change=st.sampled_from([
        {"private": False}, {"private": True}, {"license_id": "cc-by-nc"}, {"license_id": "cc-by"},
        {"data_category": "ข้อมูลส่วนบุคคล", "data_classification": "ลับ"},
        {"data_category": "ข้อมูลสาธารณะ", "data_classification": "เปิดเผย"},
        {"data_category": "ข้อมูลความมั่นคง", "data_classification": "ลับที่สุด", "private": False},
        {"data_category": "ข้อมูลใช้ภายใน", "data_classification": "ชั้นเผยแพร่ภายในองค์กร"},
    ]), path=st.sampled_from(["package_patch", "package_update", "package_revise"]))
    def update(self, data, actor, change, path) -> None:
        package = self.pick(data)
        if package is None:
            return
        if path == "package_patch":
            self.attempt(path, actor, path, id=package.id, **change)
        elif path == "package_revise":
            self.attempt(path, actor, path, match={"id": package.id}, update=change)
        else:
            current = helpers.call_action("package_show", {"ignore_auth": True}, id=package.id)
            self.attempt(path, actor, path, **dict(current, **change))

    @rule(data=st.data(), actor=st.sampled_from(ACTORS), public=st.booleans())
    def bulk(self, data, actor, public) -> None:
        ids = [p.id for p in self.datasets()]
        chosen = sorted({self.choose(data, ids) for _ in range(data.draw(st.integers(1, 4)))} - {None})
        if not chosen:
            return
        action = "bulk_update_public" if public else "bulk_update_private"
        self.attempt(action, actor, action, org_id=self.world.org["id"], datasets=chosen)
        self.touched.update(chosen)

    @rule(data=st.data(), actor=st.sampled_from(ACTORS), destination=st.sampled_from(["other_org", "third_org", "org"]))
    def move(self, data, actor, destination) -> None:
        package = self.pick(data)
        if package is not None:
            self.attempt("package_owner_org_update", actor, "package_owner_org_update", id=package.id,
                         organization_id=getattr(self.world, destination)["id"])

    @rule(data=st.data(), actor=st.sampled_from(ACTORS), claims=st.sampled_from([{}, {"validation_status": "success"}]))
    def add_resource(self, data, actor, claims) -> None:
        package = self.pick(data)
        if package is None:
            return
        self.attempt("resource_create", actor, "resource_create", package_id=package.id,
                     url="https://example.go.th/more.csv", name="เพิ่ม", format="CSV", **claims)
        self.touched.add(package.id)

    @rule(data=st.data(), actor=st.sampled_from(ACTORS), action=st.sampled_from(["resource_delete", "resource_patch"]))
    def change_resource(self, data, actor, action) -> None:
        chosen = self.choose(data, [r.id for r in model.Session.query(model.Resource)
                                    .filter(model.Resource.state == "active")])
        if chosen is None:
            return
        resource = model.Resource.get(chosen)
        package_id = resource.package_id
        # a user claiming the file is fine, or relinking it
        extra = ({"url": "https://example.go.th/changed.csv", "validation_status": "success",
                  "personal_data_found": "false"} if action == "resource_patch" else {})
        self.attempt(action, actor, action, id=chosen, **extra)
        self.touched.add(package_id)

    @rule(data=st.data(), outcome=st.sampled_from([
        {"validation_status": "failure"}, {"validation_status": "success", "personal_data_found": "true"},
        {"validation_status": "success", "personal_data_found": "false"}, {"validation_status": "error"},
    ]))
    def validation_result(self, data, outcome) -> None:
        """What the background validation job writes about a file."""
        chosen = self.choose(data, [r.id for r in model.Session.query(model.Resource)
                                    .filter(model.Resource.state == "active")])
        if chosen is None:
            return
        package_id = model.Resource.get(chosen).package_id
        self.stats.operations += 1
        self.stats.by_operation["validation result"] = self.stats.by_operation.get("validation result", 0) + 1
        try:
            helpers.call_action("resource_patch", {"ignore_auth": True, validation.WRITING: True,
                                                   "user": self.world.users["sysadmin"]["name"]}, id=chosen, **outcome)
            self.stats.log.append(f"validation job wrote {outcome} on resource {chosen}")
        except REFUSED as error:  # e.g. a secret dataset's file: the job's write is refused too
            self.stats.refused += 1
            model.Session.rollback()
            self.stats.log.append(f"validation job wrote {outcome} on resource {chosen} -> refused ({error})")
        self.touched.add(package_id)

    @rule(data=st.data(), actor=st.sampled_from(ACTORS),
          step=st.sampled_from(["thgov_publication_request", "thgov_publication_approve", "thgov_publication_reject"]))
    def workflow(self, data, actor, step) -> None:
        package = self.pick(data)
        if package is not None:
            self.attempt(step, actor, step, id=package.id, note="เหตุผลทดสอบ")

    @rule(data=st.data(), actor=st.sampled_from(["sysadmin", "admin", "editor"]))
    def add_to_group(self, data, actor) -> None:
        package = self.pick(data)
        if package is not None:
            self.attempt("member_create", actor, "member_create", id=self.world.group["id"], object=package.id,
                         object_type="package", capacity="public")

    @rule(data=st.data(), actor=st.sampled_from(["admin", "editor", "outsider"]))
    def form_publish(self, data, actor) -> None:
        """The dataset edit form, posted by a browser-like client, asking for public visibility."""
        package = self.pick(data)
        if package is None:
            return
        name, package_id = package.name, package.id
        self.stats.operations += 1
        self.stats.by_operation["dataset form"] = self.stats.by_operation.get("dataset form", 0) + 1
        shown = helpers.call_action("package_show", {"ignore_auth": True}, id=package_id)
        form = {k: v for k, v in shown.items() if isinstance(v, str)}
        form.update(private="False", tag_string=",".join(t["name"] for t in shown.get("tags", [])),
                    objective=shown.get("objective", []), data_format=shown.get("data_format", []), save="")
        response = self.app.post(f"/dataset/edit/{name}", data=form,
                                 headers={"Authorization": self.world.tokens[actor]}, expect_errors=True)
        self.stats.log.append(f"{actor} posted the edit form of {package_id} with private=False -> {response.status_code}")
        assert response.status_code < 500, response.body[:2000]
        self.touched.add(package_id)

    # -- the invariant, over every read path --------------------------------------------

    def disclosable(self, package_id: str) -> bool:
        package = model.Package.get(package_id)
        if package is None or package.state != "active" or package.private:
            return False
        shown = helpers.call_action("package_show", {"ignore_auth": True, "use_cache": False}, id=package_id)
        return disclosure.decide(shown).allowed

    def allowed_for(self, actor: str, package_id: str) -> bool:
        """May this actor see this dataset? Disclosable ones: everyone; others: its organization only."""
        if self.disclosable(package_id):
            return True
        if actor == "sysadmin":
            return True
        package = model.Package.get(package_id)
        return package is not None and package.owner_org in self.world.memberships.get(actor, set())

    def check(self, actor: str, what: str, ids) -> None:
        self.stats.checks += 1  # one read path queried
        for package_id in ids:
            self.stats.checks += 1
            assert self.allowed_for(actor, package_id), (
                f"LEAK: {what} shows {package_id} to {actor}\n{self.stats.history()}")

    def headers(self, actor: str) -> dict[str, str]:
        return {"Authorization": self.world.tokens[actor]} if actor in self.world.tokens else {}

    def ids_by_name(self, names) -> set[str]:
        return {p.id for p in model.Session.query(model.Package).filter(model.Package.name.in_(list(names)))}

    @rule()
    def noop(self) -> None:
        """Lets the invariant run on the state as it is."""

    def teardown(self) -> None:
        """Each example starts from an empty catalogue, so runs stay independent and linear in time."""
        model.Session.rollback()
        ids = [p.id for p in model.Session.query(model.Package)]
        for package_id in ids:
            helpers.call_action("dataset_purge", {"ignore_auth": True, "user": self.world.users["sysadmin"]["name"]},
                                id=package_id)
        if ids:  # their activities too: the next example checks the stream from scratch
            model.Session.execute(sa.text("DELETE FROM activity WHERE object_id = ANY(:ids)"), {"ids": ids})
            model.repo.commit()

    @invariant()
    def nothing_leaks(self) -> None:
        model.Session.rollback()  # read what is committed, as another request would
        for package in self.datasets():
            if not package.private:
                self.stats.checks += 1
                assert self.disclosable(package.id), (
                    f"LEAK: {package.name} ({package.id}) is public but fails the rule\n{self.stats.history()}")
        for actor in ("anonymous", "outsider", "member"):
            self.check(actor, "package_search", [
                r["id"] for r in self.as_actor(actor, "package_search", q="*:*", rows=1000,
                                               include_private=actor != "anonymous")["results"]])
            for org in (self.world.org, self.world.other_org):
                shown = self.as_actor(actor, "organization_show", id=org["id"], include_datasets=True)
                self.check(actor, "organization_show", [d["id"] for d in shown.get("packages", [])])
            group = self.as_actor(actor, "group_show", id=self.world.group["id"], include_datasets=True)
            self.check(actor, "group_show", [d["id"] for d in group.get("packages", [])])
            self.check(actor, "current_package_list_with_resources",
                       [d["id"] for d in self.as_actor(actor, "current_package_list_with_resources", limit=1000)])
            self.check(actor, "package_autocomplete", self.ids_by_name(
                d["name"] for d in self.as_actor(actor, "package_autocomplete", q="atk", limit=1000)))
            for org in (self.world.org, self.world.other_org, self.world.third_org):
                activities = self.as_actor(actor, "organization_activity_list", id=org["id"], limit=1000)
                self.check(actor, "organization_activity_list",
                           {a["object_id"] for a in activities if a["activity_type"].endswith("package")})
            recent = self.as_actor(actor, "recently_changed_packages_activity_list", limit=1000)
            self.check(actor, "recently_changed_packages_activity_list", {a["object_id"] for a in recent})
        feed = self.app.get("/feeds/dataset.atom").body
        self.check("anonymous", "/feeds/dataset.atom", self.ids_by_name(re.findall(r"/dataset/(atk-\d+)", feed)))
        # the DCAT catalogue (issue 7), public datasets only whoever asks: one of its serialisations
        # and askers per step, in turn, to keep the suite fast
        fmt, actor = OPEN_DATA_READS[next(self.turns) % len(OPEN_DATA_READS)]
        response = self.app.get(f"/catalog.{fmt}", headers=self.headers(actor))
        assert response.status_code == 200, response.body[:2000]
        self.check("anonymous", f"/catalog.{fmt} as {actor}", set(DATASET_URI.findall(response.body)))
        for package_id in sorted(self.touched):
            package = model.Package.get(package_id)
            if package is None or self.allowed_for("anonymous", package_id):
                continue
            # plain values: each web request below ends the ORM session
            name, resource_ids = package.name, [r.id for r in package.resources]
            self.stats.checks += 1
            assert self.app.get(f"/dataset/{name}", expect_errors=True).status_code == 404
            # DCAT, Data Package and schema.org outputs of the dataset (issue 7): 404 even to its members
            fmt, actor = OPEN_DATA_READS[next(self.turns) % len(OPEN_DATA_READS)]
            for page in (f"/dataset/{name}.{fmt}", f"/dataset/{package_id}/datapackage.json"):
                self.stats.checks += 1
                assert self.app.get(page, headers=self.headers(actor), expect_errors=True).status_code == 404, (
                    f"LEAK: {page} to {actor}\n{self.stats.history()}")
            self.stats.checks += 1
            as_member = self.app.get(f"/dataset/{name}", headers=self.headers("member"), expect_errors=True)
            assert '<script type="application/ld+json">' not in as_member.body, (
                f"LEAK: schema.org JSON-LD of {name} in its page\n{self.stats.history()}")
            try:
                self.as_actor("anonymous", "package_activity_list", id=package_id)
                raise AssertionError(f"LEAK: package_activity_list of {name} to anonymous")
            except tk.NotAuthorized:
                self.stats.checks += 1
            for resource_id in resource_ids:
                for page in (f"/dataset/{package_id}/resource/{resource_id}",
                             f"/dataset/{package_id}/resource/{resource_id}/download"):
                    self.stats.checks += 1
                    assert self.app.get(page, expect_errors=True).status_code in (403, 404), f"LEAK: {page}"
        self.touched.clear()


def test_no_non_disclosable_dataset_is_ever_visible_outside_its_organization(app, gdc_fields, capsys) -> None:
    users = {name: factories.User(name=f"attack-{name}") for name in ("admin", "editor", "member", "outsider")}
    users["sysadmin"] = factories.Sysadmin(name="attack-sysadmin")
    org = factories.Organization(name="attack-agency", users=[
        {"name": users["admin"]["name"], "capacity": "admin"},
        {"name": users["editor"]["name"], "capacity": "editor"},
        {"name": users["member"]["name"], "capacity": "member"},
    ])
    other = factories.Organization(name="attack-other", users=[{"name": users["outsider"]["name"], "capacity": "admin"}])
    third = factories.Organization(name="attack-third")
    group = factories.Group(name="attack-group", users=[{"name": users["editor"]["name"], "capacity": "member"},
                                                        {"name": users["admin"]["name"], "capacity": "member"}])
    tokens = {name: factories.APIToken(user=user["name"])["token"] for name, user in users.items()}
    DisclosureAttack.world = World(
        users=users, tokens=tokens, org=org, other_org=other, third_org=third, group=group,
        memberships={"admin": {org["id"]}, "editor": {org["id"]}, "member": {org["id"]}, "outsider": {other["id"]}},
        gdc=gdc_fields,
    )
    DisclosureAttack.app = app
    DisclosureAttack.stats = stats = Stats()
    run_state_machine_as_test(DisclosureAttack, settings=settings(
        max_examples=EXAMPLES, stateful_step_count=STEPS, deadline=None, database=None,
        suppress_health_check=list(HealthCheck),
    ))
    with capsys.disabled():
        print(f"\nattack suite: {stats.operations} operations ({stats.refused} refused), "
              f"{stats.checks} read-path checks, 0 leaks; by operation: {dict(sorted(stats.by_operation.items()))}")
    assert stats.operations > 0 and stats.checks > 0
