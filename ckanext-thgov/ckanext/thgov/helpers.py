"""Template helpers of ckanext-thgov (all prefixed thgov_)."""

from __future__ import annotations

import json
import re
from typing import Any

from markupsafe import Markup, escape

import ckan.plugins.toolkit as tk

from thgov_validators import metadata

# user_image keeps CKAN's name: it wraps the core helper of that name (tk.chained_helper).
__all__ = [
    "thgov_current_locale",
    "thgov_show_field",
    "thgov_display_date",
    "thgov_license_title",
    "user_image",
    "thgov_form_field_attrs",
    "thgov_localised_error",
    "thgov_audit_value",
    "thgov_display_datetime",
    "thgov_structured_data",
    "thgov_search_highlights",
]


def thgov_current_locale() -> str:
    """The language the page is shown in (th or en), for language-specific markup."""
    return str(tk.h.lang() or tk.config.get("ckan.locale_default") or "th")


def thgov_show_field(field: dict[str, Any], pkg: dict[str, Any]) -> bool:
    """Show a metadata row only if it has a value and belongs to the dataset's data type."""
    value = pkg.get(field["field_name"])
    if value in (None, "", [], {}):
        return False
    return metadata.field_applies(field.get("thgov_data_types"), pkg.get("data_type"))


def thgov_display_date(value: str | None) -> str:
    """Dates are stored ISO (CE); Thai pages show them in Buddhist Era."""
    if not value:
        return ""
    if thgov_current_locale().startswith("th"):
        try:
            return metadata.thai_date(value)
        except ValueError:
            return value
    return value[:10]


def thgov_display_datetime(value: str | None) -> str:
    """A stored UTC timestamp in the portal's time zone; Thai pages show the date in Buddhist Era."""
    if not value:
        return ""
    import datetime as dt

    moment = dt.datetime.fromisoformat(value).replace(tzinfo=dt.timezone.utc).astimezone(tk.h.get_display_timezone())
    if thgov_current_locale().startswith("th"):
        return f"{metadata.thai_date(moment.date().isoformat())} {moment:%H:%M} น."
    return f"{moment:%Y-%m-%d %H:%M}"


def thgov_license_title(license_id: str | None, title: str | None = None) -> str:
    """A licence's name in the page's language: the register (schemas/licenses.json) has title_th."""
    if license_id and thgov_current_locale().startswith("th"):
        from ckan import model

        licence = model.Package.get_license_register().get(license_id)
        thai = getattr(licence, "title_th", None) if licence is not None else None
        if thai:
            return str(thai)
    return title or license_id or ""

@tk.chained_helper
def user_image(next_helper: Any, user_id: str, size: int = 100) -> Markup | str:
    """CKAN labels a Gravatar picture alt="Gravatar", in English on every page; it is a profile picture."""
    image = next_helper(user_id, size)
    if 'alt="Gravatar"' not in image:
        return image
    return Markup(str(image).replace('alt="Gravatar"', f'alt="{escape(tk._("Profile picture"))}"'))


_OTHER_FOR = re.compile(r"\bthgov_other_for\(\s*(\w+)\s*\)")


def thgov_form_field_attrs(field: dict[str, Any]) -> dict[str, str]:
    """Data attributes for the element around a dataset form field: the data_type values the
    field belongs to and, for an `_other` box, the field whose อื่นๆ choice it follows.

    Both are read from the schema (`thgov_data_types`, and the `thgov_other_for(...)` validator
    the server uses); the thgov-dataset-form module shows and hides fields by them.
    """
    attrs = {}
    codes = field.get("thgov_data_types")
    if codes:
        attrs["data-thgov-data-types"] = json.dumps(sorted(metadata.data_types_for(codes)), ensure_ascii=False)
    other_for = _OTHER_FOR.search(str(field.get("validators") or ""))
    if other_for:
        attrs["data-thgov-other-for"] = other_for.group(1)
        attrs["data-thgov-other-values"] = json.dumps(sorted(metadata.OTHER_CHOICES), ensure_ascii=False)
    if attrs:
        attrs["data-thgov-field"] = field["field_name"]
    return attrs


_THAI = re.compile("[\u0e00-\u0e7f]")
# " / " between a half holding Thai and one starting in Latin letters (see logic.validators._bilingual).
_SEPARATOR = re.compile(r" / (?=[A-Za-z])")


def _half(message: str) -> str:
    """The current locale's half of a bilingual "<thai> / <english>" validation message."""
    cuts = [m for m in _SEPARATOR.finditer(message) if _THAI.search(message, 0, m.start())]
    if not cuts:
        return message
    # A value quoted in both halves may itself hold " / "; the separator is then the middle cut.
    cut = cuts[len(cuts) // 2]
    if thgov_current_locale().startswith("th"):
        return message[:cut.start()]
    return message[cut.end():]


def thgov_localised_error(errors: Any) -> Any:
    """Validation errors shown in the page's language: of a bilingual "<thai> / <english>"
    message only the current locale's half (the API keeps both). Takes one message, a list of
    them, or an error dict (as the form's error summary receives it); other messages unchanged.
    """
    if isinstance(errors, str):
        return _half(errors)
    if isinstance(errors, dict):
        return {key: thgov_localised_error(value) for key, value in errors.items()}
    if isinstance(errors, (list, tuple)):
        return [thgov_localised_error(value) for value in errors]
    return errors


def thgov_audit_value(field: str, value: str | None) -> str:
    """An audited value as people read it: visibility and approval in words, agencies by name."""
    if value is None:
        return "-"
    if field == "private":
        return tk._("Private") if value == "True" else tk._("Public")
    if field == "publication":
        return {"pending": tk._("Waiting for approval"), "approved": tk._("Approved"), "rejected": tk._("Refused"),
                "withdrawn": tk._("Withdrawn (the classification changed)")}.get(value, value)
    if field == "owner_org":
        from ckan import model

        org = model.Group.get(value)
        return org.display_name if org is not None else value
    return value


def thgov_structured_data(pkg: dict[str, Any]) -> Markup:
    """schema.org JSON-LD for a dataset page, only for disclosed datasets (what search engines and
    anyone may see), safe inside <script>: a "</script>" in a title cannot end the element."""
    from ckanext.thgov import disclosure

    if not disclosure.is_disclosed(pkg):
        return Markup("")
    text = tk.h.structured_data(pkg)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(f'<script type="application/ld+json">\n{text}\n</script>')


def thgov_search_highlights(q: Any, packages: list[dict[str, Any]]) -> dict[str, dict[str, Markup]]:
    """Marked titles and notes snippets of a search result page, by dataset id (search.highlights)."""
    from ckanext.thgov import search

    return search.highlights(q, [p["id"] for p in packages or [] if p.get("id")])
