"""CKAN's navl validation (``ckan.lib.navl.dictization_functions.validate``) of many datasets
against one schema, with the work that depends only on the shape of the data done once per shape.

navl flattens a dataset into a dict keyed by tuples (``("resources", 0, "url")``), works out the
full schema for those keys (``make_full_schema``), moves keys the schema does not know into
``__extras`` or ``__junk`` and adds the ones it lacks as ``missing`` (``augment_data``), sorts the
keys four times to run the validators in order, then unflattens the result. All of that but the
values and the unflattening depends only on the flattened keys: datasets with the same resources,
tags and extras counts have the same keys. Here it is worked out once per shape, with CKAN's own
functions, and checked against CKAN's ``augment_data`` on the first dataset of that shape. Each
dataset still goes through the validators of the schema (the same functions, in the same order,
with the same arguments) and navl's ``unflatten``, so the result is CKAN's. Errors are not
unflattened: the show path never reads them.

Three validators are not called as they are, because of their cost, and each gives the same data:
``convert_from_extras`` (about 50 per dataset, each scanning the whole data) runs on an index of
the extras built once per dataset, while only validators that touch nothing but their own key run
in between; ``not_empty`` runs without looking up its error message in the translations; and
``duplicate_extras_key``, which only writes an error, is left out.

Used for the show schemas by the bulk indexer (search_index.py), whose tests and benchmark compare
its documents with CKAN's. A shape the plan cannot take (a validator that is not a plain
function, data navl would reject) goes through navl itself.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from ckan.lib.navl import dictization_functions as df
from ckan.lib.navl.validators import ignore, ignore_missing, not_empty
from ckan.logic.converters import convert_from_extras
from ckan.logic.validators import duplicate_extras_key, ignore_not_sysadmin

FlatKey = tuple[Any, ...]
# One plan per shape; past this many (a catalogue of very varied datasets) the cache starts over.
MAX_PLANS = 5000
# Validators whose only effect is an entry in the errors, which the show path never reads.
# duplicate_extras_key unflattens the whole dataset to look for repeated extras keys.
ERRORS_ONLY = frozenset({duplicate_extras_key})
# Validators that change no key of the data but their own (or none): while only these run
# between them, the calls of convert_from_extras can share one index of the extras.
OWN_KEY_ONLY = frozenset({convert_from_extras, ignore_missing, not_empty, ignore, ignore_not_sysadmin})


def _not_empty_untranslated(key: FlatKey, data: dict[FlatKey, Any], errors: dict[FlatKey, list[str]],
                            context: Any) -> None:
    """navl's not_empty, whose error message is looked up in the translations at each empty
    value (a dozen per dataset, a sixth of the cost of a show validation): same checks, same stop,
    an untranslated message, since the show path never reads it."""
    value = data.get(key)
    if value in (False, 0, 0.0):
        return
    if value is df.missing or not value:
        errors[key].append("Missing value")
        raise df.StopOnError


# Stand-ins for validators whose only difference is in the errors.
SAME_BUT_ERRORS = {not_empty: _not_empty_untranslated}


class _Plan:
    """What navl does to data of one shape, before and after running the validators."""

    def __init__(self, moved: list[tuple[FlatKey, FlatKey | None]], missing: list[FlatKey],
                 checked_empty: list[FlatKey], error_keys: list[FlatKey],
                 phases: list[list[tuple[FlatKey, list[tuple[Callable[..., Any], int]]]]]) -> None:
        self.moved = moved                  # (key, its __extras key, or None for __junk)
        self.missing = missing              # keys added as `missing`
        self.checked_empty = checked_empty  # moved keys navl rejects unless they are []
        self.error_keys = error_keys
        self.phases = phases                # before, main, extras, after, junk

    def augment(self, flat: dict[FlatKey, Any]) -> dict[FlatKey, Any]:
        """augment_data for data of this shape."""
        augmented = dict(flat)
        junk: dict[FlatKey, Any] = {}
        extras: dict[FlatKey, dict[Any, Any]] = {}
        for key, extras_key in self.moved:
            if extras_key is None:
                junk[key] = flat[key]
            else:
                extras.setdefault(extras_key, {})[key[-1]] = flat[key]
        if junk:
            augmented[("__junk",)] = junk
        augmented.update(extras)
        for key, _extras_key in self.moved:
            del augmented[key]
        for key in self.missing:
            augmented[key] = df.missing
        return augmented


class ShapeValidator:
    """validate(data, schema, context) for one schema, many datasets."""

    def __init__(self, schema: dict[str, Any]) -> None:
        self.schema = schema
        self._flat_schema = df.flatten_schema(schema)
        self._plans: dict[tuple[FlatKey, ...], _Plan | None] = {}

    def validate(self, data: dict[str, Any], context: Any) -> dict[str, Any]:
        flat = df.flatten_dict(data, schema=self.schema)
        shape = tuple(flat)
        if shape in self._plans:
            plan = self._plans[shape]
        else:
            plan = self._plan(flat)
            if len(self._plans) >= MAX_PLANS:
                self._plans.clear()
            self._plans[shape] = plan
        if plan is None or any(flat[key] != [] for key in plan.checked_empty):
            return df.validate(data, self.schema, context)[0]

        empty_lists = [key for key, value in data.items() if value == []]
        validators_context = dict(context, schema_keys=list(self.schema.keys()))
        converted = plan.augment(flat)
        errors: dict[FlatKey, list[str]] = {key: [] for key in plan.error_keys}
        extras = _ExtrasIndex(converted)
        for phase in plan.phases:
            for key, converters in phase:
                _run(key, converters, converted, errors, validators_context, extras)
        result = df.unflatten(converted)
        for key in empty_lists:
            if key not in result:
                result[key] = []
        return result

    def _plan(self, flat: dict[FlatKey, Any]) -> _Plan | None:
        """The plan for flat's shape, made with navl's own functions; None when navl must run."""
        full_schema = df.make_full_schema(flat, self.schema)
        try:
            expected = df.augment_data(flat, self.schema)
        except df.DataError:
            return None
        combinations = df.get_all_key_combinations(flat, self._flat_schema)
        moved: list[tuple[FlatKey, FlatKey | None]] = []
        checked_empty = []
        for key in flat:
            if key in full_schema:
                continue
            moved.append((key, key[:-1] + ("__extras",) if key[:-1] in combinations else None))
            start = key[::2]
            if any(schema_key[:len(start)] == start for schema_key in self._flat_schema):
                checked_empty.append(key)
        missing = [key for key in expected if key not in flat and expected[key] is df.missing]
        plan = _Plan(moved, missing, checked_empty, list(full_schema), [])
        augmented = plan.augment(flat)
        if list(augmented.items()) != list(expected.items()):
            return None
        ordered = sorted(full_schema, key=df.flattened_order_key)
        steps = []
        for suffix_test, keys in (
            (lambda last: last == "__before", ordered),
            (lambda last: not last.startswith("__"), ordered),
            (lambda last: last == "__extras", ordered),
            (lambda last: last == "__after", ordered[::-1]),
        ):
            steps.append([(key, full_schema[key]) for key in keys if suffix_test(key[-1])])
        if ("__junk",) in full_schema:
            steps.append([(("__junk",), full_schema[("__junk",)])])
        phases = []
        for phase in steps:
            runnable = []
            for key, converters in phase:
                with_arity = [(SAME_BUT_ERRORS.get(converter, converter), _arity(converter))
                              for converter in converters if converter not in ERRORS_ONLY]
                if any(nargs not in (1, 2, 4) for _converter, nargs in with_arity):
                    return None  # navl raises its TypeError
                runnable.append((key, with_arity))
            phases.append(_with_indexed_extras(runnable))
        plan.phases = phases
        return plan


def _with_indexed_extras(phase: list[tuple[FlatKey, list[tuple[Callable[..., Any], int]]]]
                         ) -> list[tuple[FlatKey, list[tuple[Callable[..., Any], int]]]]:
    """The phase with convert_from_extras run on an index of the extras (arity 0 marks it), up
    to the first validator that might change other keys of the data; CKAN's function after."""
    indexed = []
    for position, (key, converters) in enumerate(phase):
        if key[0] == "extras" or any(nargs == 4 and converter not in OWN_KEY_ONLY
                                     and converter is not _not_empty_untranslated for converter, nargs in converters):
            return indexed + phase[position:]
        indexed.append((key, [(converter, 0 if converter is convert_from_extras else nargs)
                              for converter, nargs in converters]))
    return indexed


