"""Issue 7 parts 1-2 on the real stack: DCAT-AP 3 with the Thai GDC fields (ckanext-dcat's
endpoints and our thgov profile), checked with pyshacl against the official DCAT-AP 3 shapes and
read back with ckanext-dcat's parser; Frictionless Data Packages checked with frictionless; and
nothing of a private dataset in any of them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import rdflib
import rq
from rdflib.namespace import RDF

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import jobs
from ckan.tests import factories, helpers

SHAPES = Path(__file__).resolve().parents[3] / "shared" / "data" / "dcat-ap-3"
REAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "real"

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

DEMO = Path(__file__).resolve().parents[2] / "deploy" / "demo" / "demo_datasets.json"

COMMON = {
    "allow_harvest": "True", "maintainer": "ฝ่ายสถิติและสารสนเทศ", "maintainer_email": "stat@example.go.th",
    "telephone_number": "02 123 4567", "tags": [{"name": "ประชากร"}, {"name": "สถิติ"}],
    "notes": "จำนวนประชากรแยกตามจังหวัด\n\nPopulation by province, with <b>markup</b> & \"quotes\".",
    "objective": ["พันธกิจหน่วยงาน", "อื่นๆ"], "objective_other": "ใช้ในการวางแผนพัฒนาจังหวัด",
    "update_frequency_unit": "ปี", "update_frequency_interval": "2",
    "data_source": "สำนักทะเบียนกลาง กรมการปกครอง", "data_format": ["CSV", "อื่นๆ"],
    "data_format_other": "ODS", "data_category": "ข้อมูลสาธารณะ", "data_classification": "เปิดเผย",
    "license_id": "cc-by", "accessible_condition": "ไม่มีการจำกัดการเข้าถึงข้อมูล",
    "url": "https://www.example.go.th/stat/population", "data_language": ["ไทย", "อังกฤษ", "อื่นๆ"],
    "data_language_other": "ภาษามือไทย", "last_updated_date": "2024-03-31",
}

STAT = dict(
    COMMON, name="population-stat", title="จำนวนประชากรจากการทะเบียน แยกรายจังหวัด พ.ศ. 2560-2566",
    data_type="ข้อมูลสถิติ", geo_coverage="อื่นๆ", geo_coverage_other="เขตสุขภาพ",
    data_release_calendar="2024-04-30", first_year_of_data="2560", last_year_of_data="2566",
    disaggregate=["เพศ", "อายุ/กลุ่มอายุ", "อื่นๆ"], disaggregate_other="สัญชาติ",
    unit_of_measure="คน", unit_of_multiplier="อื่นๆ", unit_of_multiplier_other="พันคน",
    calculation_method="นับจากทะเบียนราษฎร ณ วันที่ 31 ธันวาคม", standard="มาตรฐานสถิติทางการ",
    official_statistics="True",
    resources=[{
        "name": "ประชากรรายจังหวัด 2566", "url": "https://www.example.go.th/files/population-2566.csv",
        "format": "CSV", "description": "ตารางจำนวนประชากร", "resource_accessible_condition": "ใช้ได้ทุกคน",
        "resource_first_year_of_data": "2560", "resource_last_year_of_data": "2566",
        "resource_disaggregate": ["เพศ", "อื่นๆ"], "resource_disaggregate_other": "สัญชาติ",
        "resource_unit_of_measure": "คน", "resource_unit_of_multiplier": "อื่นๆ",
        "resource_unit_of_multiplier_other": "พันคน", "resource_last_updated_date": "2024-03-31",
        "resource_data_release_calendar": "2024-04-30", "resource_official_statistics": "True",
        "schema": json.dumps({"fields": [{"name": "จังหวัด", "type": "string"},
                                         {"name": "ประชากร", "type": "integer"}]}, ensure_ascii=False),
    }],
)

GIS = dict(
    COMMON, name="land-use-gis", title="ชั้นข้อมูลการใช้ประโยชน์ที่ดิน ลุ่มน้ำเจ้าพระยา",
    data_type="ข้อมูลภูมิสารสนเทศเชิงพื้นที่", geo_coverage="ภาค", update_frequency_unit="เดือน",
    update_frequency_interval="1", data_release_calendar="2024-05-01",
    geographic_data_set="ชั้นข้อมูลการใช้ประโยชน์ที่ดิน", equivalent_scale="อื่นๆ",
    equivalent_scale_other="1:100,000", west_bound_longitude="99.5", east_bound_longitude="101.25",
    north_bound_longitude="17.75", south_bound_longitude="13.5", positional_accuracy="±5 เมตร",
    reference_period="ปีงบประมาณ 2566", data_release_date="2024-05-15",
    resources=[{
        "name": "แผนที่การใช้ที่ดิน", "url": "https://gis.example.go.th/landuse.zip", "format": "SHP",
        "resource_geographic_data_set": "ชั้นข้อมูลการใช้ประโยชน์ที่ดิน", "resource_equivalent_scale": "1:50,000",
        "resource_positional_accuracy": "±5 เมตร", "resource_created_date": "2023-01-10",
        "resource_last_updated_date": "2024-05-01", "resource_data_release_date": "2024-05-15",
        "resource_accessible_condition": "ใช้ได้ทุกคน",
    }],
)

RECORD = dict(
    COMMON, name="hospital-register", title="ทะเบียนสถานพยาบาลที่เข้าร่วมโครงการประกันสังคม",
    data_type="ข้อมูลประเภทอื่นๆ", data_type_other="ข้อมูลทะเบียนกึ่งสถิติ", geo_coverage="จังหวัด",
    update_frequency_unit="อื่นๆ", update_frequency_unit_other="เมื่อมีการเปลี่ยนแปลงสัญญา",
    data_support="อื่นๆ", data_support_other="สมาคมโรงพยาบาลเอกชน", data_collect="อื่นๆ",
    data_collect_other="สถานพยาบาล", created_date="2019-01-01", high_value_dataset="True",
    reference_data="False",
    resources=[{
        "name": "รายชื่อสถานพยาบาล", "url": "https://www.example.go.th/files/hospitals.xlsx", "format": "XLSX",
        "description": "รายชื่อและที่ตั้ง", "resource_data_collect": "อื่นๆ",
        "resource_data_collect_other": "สถานพยาบาล", "resource_created_date": "2019-01-01",
        "resource_last_updated_date": "2024-02-01", "resource_accessible_condition": "ใช้ได้ทุกคน",
    }],
)

FULL_DATASETS = (STAT, GIS, RECORD)


def agency() -> dict:
    admin, editor, member = factories.User(), factories.User(), factories.User()
    org = factories.Organization(
        name="dopa", title="กรมการปกครอง", title_en="Department of Provincial Administration",
        agency_code="15008", website="https://www.dopa.go.th",
        users=[{"name": admin["name"], "capacity": "admin"}, {"name": editor["name"], "capacity": "editor"},
               {"name": member["name"], "capacity": "member"}])
    return {"org": org, "admin": admin, "editor": editor, "member": member}


def create(who: dict, spec: dict, **overrides) -> dict:
    data = dict(spec, owner_org=who["org"]["id"], **overrides)
    return helpers.call_action("package_create", {"user": who["editor"]["name"]}, **data)


def demo_like(who: dict) -> list[dict]:
    """The demo datasets' metadata (deploy/demo), each with a linked file, in one agency."""
    created = []
    for spec in json.loads(DEMO.read_text(encoding="utf-8"))["datasets"]:
        created.append(create(who, {
            "name": spec["name"], "title": spec["title"], "notes": spec["notes"], "license_id": "cc-by",
            "tags": [{"name": t} for t in spec.get("tags", [])], **spec.get("gdc", {}),
            "resources": [{"name": spec["file"], "format": spec["format"],
                           "url": f"https://data.example.go.th/files/{spec['file']}"}],
        }))
    return created


