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
              help="Processes building documents and sending them to Solr (default: the number of CPUs, at most 4)")
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


def _site_user() -> str:
    return tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]


@thgov.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--org", required=True, help="The organization (id or name) the datasets belong to")
@click.option("--dry-run", is_flag=True, help="Only check the file and print the report; write nothing")
@click.option("--user", default=None, help="Write as this user (default: the site user)")
def import_catalog(file: str, org: str, dry_run: bool, user: str | None) -> None:
    """Import an organization's catalogue spreadsheet (XLSX or CSV): every problem is listed
    per row first; with any error nothing is written. Runs here, not in a worker."""
    import time
    from pathlib import Path

    from ckanext.thgov import catalog

    organization = catalog.organization(org)
    user = user or _site_user()
    started = time.perf_counter()
    run = catalog.start_check(organization, user, Path(file).name, Path(file).read_bytes(), dry_run=True,
                              background=False)
    checked = time.perf_counter() - started
    import_id = run.id
    for issue in run.as_dict()["issues"]:
        where = ":".join(str(p) for p in (issue["sheet"], issue["row"]) if p is not None)
        column = f" [{issue['column']}]" if issue["column"] else ""
        value = f" {issue['value']!r}" if issue["value"] else ""
        click.echo(f"{issue['level']} {where}{column}{value}: {issue['message_th']} / {issue['message_en']}")
    click.echo(f"checked {run.total} rows in {checked:.1f}s: {run.error_count} errors ({run.id})")
    if run.status != "checked":
        raise click.exceptions.Exit(1)
    if dry_run:
        return
    started = time.perf_counter()
    catalog.queue_here(import_id)
    outcome = catalog.import_catalog(import_id, user)
    from ckan import model
    from ckanext.thgov.model import CatalogImport

    model.Session.remove()
    result = CatalogImport.get(import_id)
    click.echo(f"{outcome}: {result.created_count} created, {result.updated_count} updated "
               f"in {time.perf_counter() - started:.1f}s")
    if outcome != "done":
        raise click.exceptions.Exit(1)


@thgov.command("export")
@click.option("--org", required=True, help="The organization (id or name)")
@click.option("--format", "file_format", type=click.Choice(["xlsx", "csv"]), default="xlsx")
@click.option("--output", "-o", type=click.Path(dir_okay=False), required=True)
def export_catalog(org: str, file_format: str, output: str) -> None:
    """Export an organization's catalogue (private datasets included) in the import template."""
    from pathlib import Path

    from ckanext.thgov import catalog

    content = catalog.export(catalog.organization(org), _site_user(), file_format)
    Path(output).write_bytes(content)
    click.echo(f"wrote {output} ({len(content):,} bytes)")
