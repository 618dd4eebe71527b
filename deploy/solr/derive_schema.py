"""Derive the thgov Solr schema from the schema.xml shipped inside the installed ckan wheel.

Run at set-up time so a CKAN upgrade carries its schema changes over. The schema's
``name="ckan-X.Y"`` is kept: CKAN refuses to start against a schema without it.

Usage: python derive_schema.py [--tokenizer icu|thai] [--stock] OUTPUT_PATH

--tokenizer picks the Thai word segmenter (default icu; see bench/README.md for the comparison).
--stock keeps CKAN's own text analysis (only our facet fields are added): the relevance benchmark
runs it beside ours.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import sys
from pathlib import Path

SUPPORTED_NAME = re.compile(r'<schema name="ckan-2\.(1[0-9])"')


def ckan_schema_path() -> Path:
    spec = importlib.util.find_spec("ckan")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("ckan is not installed in this Python environment")
    return Path(list(spec.submodule_search_locations)[0]) / "config" / "solr" / "schema.xml"


# Thai and Latin text, at index and query time alike. Thai has no spaces between words, so the
# tokenizer segments it with a dictionary (ICU's Thai break iterator, or the JRE's for "thai");
# Latin runs are split by UAX#29 word rules. Char filters first: HTML and entities out (the
# catalogue notes carry &nbsp;), Thai digits and broken SARA AM from PDF extraction repaired, and
# digits set apart from Thai letters (ปี2558 is ปี 2558: UAX#29 would keep it one token).
# Stopwords go before case folding, which decomposes SARA AM (NFKC) and would miss the list.
# English stemming and accent folding leave Thai tokens unchanged.
THAI_TOKENIZERS = {
    "icu": '<tokenizer name="icu"/>',
    "thai": '<tokenizer name="thai"/>',
}


def thai_text_type(name: str, tokenizer: str) -> str:
    analyzer = (
        '            <charFilter name="htmlStrip"/>\n'
        '            <charFilter name="mapping" mapping="mapping-thai.txt"/>\n'
        '            <charFilter name="patternReplace" pattern="(\\p{IsThai})(?=[0-9])|([0-9])(?=\\p{IsThai})"'
        ' replacement="$1$2 "/>\n'
        f"            {THAI_TOKENIZERS[tokenizer]}\n"
        '            <filter name="stop" words="stopwords-th.txt" ignoreCase="true"/>\n'
        '            <filter name="icuNormalizer2" form="nfkc_cf"/>\n'
        '            <filter name="englishPossessive"/>\n'
        '            <filter name="keywordMarker" protected="protwords.txt"/>\n'
        '            <filter name="porterStem"/>\n'
        '            <filter name="asciiFolding"/>\n'
    )
    return (
        f'    <fieldType name="{name}" class="solr.TextField" positionIncrementGap="100">\n'
        f"        <analyzer>\n{analyzer}        </analyzer>\n"
        "    </fieldType>\n"
    )


# Fields ckanext-thgov fills in before_dataset_index (search.py): titles CKAN does not index (it
# keeps only the organization and group slugs), tags as words, and the GDC free-text fields.
THAI_FIELDS = (
    '    <!-- ckanext-thgov: Thai-searchable copies (see ckanext/thgov/search.py). -->\n'
    '    <field name="title_th_sort" type="thai_sort" indexed="true" stored="false" docValues="true"/>\n'
    '    <field name="organization_title" type="text" indexed="true" stored="false" multiValued="false"/>\n'
    '    <field name="groups_title" type="text" indexed="true" stored="false" multiValued="true"/>\n'
    '    <field name="tags_text" type="text" indexed="true" stored="false" multiValued="true"/>\n'
    '    <field name="gdc_text" type="text" indexed="true" stored="false" multiValued="true"/>\n'
)
# Titles in Thai dictionary order (the JRE's Thai collator: leading vowels เ แ โ ใ ไ do not decide
# the order, the consonant does), for "sort by name"; CKAN's title_string sorts by code point.
THAI_SORT_TYPE = '    <fieldType name="thai_sort" class="solr.CollationField" language="th" strength="secondary"/>\n'
THAI_COPY_FIELDS = (
    '<copyField source="title" dest="title_th_sort"/>\n'
    '<copyField source="tags" dest="tags_text"/>\n'
    '<copyField source="organization_title" dest="text"/>\n'
    '<copyField source="groups_title" dest="text"/>\n'
    '<copyField source="gdc_text" dest="text"/>\n'
)


def _replace_field_type(schema: str, name: str, replacement: str) -> str:
    match = re.search(rf'[ \t]*<fieldType name="{name}" class="solr.TextField".*?</fieldType>\n', schema, re.S)
    if not match:
        raise SystemExit(f'no fieldType "{name}" in the ckan schema; refusing to derive')
    return schema[: match.start()] + replacement + schema[match.end() :]


def add_thai_analysis(schema: str, tokenizer: str = "icu") -> str:
    """Give CKAN's ``text`` and ``text_general`` types Thai word segmentation.

    Every CKAN field of those types (title, notes, the catch-all ``text``, extras, resource names and
    descriptions, maintainer) is then segmented; field names and CKAN's query code stay as they are.
    """
    schema = _replace_field_type(schema, "text", thai_text_type("text", tokenizer))
    schema = _replace_field_type(schema, "text_general", thai_text_type("text_general", tokenizer))
    schema = _insert_before(schema, "</types>", THAI_SORT_TYPE)
    schema = _insert_before(schema, '<dynamicField name="*" ', THAI_FIELDS)
    return _insert_before(schema, "</schema>", THAI_COPY_FIELDS)


def stock_fields(schema: str) -> str:
    """CKAN's analysis unchanged; our extra index fields accepted but neither indexed nor searched."""
    fields = THAI_FIELDS.replace('type="text" indexed="true"', 'type="string" indexed="false"')
    fields = "".join(line for line in fields.splitlines(keepends=True) if "title_th_sort" not in line)
    return _insert_before(schema, '<dynamicField name="*" ', fields)