# -- helpers ---------------------------------------------------------------------------------

SKIPPED_FIELDS = {"name", "owner_org", "tag_string"}  # identity, not metadata carried by RDF
SET_BY_VALIDATION = {"validation_status", "validation_timestamp", "personal_data_found", "validation_options"}


def published(who: dict, spec: dict, publish) -> dict:
    dataset = create(who, spec)
    publish(dataset["id"])
    shown = helpers.call_action("package_show", id=dataset["id"])
    assert shown["private"] is False, "the test dataset must pass the disclosure rule"
    return shown


def get(app, url: str, user: dict | None = None, status: int = 200):
    headers = {"Authorization": factories.APIToken(user=user["name"])["token"]} if user else {}
    response = app.get(url, headers=headers, status=status)
    return response


def shapes_graph(*names: str) -> rdflib.Graph:
    graph = rdflib.Graph()
    for name in names:
        graph.parse(SHAPES / name, format="turtle")
    return graph


MANDATORY = ("shapes.ttl", "range.ttl")  # SOURCES.md: core constraints + class ranges


def violations(data: rdflib.Graph, shapes: rdflib.Graph) -> tuple[int, str]:
    """The number of sh:Violation results (warnings of the recommended shapes do not count)."""
    import pyshacl

    _, report, text = pyshacl.validate(data, shacl_graph=shapes, inference="none", allow_warnings=True)
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    found = [r for r in report.subjects(RDF.type, sh.ValidationResult)
             if report.value(r, sh.resultSeverity) == sh.Violation]
    return len(found), text


