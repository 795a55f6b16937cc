"""`flask --app kiosk catalogue publish FILE | versions | rollback`: the district's
catalogue, as the operator's upload page manages it. Thin wrappers over
kiosk.backoffice.publishing."""
import getpass
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from .backoffice.publishing import MAX_CATALOGUE_BYTES, PublishRefused
from .commands import catalogue_command


def _versions():
    return current_app.extensions["distribution"].versions


def _operator():
    """Who publishes from the command line: the machine's user, as the log will say."""
    try:
        return f"{getpass.getuser()} (command line)"
    except (KeyError, OSError):
        return "command line"


@catalogue_command.command("publish")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def catalogue_publish_command(file):
    """Check FILE as a kiosk checks its catalogue at start-up, and publish it to every kiosk."""
    with file.open("rb") as handle:
        data = handle.read(MAX_CATALOGUE_BYTES + 1)
    try:
        version = _versions().publish(data, _operator(), source=str(file))
    except PublishRefused as error:
        raise click.ClickException(f"not published: {error}") from None
    click.echo(f"Published {file} as catalogue version {version}. Kiosks take it within their "
               "[handoff] pull_seconds, each between two residents.")


@catalogue_command.command("versions")
@with_appcontext
def catalogue_versions_command():
    """List the published versions, newest first, and which one stands."""
    versions = _versions().versions()
    if not versions:
        click.echo("No catalogue has been published: every kiosk uses its kiosk.ini file. "
                   "Publish one: flask --app kiosk catalogue publish FILE")
        return
    standing = next((row["version"] for row in versions if not row["withdrawn"]), None)
    for row in versions:
        state = ("in use" if row["version"] == standing else
                 f"withdrawn {row['withdrawn']} by {row['withdrawn_by']}" if row["withdrawn"]
                 else "kept for rollback")
        click.echo(f"  {row['version']:>4}  {row['published']}  {row['published_by']}  "
                   f"{row['sha256'][:12]}  {state}")


@catalogue_command.command("rollback")
@with_appcontext
def catalogue_rollback_command():
    """Withdraw the version in use, so the one before it stands again on every kiosk."""
    try:
        withdrawn, standing = _versions().rollback(_operator())
    except PublishRefused as error:
        raise click.ClickException(f"nothing rolled back: {error}") from None
    click.echo(f"Version {withdrawn} is withdrawn; version {standing} stands again. Kiosks "
               "go back to it within their [handoff] pull_seconds, between residents.")
