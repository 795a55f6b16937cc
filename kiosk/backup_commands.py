"""`flask --app kiosk backup now | list | restore FILE`: thin wrappers over kiosk.backup.

The commands read only the settings, never the running services, so they also work as
`python -m kiosk.backup_commands restore FILE` when the database is too damaged for the
kiosk (and so `flask --app kiosk`) to start.
"""
import time

import click
from flask.cli import ScriptInfo

from . import backup as backups_
from .errors import BackupError, KioskError
from .roles import for_role, is_central
from .settings import load_settings

MEGABYTE = 1e6


@click.group("backup")
def backup_group():
    """Backups of the kiosk's database (README "Backups and restore")."""


def _settings():
    """The settings of the app `flask --app kiosk` names, or kiosk.ini's on their own."""
    info = click.get_current_context().find_object(ScriptInfo)
    try:
        if info is not None:
            return info.load_app().extensions["kiosk"].settings
        return for_role(load_settings())
    except KioskError as error:
        raise click.ClickException(str(error)) from None


def _postgres_note(settings):
    """What this command cannot back up: a back office on PostgreSQL. Refuses outright on a
    central back office, whose data is all there."""
    url = settings.backoffice_database
    if not url.startswith("postgres"):
        return
    where = url.split("@")[-1]      # no password in the message
    advice = (f"the back office's data is in PostgreSQL ({where}): back it up with pg_dump "
              "(pg_dump --format=custom), not with this command, which copies SQLite files")
    if is_central(settings):
        raise click.ClickException(f"this is a central back office: {advice}")
    click.echo(f"Note: {advice}.")


def _age(backup):
    hours = (backups_.utc_now() - backup.taken).total_seconds() / 3600
    return f"{hours:.1f} hours" if hours < 48 else f"{hours / 24:.1f} days"


@backup_group.command("now")
def backup_now_command():
    """Back up the database now (while the kiosk runs), then delete backups older than
    [backup] keep_days."""
    settings = _settings()
    _postgres_note(settings)
    started = time.perf_counter()
    try:
        made = backups_.take_backup(settings.database_path, settings.backup.folder)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backed up {settings.database_path} to {made.path} "
               f"({made.size / MEGABYTE:.1f} MB, checked, in {time.perf_counter() - started:.1f} s).")
    deleted = backups_.prune(settings.backup.folder, settings.backup.keep_days)
    kept = len(backups_.backups(settings.backup.folder))
    click.echo(f"{len(deleted)} older than {settings.backup.keep_days} days deleted; "
               f"{kept} kept in {settings.backup.folder}.")


@backup_group.command("list")
def backup_list_command():
    """The backups, newest first, with their size and age."""
    settings = _settings()
    _postgres_note(settings)
    found = backups_.backups(settings.backup.folder)
    if not found:
        click.echo(f"No backups in {settings.backup.folder} yet: make one with "
                   "`flask --app kiosk backup now`.")
        return
    for backup in found:
        click.echo(f"{backup.path}\t{backup.size / MEGABYTE:.1f} MB\t{_age(backup)} old")


@backup_group.command("restore")
@click.argument("file", type=click.Path(path_type=str))
def backup_restore_command(file):
    """Replace the database by the backup FILE (the kiosk stopped first); the database it
    replaces is kept beside it as kiosk.db.before-restore-YYYYMMDD-HHMMSS."""
    settings = _settings()
    _postgres_note(settings)
    started = time.perf_counter()
    try:
        contents, kept = backups_.restore(file, settings.database_path)
    except (BackupError, OSError) as error:
        raise click.ClickException(f"nothing restored: {error}") from None
    newest = contents.newest_submission or "none"
    click.echo(f"Restored {file} into {settings.database_path} in "
               f"{time.perf_counter() - started:.1f} s: {contents.submissions} submissions, "
               f"the newest made {newest}.")
    if kept:
        click.echo(f"The database it replaced is kept as {kept}.")
    click.echo("Start the kiosk again (systemctl start kiosk-server kiosk-handoff, or "
               "make run): submissions still waiting in the backup are handed off again, and "
               "the back office keeps each reference once.")


if __name__ == "__main__":
    backup_group(prog_name="python -m kiosk.backup_commands")
