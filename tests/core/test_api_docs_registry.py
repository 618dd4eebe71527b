"""The API page documents every extension action: docstrings and api_docs.yaml agree (no services)."""

from __future__ import annotations

import pytest

from ckanext.thgov import api_docs


def test_every_extension_action_is_documented_with_examples() -> None:
    assert api_docs.problems() == []


def test_an_undocumented_action_is_reported() -> None:
    def thgov_new_thing(context, data_dict):
        """Something new.

        :param id: the dataset id
        """

    doc = api_docs.document("thgov_new_thing", thgov_new_thing)
    assert not doc.documented
    assert doc.en == "Something new."
    assert [(p.name, p.en) for p in doc.params] == [("id", "the dataset id")]


def test_docstrings_are_parsed_into_purpose_and_parameters() -> None:
    summary, params = api_docs.parse_docstring("""One line
    and its continuation.

    More detail that is not the purpose.

    :param id: the id
    :param publish: publish now, refused
        when not disclosable
    """)
    assert summary == "One line and its continuation."
    assert params == {"id": "the id", "publish": "publish now, refused when not disclosable"}


@pytest.mark.parametrize("doc", api_docs.action_docs() + api_docs.core_action_docs(), ids=lambda d: d.name)
def test_examples_call_the_action_they_document(doc) -> None:
    for example in doc.examples:
        assert f"/api/3/action/{doc.name}" in example.curl
        assert example.ckanapi.startswith(f"ckanapi action {doc.name} ")
        assert example.role in {"anonymous", "editor", "admin", "sysadmin"}
        # the token is sent exactly when the example is made as a signed-in user
        for command in (example.curl, example.ckanapi):
            assert ("$CKAN_TOKEN" in command) == (example.role != "anonymous"), command