def _insert_before(schema: str, marker: str, text: str) -> str:
    if marker not in schema:
        raise SystemExit(f"no {marker!r} in the ckan schema; refusing to derive")
    before, after = schema.split(marker, 1)
    line_start = before.rfind("\n") + 1
    return before[:line_start] + text + before[line_start:] + marker + after


FACET_FIELDS = (
    '    <!-- ckanext-thgov: multi-valued GDC choices (data_format, objective, ...) indexed one value\n'
    '         per entry so they can be faceted (see ckanext/thgov/search.py). -->\n'
    '    <dynamicField name="thgov_*" type="string" indexed="true" stored="false" multiValued="true"/>\n'
)


# Copies of CKAN's organization and group facets under other names: package_search looks up the
# titles of organization and group facet values in the database on every search, unless the facet
# comes under another name; ckanext-thgov asks for these and takes the titles from memory
# (ckanext/thgov/group_titles.py).
FACET_COPY_FIELDS = (
    '<copyField source="organization" dest="thgov_facet_organization"/>\n'
    '<copyField source="groups" dest="thgov_facet_groups"/>\n'
)


def add_facet_fields(schema: str) -> str:
    schema = _insert_before(schema, '<dynamicField name="*" ', FACET_FIELDS)
    return _insert_before(schema, "</schema>", FACET_COPY_FIELDS)


def derive(source: str, origin: str, tokenizer: str = "icu", stock: bool = False) -> str:
    if not SUPPORTED_NAME.search(source):
        raise SystemExit(f"{origin}: no <schema name=\"ckan-2.x\"> marker; refusing to derive")
    header = (
        f"<!-- Generated by deploy/solr/derive_schema.py from {origin}"
        f"{' (stock text analysis)' if stock else f', Thai tokenizer {tokenizer}'}.\n"
        "     Do not edit: change derive_schema.py and run the set-up again. -->\n"
    )
    body = add_facet_fields(stock_fields(source) if stock else add_thai_analysis(source, tokenizer))
    # Keep the XML declaration first, then our provenance comment.
    if body.startswith("<?xml"):
        decl, rest = body.split("?>", 1)
        return decl + "?>\n" + header + rest.lstrip("\n")
    return header + body


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tokenizer", choices=sorted(THAI_TOKENIZERS), default="icu")
    parser.add_argument("--stock", action="store_true")
    parser.add_argument("output", type=Path)
    args = parser.parse_args(argv[1:])
    source_path = ckan_schema_path()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    text = derive(source_path.read_text(encoding="utf-8"), str(source_path), args.tokenizer, args.stock)
    args.output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
