"""Template helpers of ckanext-thgov (all prefixed thgov_)."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

import ckan.plugins.toolkit as tk

from thgov_validators import metadata

# user_image keeps CKAN's name: it wraps the core helper of that name (tk.chained_helper).
__all__ = ["thgov_current_locale", "thgov_show_field", "thgov_display_date", "thgov_license_title", "user_image"]


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