def scheming_fields(kind: str) -> list[dict]:
    schema = helpers.call_action("scheming_dataset_schema_show", type="dataset")
    return schema[f"{kind}_fields"]


def comparable(value):
    if isinstance(value, list):
        return sorted(str(v) for v in value)
    if isinstance(value, (dict,)):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    if isinstance(value, str) and value.startswith("{"):
        try:
            return json.dumps(json.loads(value), sort_keys=True, ensure_ascii=False)
        except ValueError:
            return value
    return str(value)


def parse_back(text: str, fmt: str) -> dict:
    from ckanext.dcat.processors import RDFParser

    parser = RDFParser(profiles=["euro_dcat_ap_3", "thgov"])
    parser.parse(text, _format=fmt)
    datasets = list(parser.datasets())
    assert len(datasets) == 1
    return datasets[0]


# -- DCAT ------------------------------------------------------------------------------------

def field_by_field(kind: str, written: dict, read: dict, skipped: set[str], where: str) -> tuple[int, list[str]]:
    """How many fields were compared, and those read back differently."""
    compared, mismatches = 0, []
    for field in scheming_fields(kind):
        name = field["field_name"]
        if name in skipped or written.get(name) in (None, "", []):
            continue
        compared += 1
        if comparable(read.get(name)) != comparable(written[name]):
            mismatches.append(f"{where}.{name}: wrote {written[name]!r}, read {read.get(name)!r}")
    return compared, mismatches


@pytest.mark.parametrize("fmt,rdflib_format", [("ttl", "turtle"), ("jsonld", "json-ld"), ("rdf", "xml")])
def test_every_thai_field_survives_a_round_trip_through_ckanext_dcat_parser(app, publish, fmt, rdflib_format):
    who = agency()
    mismatches, compared = [], 0
    for spec in FULL_DATASETS:
        shown = published(who, spec, publish)
        parsed = parse_back(get(app, f"/dataset/{shown['name']}.{fmt}").body, rdflib_format)
        counted, found = field_by_field("dataset", shown, parsed, SKIPPED_FIELDS, spec["name"])
        compared, mismatches = compared + counted, mismatches + found
        assert sorted(t["name"] for t in parsed["tags"]) == sorted(t["name"] for t in shown["tags"])
        assert len(parsed["resources"]) == len(shown["resources"])
        for written, read in zip(shown["resources"], parsed["resources"]):
            counted, found = field_by_field("resource", written, read, SET_BY_VALIDATION, f"{spec['name']} resource")
            compared, mismatches = compared + counted, mismatches + found
    assert not mismatches, "\n".join(mismatches)
    assert compared > 100  # every field of the three datasets, not a vacuous pass


HYDRA = rdflib.Namespace("http://www.w3.org/ns/hydra/core#")
DCAT_DATASET = rdflib.URIRef("http://www.w3.org/ns/dcat#Dataset")


def catalogue_pages(app) -> list[rdflib.Graph]:
    """Every page of /catalog.ttl, following the Hydra next-page links."""
    pages, url = [], "/catalog.ttl"
    while url:
        page = rdflib.Graph().parse(data=get(app, url).body, format="turtle")
        pages.append(page)
        following = next(page.objects(None, HYDRA.nextPage), None)
        url = str(following).replace("http://test.ckan.net", "") if following else None
    return pages


