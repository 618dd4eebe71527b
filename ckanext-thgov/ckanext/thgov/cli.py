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


@thgov.group("search-index", short_help="Rebuild the search index in batches, or check it")
def search_index() -> None:
    pass


@search_index.command("rebuild")
@click.option("--batch-size", default=500, show_default=True, type=click.IntRange(1, 10000),
              help="Datasets read and sent to Solr together")
@click.option("--workers", type=click.IntRange(1, 16), default=None,
              help="Processes building documents (default: the number of CPUs, at most 4)")
@click.option("--quiet", is_flag=True, help="No progress line")
def search_index_rebuild(batch_size: int, workers: int | None, quiet: bool) -> None:
    """Reindex every dataset in batches; the live index keeps answering until the one commit at the end."""
    from ckanext.thgov import search_index as bulk

    def progress(done: int, total: int) -> None:
        if not quiet:
            click.echo(f"\rIndexed {done}/{total}", nl=False)

    result = bulk.rebuild(batch_size=batch_size, progress=progress, workers=workers)
    if not quiet:
        click.echo()
    for dataset_id, error in result.failed.items():
        click.echo(f"failed {dataset_id}: {error}", err=True)
    click.echo(f"indexed {result.indexed} datasets in {result.seconds:.1f} s ({result.rate:.0f}/s); "
               f"removed {result.removed} old documents; {len(result.failed)} failed")
    if result.failed:
        raise SystemExit(1)


@search_index.command("check")
@click.option("--limit", default=20, show_default=True, help="Names listed per kind of problem")
def search_index_check(limit: int) -> None:
    """Report datasets missing from the index, stale in it (metadata_modified differs) and orphan documents."""
    from ckanext.thgov import search_index as bulk

    result = bulk.check()
    click.echo(f"{result.in_database} datasets in the database, {result.in_index} in the index")
    for kind, names in (("missing", result.missing), ("stale", result.stale), ("orphan", result.orphans)):
        click.echo(f"{kind}: {len(names)}")
        for name in names[:limit]:
            click.echo(f"  {name}")
    if not result.ok:
        raise SystemExit(1)
