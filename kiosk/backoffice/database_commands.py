"""`flask --app kiosk backoffice database`: where the back office keeps its tables, and at
which migration. Starting the app (this command included) upgrades the schema first."""
import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.engine import make_url

from .database import latest_revision

backoffice_group = AppGroup("backoffice", help="The back office's own database.")


@backoffice_group.command("database")
def database_command():
    """Say which database the back office uses (password hidden) and its migration."""
    database = current_app.extensions["kiosk"].backoffice_database
    url = make_url(database.url).render_as_string(hide_password=True)
    click.echo(f"{database.dialect}: {url}")
    click.echo(f"schema at migration {database.revision()} (the newest this code knows: "
               f"{latest_revision()})")