@pytest.mark.ckan_config("ckanext.dcat.datasets_per_page", 10)
def test_the_catalogue_and_every_demo_like_dataset_conform_to_the_dcat_ap_3_shapes(app, publish):
    who = agency()
    for spec in FULL_DATASETS:
        published(who, spec, publish)
    for dataset in demo_like(who):
        publish(dataset["id"])
    names = [p.name for p in model.Session.query(model.Package).filter(model.Package.private.is_(False))]
    assert len(names) == len(FULL_DATASETS) + 21
    graphs = {f"/dataset/{name}.ttl": rdflib.Graph().parse(data=get(app, f"/dataset/{name}.ttl").body,
                                                          format="turtle") for name in names}
    pages = catalogue_pages(app)
    assert len(pages) == 3 and sum(len(set(p.subjects(RDF.type, DCAT_DATASET))) for p in pages) == len(names)
    graphs.update({f"/catalog.ttl page {n}": page for n, page in enumerate(pages, start=1)})
    counts, reports = {}, []
    for label, shapes in (("mandatory", shapes_graph(*MANDATORY)), ("consolidated", shapes_graph("dcat-ap-SHACL.ttl"))):
        counts[label] = 0
        for url, graph in graphs.items():
            found, text = violations(graph, shapes)
            counts[label] += found
            reports += [f"{url} ({label}):\n{text}"] if found else []
    print(f"\nSHACL: {len(names)} datasets and {len(pages)} catalogue pages; violations: {counts}")
    assert not reports, "\n\n".join(reports)[:20000]


def test_a_private_dataset_is_nowhere_in_dcat_and_answers_404_to_everyone(app, publish):
    who = agency()
    public = published(who, STAT, publish)
    kept = create(who, GIS, data_category="ข้อมูลใช้ภายใน", data_classification="ชั้นเผยแพร่ภายในองค์กร")
    assert kept["private"] is True
    outsider, sysadmin = factories.User(), factories.Sysadmin()
    for user in (None, outsider, who["member"], who["editor"], who["admin"], sysadmin):
        for fmt in ("ttl", "jsonld", "rdf", "xml", "n3"):
            get(app, f"/dataset/{kept['name']}.{fmt}", user, status=404)
            get(app, f"/dataset/{kept['id']}.{fmt}", user, status=404)
        get(app, f"/dataset/{kept['name']}/datapackage.json", user, status=404)
        for fmt in ("ttl", "jsonld", "rdf"):
            body = get(app, f"/catalog.{fmt}", user).body
            assert kept["id"] not in body and kept["name"] not in body and kept["title"] not in body
            assert public["id"] in body
    # the same through the action API
    for action in ("dcat_catalog_show", "dcat_catalog_search"):
        result = json.loads(get(app, f"/api/3/action/{action}?format=ttl", who["member"]).body)["result"]
        assert kept["id"] not in result and public["id"] in result
    with pytest.raises(tk.ObjectNotFound):
        helpers.call_action("dcat_dataset_show", {"user": who["member"]["name"]}, id=kept["id"], format="ttl")
    # a member sees the private dataset's page, but without schema.org data for search engines
    page = get(app, f"/dataset/{kept['name']}", who["member"]).body
    assert kept["title"] in page and '<script type="application/ld+json">' not in page
    get(app, f"/dataset/{public['name']}.exe", status=404)  # unknown serialisations: not found, not 500
    get(app, "/dataset/no-such-dataset.ttl", status=404)
    get(app, "/catalog.ttl?page=0", status=409)


def test_thai_text_survives_every_serialisation_as_utf8(app, publish):
    who = agency()
    shown = published(who, dict(STAT, title='ประชากร </script><script>alert("x")</script> ๒๕๖๖'), publish)
    for url_format, content_type, rdflib_format in (("ttl", "text/turtle", "turtle"),
                                                    ("jsonld", "application/ld+json", "json-ld"),
                                                    ("rdf", "application/rdf+xml", "xml")):
        for url in (f"/dataset/{shown['name']}.{url_format}", f"/catalog.{url_format}"):
            response = get(app, url)
            assert response.headers["Content-Type"] == f"{content_type}; charset=utf-8", url
            text = response.body  # webtest decodes with the declared charset
            assert shown["title"].split(" ")[0] in text, f"Thai written escaped in {url}"
            graph = rdflib.Graph().parse(data=response.body, format=rdflib_format)
            titles = {str(o) for o in graph.objects(None, rdflib.URIRef("http://purl.org/dc/terms/title"))
                      if getattr(o, "language", None) == "th"}
            assert shown["title"] in titles, url
    page = get(app, f"/dataset/{shown['name']}").body
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert len(scripts) == 1, "one schema.org block, not broken by the title's </script>"
    embedded = json.loads(scripts[0])
    assert shown["title"] in {node.get("schema:name") for node in embedded["@graph"]}


