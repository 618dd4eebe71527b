"""The content of the action API page (/api-docs): each extension action's docstring (its English
purpose and parameters) merged with api_docs.yaml (Thai, who may call it, errors, tested examples).

The page, the registry test and the example test all read ``action_docs()``, so what the page shows
is what is tested, and an action added to logic/action.py appears on the page at once.
"""

from __future__ import annotations

import functools
import inspect
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Callable

import yaml

PARAM = re.compile(r"^:param (\w+):\s*(.*)$")


@dataclass(frozen=True)
class Param:
    name: str
    en: str
    th: str


@dataclass(frozen=True)
class Example:
    role: str  # anonymous, editor, admin or sysadmin: whose API token $CKAN_TOKEN is
    curl: str
    ckanapi: str
    expect: dict[str, Any]
    state: str = ""
    then: dict[str, Any] = field(default_factory=dict)
    title: dict[str, str] = field(default_factory=dict)  # what the example shows, in th and en

    @property
    def status(self) -> int:
        return int(self.expect.get("status", 200))


@dataclass(frozen=True)
class ActionDoc:
    name: str
    en: str
    th: str
    params: tuple[Param, ...] = ()
    auth: dict[str, str] = field(default_factory=dict)
    errors: tuple[dict[str, Any], ...] = ()
    examples: tuple[Example, ...] = ()
    chained: bool = False  # a core action whose behaviour the extension changes
    documented: bool = True  # has an entry in api_docs.yaml

    def text(self, lang: str) -> str:
        return self.th if lang == "th" and self.th else self.en

    def auth_text(self, lang: str) -> str:
        return self.auth.get(lang) or self.auth.get("en", "")


def parse_docstring(doc: str | None) -> tuple[str, dict[str, str]]:
    """The first paragraph of a docstring, and its ``:param name: text`` entries (continued on
    indented lines)."""
    lines = inspect.cleandoc(doc or "").splitlines()
    summary: list[str] = []
    params: dict[str, str] = {}
    current = None
    in_summary = True
    for line in lines:
        match = PARAM.match(line.strip())
        if match:
            in_summary = False
            current = match.group(1)
            params[current] = match.group(2).strip()
        elif current and line.startswith((" ", "\t")) and line.strip():
            params[current] += " " + line.strip()
        elif not line.strip():
            in_summary = in_summary and not summary
            current = None
        elif in_summary:
            summary.append(line.strip())
    return " ".join(summary), params


@functools.cache
def registry() -> dict[str, Any]:
    text = resources.files("ckanext.thgov").joinpath("api_docs.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def _examples(entry: dict[str, Any]) -> tuple[Example, ...]:
    return tuple(
        Example(role=e.get("as", "anonymous"), curl=e["curl"], ckanapi=e["ckanapi"], expect=e.get("expect", {}),
                state=e.get("state", ""), then=e.get("then", {}), title=e.get("title", {}))
        for e in entry.get("examples") or []
    )


def document(name: str, function: Callable[..., Any]) -> ActionDoc:
    en, en_params = parse_docstring(function.__doc__)
    entry = registry()["actions"].get(name)
    if entry is None:
        return ActionDoc(name=name, en=en, th="", documented=False,
                         params=tuple(Param(p, text, "") for p, text in en_params.items()))
    th_params = entry.get("params") or {}
    names = list(en_params) + [p for p in th_params if p not in en_params]
    return ActionDoc(
        name=name, en=en, th=entry.get("th", ""),
        params=tuple(Param(p, en_params.get(p, ""), th_params.get(p, "")) for p in names),
        auth=entry.get("auth") or {}, errors=tuple(entry.get("errors") or ()), examples=_examples(entry),
        chained=bool(entry.get("core")),
    )


def action_docs() -> list[ActionDoc]:
    """Every action the plugin registers (logic.action.__all__, what tk.blanket.actions reads)."""
    from ckanext.thgov.logic import action

    return [document(name, getattr(action, name)) for name in action.__all__]


def core_action_docs() -> list[ActionDoc]:
    return [
        ActionDoc(name=name, en=entry["en"], th=entry["th"], examples=_examples(entry))
        for name, entry in registry()["core_actions"].items()
    ]


def problems() -> list[str]:
    """What makes the page incomplete: actions with no entry, parameters the docstring and the
    registry disagree on, and missing parts."""
    found = []
    for doc in action_docs():
        if not doc.documented:
            found.append(f"{doc.name}: no entry in api_docs.yaml")
            continue
        for param in doc.params:
            if not param.en:
                found.append(f"{doc.name}: parameter {param.name} is not in the docstring")
            if not param.th:
                found.append(f"{doc.name}: parameter {param.name} has no Thai in api_docs.yaml")
        for part, value in (("purpose (docstring)", doc.en), ("Thai purpose", doc.th),
                            ("auth.en", doc.auth.get("en")), ("auth.th", doc.auth.get("th")),
                            ("examples", doc.examples)):
            if not value:
                found.append(f"{doc.name}: no {part}")
        for example in doc.examples:
            if example.title and not (example.title.get("th") and example.title.get("en")):
                found.append(f"{doc.name}: an example title needs th and en")
        if not any(e.status == 200 for e in doc.examples):
            found.append(f"{doc.name}: no example of a successful call")
    return found


@dataclass(frozen=True)
class Step:
    th: str
    en: str
    commands: str

    def text(self, lang: str) -> str:
        return self.th if lang == "th" else self.en


def catalogue_copy_steps() -> list[Step]:
    """Copying the public catalogue into another portal with ckanapi, step by step."""
    return [Step(**step) for step in registry()["catalogue_copy"]]
