"""The Thai catalogue of the extension: it compiles, keeps every placeholder, and fills CKAN's gaps."""

from __future__ import annotations

import re
import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

REPO_ROOT = Path(__file__).resolve().parents[2]
PO = REPO_ROOT / "ckanext-thgov/ckanext/thgov/i18n/th/LC_MESSAGES/ckanext-thgov.po"

# %(name)s, %s, %d, %i, %r and {name}, {0}, {} — the parts Python fills in at run time.
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[sdifr]|\{[^{}]*\}")
HTML_TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)")


def _catalogue():
    with PO.open("rb") as f:
        return read_po(f)


def _pairs(message):
    """(msgid, msgstr) pairs of a message; a plural's every msgstr is checked against its plural msgid."""
    if isinstance(message.id, tuple):
        return [(message.id[-1], s) for s in message.string]
    return [(message.id, message.string)]


def test_catalogue_compiles_with_msgfmt() -> None:
    if shutil.which("msgfmt") is None:
        pytest.skip("msgfmt (gettext) is not installed; the babel test below still compiles the catalogue")
    result = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(PO)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_catalogue_compiles_with_babel() -> None:
    catalogue = _catalogue()
    errors = [(m.id, [str(e) for e in errs]) for m, errs in catalogue.check()]
    assert not errors
    buf = BytesIO()
    write_mo(buf, catalogue)
    buf.seek(0)
    assert len(read_mo(buf)) == len(catalogue)


def test_catalogue_is_thai_without_fuzzy_or_empty_entries() -> None:
    catalogue = _catalogue()
    assert catalogue.locale_identifier == "th"
    assert catalogue.num_plurals == 1
    for message in catalogue:
        if not message.id:
            continue
        assert not message.fuzzy, message.id
        for _, msgstr in _pairs(message):
            assert msgstr, f"untranslated: {message.id!r}"


def test_every_msgstr_keeps_the_placeholders_and_html_tags_of_its_msgid() -> None:
    problems = []
    for message in _catalogue():
        if not message.id:
            continue
        for msgid, msgstr in _pairs(message):
            if sorted(PLACEHOLDER.findall(msgid)) != sorted(PLACEHOLDER.findall(msgstr)):
                problems.append(("placeholders", msgid, msgstr))
            if sorted(HTML_TAG.findall(msgid)) != sorted(HTML_TAG.findall(msgstr)):
                problems.append(("html tags", msgid, msgstr))
    assert not problems, "\n".join(f"{kind}: {mid!r} -> {mstr!r}" for kind, mid, mstr in problems)


def test_every_msgid_that_ckan_leaves_untranslated_in_thai_is_translated_here() -> None:
    import ckan

    core_po = Path(ckan.__file__).parent / "i18n/th/LC_MESSAGES/ckan.po"
    with core_po.open("rb") as f:
        core = read_po(f)
    ours = {m.id for m in _catalogue() if m.id}
    missing = []
    for message in core:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if (message.fuzzy or not all(strings)) and message.id not in ours:
            missing.append(message.id)
    assert not missing, f"{len(missing)} msgids of CKAN's th catalogue have no Thai here: {missing[:20]}"


def test_compiled_catalogues_are_built_not_committed() -> None:
    if shutil.which("git") is None or not (REPO_ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    tracked = subprocess.run(["git", "ls-files", "--", "*.mo"], cwd=REPO_ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
    assert tracked == []
    ignored = subprocess.run(["git", "check-ignore", "-q", str(PO.with_suffix(".mo"))], cwd=REPO_ROOT)
    assert ignored.returncode == 0, ".gitignore must keep the compiled .mo out of the repository"
