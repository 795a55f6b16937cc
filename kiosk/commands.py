"""Operator commands: `flask --app kiosk <command>`. Thin wrappers over the services."""
import click
from flask import current_app


def init_app(app):
    app.cli.add_command(catalogue_command)


@click.command("catalogue")
def catalogue_command():
    """Check the catalogue named in kiosk.ini and list its packages."""
    services = current_app.extensions["kiosk"]
    catalogue = services.catalogue
    click.echo(f"{services.settings.catalogue_path}: valid")
    click.echo(f"{len(catalogue.packages)} packages, {len(catalogue.items)} items, "
               f"{len(catalogue.fields)} form fields, {len(catalogue.documents)} documents")
    for package in catalogue.packages_in_order():
        click.echo(f"  {package.key}: {package.title['zh']} / {package.title['en']} "
                   f"({len(package.items)} items)")
