"""The thgov: RDF vocabulary, generated from the dataset schema (pure logic, no CKAN).

One property per Thai GDC field that DCAT-AP 3 has no exact property for, named by
dcat_mapping.term, labelled in Thai and English from the schema, with its range.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, XSD

from ckanext.thgov import dcat_mapping as mapping

THGOV = Namespace(mapping.THGOV_NS)
DCAT = Namespace("http://www.w3.org/ns/dcat#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")

RANGES = {
    "choice": RDF.langString, "choices": RDF.langString, "text": RDF.langString,
    "date": XSD.date, "be_year": XSD.integer, "integer": XSD.integer, "decimal": XSD.decimal,
    "boolean": XSD.boolean, "json": RDF.JSON,
}
NOTES = {
    "choice": ("ค่าที่เลือกได้ตามมาตรฐาน (ภาษาไทย) และป้ายภาษาอังกฤษ",
               "The Thai GDC value (@th) and its English label (@en)"),
    "choices": ("ค่าที่เลือกได้ตามมาตรฐาน (ภาษาไทย) และป้ายภาษาอังกฤษ หลายค่าได้",
                "One or more Thai GDC values (@th), each with its English label (@en)"),
    "be_year": ("ปีพุทธศักราช", "A year of the Buddhist Era (CE + 543)"),
}
# Where a field is also written with a DCAT-AP property (lossy EU vocabularies: the exact Thai
# value is kept in thgov:).
ALSO = {
    "data_category": "dct:accessRights", "data_classification": "dct:accessRights",
    "update_frequency_unit": "dct:accrualPeriodicity", "update_frequency_interval": "dct:accrualPeriodicity",
    "geo_coverage": "dct:spatial", "data_language": "dct:language", "last_updated_date": "dct:modified",
    "data_release_date": "dct:issued", "first_year_of_data": "dct:temporal", "last_year_of_data": "dct:temporal",
    "west_bound_longitude": "dcat:bbox", "east_bound_longitude": "dcat:bbox",
    "north_bound_longitude": "dcat:bbox", "south_bound_longitude": "dcat:bbox",
    "resource_last_updated_date": "dct:modified",
}


def _label(field: Mapping[str, Any], lang: str) -> str:
    label = field.get("label")
    if isinstance(label, Mapping):
        return str(label.get(lang) or label.get("en") or field["field_name"])
    return str(label or field["field_name"])


def graph(schema: Mapping[str, Any]) -> Graph:
    g = Graph()
    g.bind("thgov", THGOV)
    g.bind("dcat", DCAT)
    g.bind("dct", DCTERMS)
    g.bind("vcard", VCARD)
    g.bind("owl", OWL)
    ontology = URIRef(mapping.THGOV_NS.rstrip("#"))
    g.add((ontology, RDF.type, OWL.Ontology))
    g.add((ontology, DCTERMS.title, Literal("คำศัพท์ข้อมูลเมตาบัญชีข้อมูลภาครัฐ (Thai GDC)", lang="th")))
    g.add((ontology, DCTERMS.title, Literal("Thai Government Data Catalog (GDC) metadata vocabulary", lang="en")))
    g.add((ontology, RDFS.comment, Literal(
        "Terms of the Thai GDC metadata standard that DCAT-AP 3 has no exact property for, used with "
        "DCAT-AP 3 by ckanext-thgov. Values of choice fields are the Thai values of the standard (@th) "
        "with their English labels (@en).", lang="en")))
    properties: dict[str, tuple[Mapping[str, Any], set[URIRef]]] = {}
    for key, domain in (("dataset_fields", DCAT.Dataset), ("resource_fields", DCAT.Distribution)):
        resource = key == "resource_fields"
        for field in mapping.thgov_fields(schema.get(key) or [], resource=resource):
            name = mapping.term(field["field_name"])
            properties.setdefault(name, (field, set()))[1].add(domain)
    properties["telephoneNumber"] = ({"field_name": "telephone_number", "label": {
        "th": "เบอร์โทรผู้ติดต่อ", "en": "Contact Number"}}, {VCARD.Kind})
    for name, (field, domains) in sorted(properties.items()):
        prop = THGOV[name]
        kind = mapping.kind(field)
        g.add((prop, RDF.type, RDF.Property))
        g.add((prop, RDFS.isDefinedBy, ontology))
        g.add((prop, RDFS.label, Literal(_label(field, "th"), lang="th")))
        g.add((prop, RDFS.label, Literal(_label(field, "en"), lang="en")))
        g.add((prop, RDFS.range, RANGES.get(kind, RDF.langString)))
        for domain in domains:
            g.add((prop, RDFS.domain, domain))
        g.add((prop, DCTERMS.identifier, Literal(field["field_name"])))
        note = NOTES.get(kind)
        if note:
            g.add((prop, RDFS.comment, Literal(note[0], lang="th")))
            g.add((prop, RDFS.comment, Literal(note[1], lang="en")))
        if field["field_name"] in ALSO:
            g.add((prop, RDFS.comment, Literal(f"Also written as {ALSO[field['field_name']]}.", lang="en")))
    return g


def turtle(schema: Mapping[str, Any]) -> str:
    return graph(schema).serialize(format="turtle")
