"""navl validators for the Thai GDC schema; the rules themselves live in thgov_validators."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context, FlattenDataDict, FlattenErrorDict, FlattenKey, Validator

from thgov_validators import classification, metadata

__all__ = [
    "thgov_only_for_types",
    "thgov_other_for",
    "thgov_classification_pair",
    "thgov_be_year",
    "thgov_year_not_before",
    "thgov_longitude",
    "thgov_latitude",
    "thgov_default_classification",
    "thgov_boolean_choice",
    "tag_name_validator",
    "tag_string_convert",
    "thgov_license",
    "thgov_agency_code",
    "thgov_disclosure_gate",
    "thgov_json_object",
    "thgov_set_by_validation",
]


def _bilingual(th: str, en: str) -> str:
    return f"{th} / {en}"


def _values(raw: Any) -> list[str]:
    if raw is None or raw is tk.missing:
        return []
    if isinstance(raw, list):
        return [str(v) for v in raw]
    text = str(raw)
    if text.startswith("["):
        try:
            return [str(v) for v in json.loads(text)]
        except ValueError:
            pass
    return [text] if text else []


def _stored_value(key: FlattenKey, data: FlattenDataDict, context: Context) -> Any:
    """The value this field has now in the database (updates only), for carry-over detection."""
    package = context.get("package")
    if package is None:
        return None
    if len(key) == 1:
        return package.extras.get(key[0])
    if len(key) == 3 and key[0] == "resources":
        from ckan import model

        resource = model.Resource.get(data.get(("resources", key[1], "id")) or "")
        return resource.extras.get(key[2]) if resource is not None and resource.package_id == package.id else None
    return None


def thgov_only_for_types(*codes: str) -> Validator:
    """A field of other data types (statistics-only, GIS-only, ...): a value given for it is refused;
    one merely carried over unchanged from before a change of data_type is dropped, so changing
    the type stays a normal edit. Resource fields follow their dataset's data_type, which is
    always at the top of the flattened dict.
    """
    allowed = metadata.data_types_for(codes)
    names = ", ".join(metadata.DATA_TYPES[code.strip()] for code in codes)
    english = ", ".join(metadata.DATA_TYPE_NAMES_EN[code.strip()] for code in codes)

    def validator(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context) -> Any:
        if data.get(("data_type",)) in allowed:
            return
        value = data.get(key)
        stored = _stored_value(key, data, context)
        if not _values(value) or (stored is not None and _values(value) == _values(stored)):
            data.pop(key, None)
            raise tk.StopOnError
        errors[key].append(_bilingual(f"ใช้ได้เฉพาะชุดข้อมูลประเภท {names}",
                                      f"Only for datasets of type: {english}"))
        raise tk.StopOnError

    return validator


def thgov_other_for(field_name: str) -> Validator:
    """An `_other` companion: required when its field chose อื่นๆ, emptied when it did not."""

    def validator(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context) -> Any:
        chosen = _values(data.get(key[:-1] + (field_name,)))
        value = data.get(key)
        if metadata.OTHER_CHOICES & set(chosen):
            if value is None or value is tk.missing or not str(value).strip():
                errors[key].append(_bilingual("โปรดระบุ (เลือก อื่นๆ ไว้)", "Please specify: 'other' was chosen"))
                raise tk.StopOnError
        else:
            data.pop(key, None)
            raise tk.StopOnError

    return validator


def thgov_classification_pair(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context) -> Any:
    """data_classification must be one the chosen data_category allows (reference §4.2)."""
    category = data.get(key[:-1] + ("data_category",))
    value = data.get(key)
    if category in (None, tk.missing, "") or value in (None, tk.missing, ""):
        return  # each is reported missing by its own required check
    failure = classification.check_pair(category, value)
    if failure:
        errors[key].append(_bilingual(failure.th, failure.en))


def _converter(convert) -> Validator:  # type: ignore[no-untyped-def]
    def validator(value: Any, context: Context) -> Any:
        if value in (None, "", tk.missing):
            return value
        try:
            return str(convert(value))
        except metadata.InvalidValue as error:
            raise tk.Invalid(_bilingual(error.th, error.en)) from None

    return validator


thgov_be_year = _converter(metadata.to_be_year)
thgov_agency_code = _converter(metadata.check_agency_code)
thgov_longitude = _converter(lambda v: metadata.check_coordinate(v, "lon"))
thgov_latitude = _converter(lambda v: metadata.check_coordinate(v, "lat"))


def thgov_year_not_before(first_field: str) -> Validator:
    """A last year may not come before the first year of the same dataset or resource."""

    def validator(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context) -> Any:
        first, last = data.get(key[:-1] + (first_field,)), data.get(key)
        if first in (None, "", tk.missing) or last in (None, "", tk.missing) or errors.get(key):
            return
        try:
            if int(last) < int(first):
                errors[key].append(_bilingual(f"ปีล่าสุด ({last}) ต้องไม่น้อยกว่าปีที่เริ่มต้น ({first})",
                                              f"The last year ({last}) is before the first year ({first})"))
        except ValueError:
            return  # the year checks report malformed years

    return validator


def thgov_default_classification(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context) -> Any:
    """Fill data_classification when the category allows only one (Thai GDC exports often lack it)."""
    if data.get(key) in (None, "", tk.missing):
        implied = classification.implied_classification(data.get(key[:-1] + ("data_category",)))
        if implied:
            data[key] = implied


def thgov_boolean_choice(value: Any, context: Context) -> Any:
    """tgdcschema stores its sysadmin checkbox as "1"; the other portals store "True"/"False"."""
    mapping = {"1": "True", "0": "False", "true": "True", "false": "False"}
    return mapping.get(str(value).strip().lower(), value) if value not in (None, tk.missing) else value


def tag_name_validator(value: Any, context: Context) -> Any:
    """Replaces CKAN's tag rule (same name, so every tag schema uses it): Thai marks are allowed."""
    try:
        return metadata.check_tag(value)
    except metadata.InvalidValue as error:
        raise tk.Invalid(_bilingual(error.th, error.en)) from None


