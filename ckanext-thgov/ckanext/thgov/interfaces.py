"""Extension points of ckanext-thgov."""

from __future__ import annotations

from ckan.plugins.interfaces import Interface

from thgov_validators.classification import Condition


class IThgovDisclosure(Interface):
    """Add conditions that a dataset must meet before it may be public.

    A condition is ``f(dataset_dict, RuleContext) -> iterable of Failure`` (see
    ``thgov_validators.classification``); each failure carries Thai and English messages.
    """

    def thgov_disclosure_conditions(self) -> list[Condition]:
        return []
