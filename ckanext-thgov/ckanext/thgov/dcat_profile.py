"""The thgov RDF profile for ckanext-dcat, layered after euro_dcat_ap_3.

Thai GDC fields go to DCAT-AP 3 properties where one exists (access rights, frequency, spatial
coverage, language, licence, contact point, publisher, provenance, dates) and, where the EU
vocabularies cannot hold the exact Thai value, also to the thgov: vocabulary (dcat_mapping.py;
served at /ns/thgov.ttl), so ckanext-dcat's parser with this profile reads back exactly what
was written. Literals carry @th / @en.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from rdflib import BNode, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD

import ckan.plugins.toolkit as tk
from ckan import model
from ckanext.dcat.profiles import DCAT, DCT, FOAF, GSP, VCARD, RDFProfile
from ckanext.dcat.utils import resource_uri

from ckanext.thgov import dcat_mapping as mapping

THGOV = Namespace(mapping.THGOV_NS)


def tagged(text: Any) -> Literal:
    value = str(text)
    return Literal(value, lang=mapping.text_language(value))


class ThgovDCATProfile(RDFProfile):
    """Thai GDC metadata in DCAT-AP 3 and thgov: (both directions)."""

    # -- helpers ---------------------------------------------------------------------------

    def _fields(self, resource: bool = False) -> list[Mapping[str, Any]]:
        schema = self._dataset_schema or {}
        return list(schema.get("resource_fields" if resource else "dataset_fields") or [])

    def _field(self, name: str) -> Mapping[str, Any]:
        return next((f for f in self._fields() if f["field_name"] == name), {})

    def _replace(self, subject: Any, predicate: Any, *objects: Any) -> None:
        self.g.remove((subject, predicate, None))
        for obj in objects:
            if obj is not None:
                self.g.add((subject, predicate, obj))

    def _retag(self, subject: Any, predicate: Any) -> None:
        """ckanext-dcat writes plain literals; ours say which language they are in."""
        for obj in list(self.g.objects(subject, predicate)):
            if isinstance(obj, Literal) and not obj.language and obj.datatype is None:
                self.g.remove((subject, predicate, obj))
                self.g.add((subject, predicate, tagged(obj)))

    def _concept(self, uri: str, rdf_class: Any, labels: Mapping[str, str | None]) -> URIRef:
        ref = URIRef(uri)
        self.g.add((ref, RDF.type, rdf_class))
        for lang, label in labels.items():
            if label:
                self.g.add((ref, SKOS.prefLabel, Literal(label, lang=lang)))
        return ref

    def _choice_labels(self, field_name: str, value: str) -> dict[str, str | None]:
        field = self._field(field_name)
        return {"th": mapping.choice_label(field, value, "th") or value,
                "en": mapping.choice_label(field, value, "en")}

    def _write_field(self, subject: Any, field: Mapping[str, Any], value: Any) -> None:
        if value in (None, "", [], {}):
            return
        predicate = THGOV[mapping.term(field["field_name"])]
        kind = mapping.kind(field)
        if kind in ("choice", "choices"):
            for item in value if isinstance(value, list) else [value]:
                self.g.add((subject, predicate, Literal(str(item), lang="th")))
                english = mapping.choice_label(field, str(item), "en")
                if english:
                    self.g.add((subject, predicate, Literal(english, lang="en")))
        elif kind == "boolean":
            self.g.add((subject, predicate, Literal(str(value).lower() == "true", datatype=XSD.boolean)))
        elif kind == "date":
            self._add_date_triple(subject, predicate, str(value))
        elif kind in ("be_year", "integer"):
            self.g.add((subject, predicate, Literal(str(value), datatype=XSD.integer)))
        elif kind == "decimal":
            self.g.add((subject, predicate, Literal(str(value), datatype=XSD.decimal)))
        elif kind == "json":
            text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
            self.g.add((subject, predicate, Literal(text, datatype=RDF.JSON)))
        else:
            self.g.add((subject, predicate, tagged(value)))

    def _read_field(self, subject: Any, field: Mapping[str, Any]) -> Any:
        predicate = THGOV[mapping.term(field["field_name"])]
        objects = [o for o in self.g.objects(subject, predicate) if isinstance(o, Literal)]
        if not objects:
            return None
        kind = mapping.kind(field)
        if kind in ("choice", "choices"):
            # the stored values are the Thai ones; the @en literals are their labels
            values = [str(o) for o in objects if o.language in (None, "th")]
            return sorted(values) if kind == "choices" else (values[0] if values else None)
        value = objects[0]
        if kind == "boolean":
            return "True" if value.toPython() is True else "False"
        return str(value)

    # -- CKAN -> RDF -----------------------------------------------------------------------

    def graph_from_dataset(self, dataset_dict: dict[str, Any], dataset_ref: Any) -> None:
        g = self.g
        g.bind("thgov", THGOV)
        for predicate in (DCT.title, DCT.description, DCAT.keyword):
            self._retag(dataset_ref, predicate)
        self._access_and_frequency(dataset_dict, dataset_ref)
        self._spatial_and_time(dataset_dict, dataset_ref)
        self._languages(dataset_dict, dataset_ref)
        self._licence(dataset_dict, dataset_ref, dataset_ref)
        self._contact(dataset_dict, dataset_ref)
        self._publisher(dataset_dict, dataset_ref)
        if dataset_dict.get("data_source"):
            statement = BNode()
            self._replace(dataset_ref, DCT.provenance, statement)
            g.add((statement, RDF.type, DCT.ProvenanceStatement))
            g.add((statement, RDFS.label, tagged(dataset_dict["data_source"])))
        # the data's own dates, where the agency gave them, rather than the metadata record's
        if dataset_dict.get("last_updated_date"):
            self._replace(dataset_ref, DCT.modified)
            self._add_date_triple(dataset_ref, DCT.modified, dataset_dict["last_updated_date"])
        if dataset_dict.get("data_release_date"):
            self._replace(dataset_ref, DCT.issued)
            self._add_date_triple(dataset_ref, DCT.issued, dataset_dict["data_release_date"])
        for field in mapping.thgov_fields(self._fields()):
            self._write_field(dataset_ref, field, dataset_dict.get(field["field_name"]))

        distributions = {str(o): o for o in g.objects(dataset_ref, DCAT.distribution)}
        for resource_dict in dataset_dict.get("resources", []):
            distribution = distributions.get(resource_uri(resource_dict))
            if distribution is not None:
                self._distribution(dataset_dict, resource_dict, distribution)

    def _access_and_frequency(self, dataset_dict: dict[str, Any], dataset_ref: Any) -> None:
        category, level = dataset_dict.get("data_category"), dataset_dict.get("data_classification")
        if category or level:
            # EU authority terms keep their official labels (not restated here)
            ref = self._concept(mapping.access_right(category, level), DCT.RightsStatement, {})
            self._replace(dataset_ref, DCT.accessRights, ref)
        uri = mapping.frequency(dataset_dict.get("update_frequency_unit"),
                                dataset_dict.get("update_frequency_interval"))
        if uri:
            ref = self._concept(uri, DCT.Frequency, {})
            self._replace(dataset_ref, DCT.accrualPeriodicity, ref)

    def _spatial_and_time(self, dataset_dict: dict[str, Any], dataset_ref: Any) -> None:
        coverage = dataset_dict.get("geo_coverage")
        bounds = [dataset_dict.get(k) for k in ("west_bound_longitude", "south_bound_longitude",
                                                 "east_bound_longitude", "north_bound_longitude")]
        if coverage or all(b not in (None, "") for b in bounds):
            location = BNode()
            self.g.add((dataset_ref, DCT.spatial, location))
            self.g.add((location, RDF.type, DCT.Location))
            if coverage:
                for lang, label in self._choice_labels("geo_coverage", coverage).items():
                    if label:
                        self.g.add((location, SKOS.prefLabel, Literal(label, lang=lang)))
            if all(b not in (None, "") for b in bounds):
                west, south, east, north = (float(b) for b in bounds)
                wkt = (f"POLYGON(({west} {south}, {east} {south}, {east} {north}, "
                       f"{west} {north}, {west} {south}))")
                self.g.add((location, DCAT.bbox, Literal(wkt, datatype=GSP.wktLiteral)))
        first = mapping.be_to_ce(dataset_dict.get("first_year_of_data"))
        last = mapping.be_to_ce(dataset_dict.get("last_year_of_data"))
        if first or last:  # Buddhist Era years as a Gregorian period of time
            period = BNode()
            self.g.add((dataset_ref, DCT.temporal, period))
            self.g.add((period, RDF.type, DCT.PeriodOfTime))
            if first:
                self.g.add((period, DCAT.startDate, Literal(f"{first:04d}", datatype=XSD.gYear)))
            if last:
                self.g.add((period, DCAT.endDate, Literal(f"{last:04d}", datatype=XSD.gYear)))

    def _languages(self, dataset_dict: dict[str, Any], dataset_ref: Any) -> None:
        refs = []
        for value in dataset_dict.get("data_language") or []:
            uri = mapping.language_uri(value)
            if uri:
                refs.append(self._concept(uri, DCT.LinguisticSystem, self._choice_labels("data_language", value)))
        if refs:
            self._replace(dataset_ref, DCT.language, *refs)

    def _licence(self, dataset_dict: dict[str, Any], dataset_ref: Any, subject: Any) -> None:
        licence = model.Package.get_license_register().get(dataset_dict.get("license_id") or "")
        url = getattr(licence, "url", None) if licence is not None else None
        if not url:
            return
        ref = URIRef(url)
        self._replace(subject, DCT.license, ref)
        self.g.add((ref, RDF.type, DCT.LicenseDocument))
        self.g.set((ref, DCT.title, Literal(licence.title, lang="en")))

    def _contact(self, dataset_dict: dict[str, Any], dataset_ref: Any) -> None:
        for contact in self.g.objects(dataset_ref, DCAT.contactPoint):
            self.g.add((contact, RDF.type, VCARD.Kind))  # the DCAT-AP range, without vCard's hierarchy
            self._retag(contact, VCARD.fn)
            phone = (dataset_dict.get("telephone_number") or "").strip()
            if phone:
                self.g.add((contact, VCARD.hasTelephone, URIRef("tel:" + "".join(phone.split()))))
                self.g.add((contact, THGOV.telephoneNumber, Literal(phone)))

    def _publisher(self, dataset_dict: dict[str, Any], dataset_ref: Any) -> None:
        org = dataset_dict.get("organization") or {}
        for publisher in self.g.objects(dataset_ref, DCT.publisher):
            self._retag(publisher, FOAF.name)
            details = self._org_cache.get(org.get("id")) or {}
            if details.get("title_en"):
                self.g.add((publisher, FOAF.name, Literal(details["title_en"], lang="en")))
            if details.get("agency_code"):
                self.g.add((publisher, DCT.identifier, Literal(details["agency_code"])))
            if details.get("website") and not list(self.g.objects(publisher, FOAF.homepage)):
                self.g.add((publisher, FOAF.homepage, URIRef(details["website"])))

    def _distribution(self, dataset_dict: dict[str, Any], resource_dict: dict[str, Any], ref: Any) -> None:
        for predicate in (DCT.title, DCT.description):
            self._retag(ref, predicate)
        self._licence(dataset_dict, ref, ref)
        for predicate in (DCAT.accessURL, DCAT.downloadURL):  # DCAT-AP's range, stated (no RDFS inference)
            for url in self.g.objects(ref, predicate):
                self.g.add((url, RDF.type, RDFS.Resource))
        fmt = resource_dict.get("format")
        if fmt:
            uri = mapping.file_type_uri(fmt)
            node = URIRef(uri) if uri else BNode()
            self._replace(ref, DCT["format"], node)
            self.g.add((node, RDF.type, DCT.MediaTypeOrExtent))
            self.g.set((node, RDFS.label, Literal(fmt)))
        condition = resource_dict.get("resource_accessible_condition")
        if condition:
            statement = BNode()
            self._replace(ref, DCT.rights, statement)
            self.g.add((statement, RDF.type, DCT.RightsStatement))
            self.g.add((statement, RDFS.label, tagged(condition)))
        if resource_dict.get("resource_last_updated_date"):
            self._replace(ref, DCT.modified)
            self._add_date_triple(ref, DCT.modified, resource_dict["resource_last_updated_date"])
        for obj in list(self.g.objects(ref, DCAT.byteSize)):  # DCAT-AP 3 shapes: xsd:decimal
            self._replace(ref, DCAT.byteSize, Literal(str(int(obj)), datatype=XSD.decimal))
        for field in mapping.thgov_fields(self._fields(resource=True), resource=True):
            self._write_field(ref, field, resource_dict.get(field["field_name"]))

    def graph_from_catalog(self, catalog_dict: dict[str, Any], catalog_ref: Any) -> None:
        g = self.g
        g.bind("thgov", THGOV)
        for predicate in (DCT.title, DCT.description):
            self._retag(catalog_ref, predicate)
        for homepage in g.objects(catalog_ref, FOAF.homepage):
            g.add((homepage, RDF.type, FOAF.Document))
        languages = [mapping.language_uri("ไทย"), mapping.language_uri("อังกฤษ")]
        self._replace(catalog_ref, DCT.language, *(URIRef(u) for u in languages))
        for uri in languages:
            g.add((URIRef(uri), RDF.type, DCT.LinguisticSystem))
        if not list(g.objects(catalog_ref, DCT.publisher)):  # DCAT-AP: a catalogue has a publisher
            publisher = URIRef(f"{str(catalog_ref).rstrip('/')}#publisher")
            g.add((catalog_ref, DCT.publisher, publisher))
            g.add((publisher, RDF.type, FOAF.Agent))
            g.add((publisher, FOAF.name, tagged(tk.config.get("ckan.site_title") or "CKAN")))

    # -- RDF -> CKAN -----------------------------------------------------------------------

    def parse_dataset(self, dataset_dict: dict[str, Any], dataset_ref: Any) -> dict[str, Any]:
        consumed: set[str] = set()
        for field in mapping.thgov_fields(self._fields()):
            value = self._read_field(dataset_ref, field)
            if value is not None:
                dataset_dict[field["field_name"]] = value
        self._parse_dcat_fallbacks(dataset_dict, dataset_ref, consumed)
        contact = self._object(dataset_ref, DCAT.contactPoint)
        if contact is not None:
            dataset_dict["maintainer"] = self._object_value(contact, VCARD.fn) or dataset_dict.get("maintainer")
            email = self._object_value(contact, VCARD.hasEmail)
            if email:
                dataset_dict["maintainer_email"] = self._without_mailto(email)
            phone = self._object_value(contact, THGOV.telephoneNumber) or self._object_value(contact, VCARD.hasTelephone)
            if phone:
                dataset_dict["telephone_number"] = phone.removeprefix("tel:")
            consumed.update({"contact_name", "contact_email", "contact_uri"})
        provenance = self._object(dataset_ref, DCT.provenance)
        if provenance is not None:
            dataset_dict["data_source"] = self._object_value(provenance, RDFS.label) or str(provenance)
            consumed.add("provenance")
        licence = self._object(dataset_ref, DCT.license)
        if isinstance(licence, URIRef):
            by_url = {lic.url: lic.id for lic in model.Package.get_license_register().values() if lic.url}
            dataset_dict["license_id"] = by_url.get(str(licence), dataset_dict.get("license_id") or str(licence))
        dataset_dict["extras"] = [e for e in dataset_dict.get("extras", []) if e["key"] not in consumed]

        for resource_dict in dataset_dict.get("resources", []):
            ref_text = resource_dict.get("distribution_ref")
            if not ref_text:
                continue
            ref = URIRef(ref_text) if resource_dict.get("uri") else BNode(ref_text)
            self._parse_distribution(resource_dict, ref)
        return dataset_dict

    def _parse_dcat_fallbacks(self, dataset_dict: dict[str, Any], dataset_ref: Any, consumed: set[str]) -> None:
        """DCAT from catalogues that do not write thgov: terms: the nearest Thai values."""
        consumed.update({"frequency", "language", "access_rights", "spatial_text", "spatial_uri"})
        if not dataset_dict.get("update_frequency_unit"):
            uri = self._object(dataset_ref, DCT.accrualPeriodicity)
            unit, interval = mapping.frequency_back(str(uri)) if uri is not None else (None, None)
            if unit:
                dataset_dict["update_frequency_unit"] = unit
                if interval:
                    dataset_dict["update_frequency_interval"] = str(interval)
        if not dataset_dict.get("data_language"):
            values = [mapping.language_back(str(o)) for o in self.g.objects(dataset_ref, DCT.language)]
            if any(values):
                dataset_dict["data_language"] = sorted(v for v in values if v)
        if not dataset_dict.get("data_category"):
            rights = self._object(dataset_ref, DCT.accessRights)
            if rights is not None and str(rights) == mapping.ACCESS_RIGHT + "PUBLIC":
                dataset_dict["data_category"] = mapping.PUBLIC_CATEGORY
                dataset_dict["data_classification"] = mapping.OPEN_CLASSIFICATION

    def _parse_distribution(self, resource_dict: dict[str, Any], ref: Any) -> None:
        for field in mapping.thgov_fields(self._fields(resource=True), resource=True):
            value = self._read_field(ref, field)
            if value is not None:
                resource_dict[field["field_name"]] = value
        fmt = self._object(ref, DCT["format"])
        if fmt is not None:
            resource_dict["format"] = self._object_value(fmt, RDFS.label) or str(fmt).rsplit("/", 1)[-1]
        rights = self._object(ref, DCT.rights)
        if rights is not None:
            resource_dict["resource_accessible_condition"] = self._object_value(rights, RDFS.label) or str(rights)
            resource_dict.pop("rights", None)