@lru_cache(maxsize=4)
def _licence_aliases(register: Any) -> dict[str, str]:
    # The register is loaded once per process (from schemas/licenses.json unless a site sets its
    # own), so its aliases are computed once, not on every dataset validation.
    return metadata.licence_aliases([lic.license_dictize() for lic in register.values()])


def thgov_license(value: Any, context: Context) -> Any:
    """A licence id from the register; the Thai portals' stored titles are accepted and mapped."""
    from ckan import model

    register = model.Package.get_license_register()
    licence_id = _licence_aliases(register).get(str(value).strip().casefold())
    if licence_id is None or licence_id not in register:
        known = ", ".join(sorted(register.keys()))
        raise tk.Invalid(_bilingual(f"ไม่รู้จักสัญญาอนุญาต {value!r} (ที่ใช้ได้: {known})",
                                    f"Unknown licence {value!r} (known: {known})"))
    return licence_id


def tag_string_convert(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context) -> Any:
    """Replaces CKAN's converter of the form's comma-separated tags, which calls the stock tag rule
    directly; the tags are appended to any given as a list, each checked by the Thai-aware rule."""
    raw = data.get(key)
    if raw in (None, tk.missing, ""):
        return
    tags = [t.strip() for t in raw.split(",") if t.strip()] if isinstance(raw, str) else list(raw)
    first_free = max([int(k[1]) for k in data if len(k) == 3 and k[0] == "tags"] + [-1]) + 1
    for offset, tag in enumerate(tags):
        data[("tags", first_free + offset, "name")] = tag
    for tag in tags:
        tag_name_validator(tag, context)


def thgov_disclosure_gate(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context) -> Any:
    """Runs after every field validator of a dataset write (the schema's after_validators)."""
    from ckanext.thgov import disclosure

    disclosure.gate(key, data, errors, context)


def thgov_json_object(value: Any, context: Context) -> Any:
    """A JSON object (a Table Schema, validation options), stored as compact JSON text."""
    if value in (None, "", tk.missing):
        return value
    try:
        parsed = value if isinstance(value, dict) else json.loads(value)
    except (TypeError, ValueError) as error:
        raise tk.Invalid(_bilingual(f"JSON ไม่ถูกต้อง: {error}", f"Invalid JSON: {error}")) from None
    if not isinstance(parsed, dict):
        raise tk.Invalid(_bilingual("ต้องเป็นออบเจกต์ JSON", "Must be a JSON object"))
    return json.dumps(parsed, ensure_ascii=False, separators=(",", ":"))


def thgov_set_by_validation(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context) -> Any:
    """Written only by the validation job: what a user sends is replaced by the stored value,
    so nobody can mark a failed file as valid."""
    from ckanext.thgov import validation

    if context.get(validation.WRITING) and data.get(key) not in (None, tk.missing):
        return
    stored = None
    if len(key) == 3 and key[0] == "resources":
        from ckan import model

        resource = model.Resource.get(data.get(("resources", key[1], "id")) or "")
        stored = resource.extras.get(key[2]) if resource is not None else None
        url = data.get(("resources", key[1], "url"))
        if resource is not None and resource.url_type == "upload" and isinstance(url, str):
            url = url.rsplit("/", 1)[-1]  # CKAN stores an upload's URL as its file name
        if key[2] == "validation_status" and resource is not None and url not in (None, tk.missing, resource.url):
            stored = "pending"  # a new file: the old result no longer speaks for it
    if stored is None:
        data.pop(key, None)
        raise tk.StopOnError
    data[key] = stored