def test_the_thgov_vocabulary_is_served_and_names_every_term_the_profile_writes(app, publish):
    who = agency()
    shown = published(who, STAT, publish)
    response = get(app, "/ns/thgov.ttl")
    assert response.headers["Content-Type"] == "text/turtle; charset=utf-8"
    vocabulary = rdflib.Graph().parse(data=response.body, format="turtle")
    defined = set(vocabulary.subjects(RDF.type, RDF.Property))
    data = rdflib.Graph().parse(data=get(app, f"/dataset/{shown['name']}.ttl").body, format="turtle")
    from ckanext.thgov.dcat_mapping import THGOV_NS

    used = {p for p in data.predicates() if str(p).startswith(THGOV_NS)}
    assert used and used <= defined, used - defined


# -- Frictionless Data Packages ------------------------------------------------------------------

def run_worker() -> None:
    """What `ckan jobs worker` does, in this process, until the queue is empty."""
    queue = jobs.get_queue()
    rq.SimpleWorker([queue], connection=queue.connection).work(burst=True)
    model.Session.remove()


def test_a_data_package_carries_each_table_schema_and_passes_frictionless_validate(app, publish, create_with_upload, tmp_path):
    import frictionless

    jobs.get_queue().empty()
    who = agency()
    dataset = create(who, dict(RECORD, resources=[]))
    context = {"user": who["editor"]["name"]}
    rows = "จังหวัด,อำเภอ,จำนวนเกษตรกร,วันที่สำรวจ\n" + "".join(
        f"{p},เมือง{p},{n},15/0{m}/2566\n" for p, n, m in (("เชียงใหม่", 1520, 1), ("น่าน", 804, 2), ("ลำพูน", 633, 3)))
    inferred = create_with_upload(rows.encode("cp874"), "livestock.csv", package_id=dataset["id"],
                                  name="เกษตรกรผู้เลี้ยงสัตว์ รายตำบล", format="CSV", context=context)
    given_schema = {"fields": [{"name": "จังหวัด", "type": "string"}, {"name": "จำนวน", "type": "integer"}]}
    given = create_with_upload("จังหวัด,จำนวน\nเชียงใหม่,12\nน่าน,7\n".encode(), "counts.csv",
                               package_id=dataset["id"], name="จำนวนรายจังหวัด", format="CSV", context=context,
                               schema=json.dumps(given_schema, ensure_ascii=False))
    helpers.call_action("resource_create", context, package_id=dataset["id"], name="คู่มือ",
                        url="https://www.example.go.th/manual.pdf", format="PDF")
    run_worker()
    publish(dataset["id"])
    assert helpers.call_action("package_show", id=dataset["id"])["private"] is False

    response = get(app, f"/dataset/{dataset['name']}/datapackage.json")
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert "ทะเบียนสถานพยาบาล" in response.body  # Thai written as Thai
    package = json.loads(response.body)
    assert package["title"] == RECORD["title"] and package["name"] == dataset["name"]
    assert package["licenses"] == [{"name": "cc-by", "title": "Creative Commons Attribution 4.0",
                                    "path": "https://creativecommons.org/licenses/by/4.0/"}]
    by_title = {r["title"]: r for r in package["resources"]}
    assert by_title["จำนวนรายจังหวัด"]["schema"] == given_schema  # the agency's own schema wins
    livestock_schema = by_title["เกษตรกรผู้เลี้ยงสัตว์ รายตำบล"]["schema"]
    report = helpers.call_action("resource_validation_show", resource_id=inferred["id"])["report"]
    assert livestock_schema == report["thgov"]["schema"] and livestock_schema["fields"]
    assert by_title["เกษตรกรผู้เลี้ยงสัตว์ รายตำบล"]["encoding"].lower() in ("cp874", "tis-620")
    assert "schema" not in by_title["คู่มือ"]

    # frictionless validates the descriptor and the data it points to (fetched through the portal)
    for resource in package["resources"]:
        if resource.get("profile") == "tabular-data-resource":
            path = resource["path"].replace("http://test.ckan.net", "")
            (tmp_path / f"{resource['name']}.csv").write_bytes(app.get(path).data)
            resource["path"] = f"{resource['name']}.csv"
    package["resources"] = [r for r in package["resources"] if r.get("profile") == "tabular-data-resource"]
    assert frictionless.Package.validate_descriptor(json.loads(response.body)).valid
    result = frictionless.Package(package, basepath=str(tmp_path)).validate()
    assert result.valid, result.flatten(["rowNumber", "fieldName", "type", "note"])[:20]
    assert given["id"]