class _ExtrasIndex:
    """convert_from_extras for one dataset without its scan of the whole data at every call: the
    extras' ("extras", n, "key") entries, indexed once by their value. Same result as CKAN's:
    the first entry (in the data's order) whose key is the field's name gives the value, then
    every ("extras", n, ...) entry of that n is removed."""

    def __init__(self, data: dict[FlatKey, Any]) -> None:
        self.data = data
        self.usable: bool | None = None  # built at the first call
        self.by_name: dict[str, list[FlatKey]] = defaultdict(list)
        self.by_number: dict[Any, list[FlatKey]] = {}
        self.bare_extras = False  # an ("extras",) key: CKAN's removal fails on it, so let it

    def convert(self, key: FlatKey, data: dict[FlatKey, Any], errors: Any, context: Any) -> None:
        if self.usable is None:
            self.usable = self._build()
        if not self.usable:
            convert_from_extras(key, data, errors, context)
            return
        for data_key in self.by_name.get(key[-1], ()):
            if data.get(data_key, df.missing) == key[-1]:
                if self.bare_extras:
                    convert_from_extras(key, data, errors, context)
                    return
                data[key] = data[("extras", data_key[1], "value")]
                for extras_key in self.by_number[data_key[1]]:
                    data.pop(extras_key, None)
                return

    def _build(self) -> bool:
        for data_key, value in self.data.items():
            if data_key[0] != "extras":
                continue
            if len(data_key) < 2:
                self.bare_extras = True
                continue
            self.by_number.setdefault(data_key[1], []).append(data_key)
            if data_key[-1] == "key":
                if type(value) is not str:
                    return False  # compared by CKAN with ==, whatever it is
                self.by_name[value].append(data_key)
        return True


def _arity(converter: Callable[..., Any]) -> int:
    code = getattr(converter, "__code__", None)
    return code.co_argcount if code is not None else -1


def _run(key: FlatKey, converters: list[tuple[Callable[..., Any], int]], data: dict[FlatKey, Any],
         errors: dict[FlatKey, list[str]], context: Any, extras: _ExtrasIndex) -> None:
    """navl's convert() for each of a key's validators, until one raises StopOnError."""
    for converter, nargs in converters:
        try:
            if nargs == 4:
                converter(key, data, errors, context)
            elif nargs == 0:
                extras.convert(key, data, errors, context)
            elif nargs == 1:
                data[key] = converter(data.get(key))
            else:
                data[key] = converter(data.get(key), context)
        except df.StopOnError:
            return
        except df.Invalid as error:
            errors[key].append(error.error)
