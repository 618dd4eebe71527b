"""`ckan thgov ...` commands."""

from __future__ import annotations

from importlib import resources

import click
import yaml

import ckan.plugins.toolkit as tk

__all__ = ["thgov"]


@click.group(short_help="Thai government open data portal commands")
def thgov() -> None:
    pass


@thgov.command("create-categories")
def create_categories() -> None:
    """Create the Thai GDC dataset categories as groups; existing ones are updated, never duplicated."""
    categories = yaml.safe_load(
        resources.files("ckanext.thgov.schemas").joinpath("gdc_categories.yaml").read_text(encoding="utf-8")
    )
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    context = {"user": site_user["name"], "ignore_auth": True}
    for category in categories:
        try:
            existing = tk.get_action("group_show")(dict(context), {"id": category["name"]})
        except tk.ObjectNotFound:
            tk.get_action("group_create")(dict(context), dict(category))
            click.echo(f"created {category['name']}: {category['title']}")
            continue
        tk.get_action("group_patch")(dict(context), dict(category, id=existing["id"]))
        click.echo(f"updated {category['name']}: {category['title']}")
