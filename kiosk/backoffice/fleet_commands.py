"""`flask --app kiosk fleet ...`: the operator's register of kiosks at a back office.

add, revoke, rotate and list (kiosk_register.py does the work). A new key is printed once,
with the kiosk.ini lines the kiosk's operator pastes; nothing prints a key again. status
prints the fleet page's table (fleet.py does the work).
"""
import click
from flask import current_app
from flask.cli import AppGroup

from ..times import local_text
from .fleet import reason_text
from .kiosk_register import ACCEPTED, PREVIOUS, RETIRED, KioskRegister, RegisterError

PLACEHOLDER = "https://BACK-OFFICE"   # where --url was not given


@click.group("fleet", cls=AppGroup)
def fleet_group():
    """The kiosks that post to this back office, each with its own signing key."""


def register():
    return KioskRegister(current_app.extensions["kiosk"].backoffice_database)


def _changing(change, *arguments):
    """Run a register change; its refusal is one line for the operator, not a traceback."""
    try:
        return change(*arguments)
    except RegisterError as error:
        raise click.ClickException(str(error)) from None


URL_OPTION = click.option(
    "--url", default="", metavar="ADDRESS",
    help="This back office's address as kiosks reach it (https://backoffice.example.gov), "
         "to fill in the kiosk.ini lines.")


@fleet_group.command("add")
@click.argument("kiosk_id")
@click.option("--name", required=True, help="What clerks call the kiosk (\"Community centre 2\").")
@URL_OPTION
def fleet_add_command(kiosk_id, name, url):
    """Register kiosk KIOSK_ID (its kiosk.ini [kiosk] id) and print its signing key, once."""
    was_empty = register().is_empty()
    secret = _changing(register().add, kiosk_id, name)
    click.echo(f"Kiosk {kiosk_id} ({' '.join(name.split())}) is registered. Its signing key is "
               f"shown only this once.")
    _echo_kiosk_ini(kiosk_id, secret, url)
    click.echo(f"Then restart kiosk {kiosk_id}.")
    if was_empty:
        click.echo("This is the first registered kiosk: from now on this back office refuses "
                   "the shared [handoff] secret; register every kiosk that posts here.")


@fleet_group.command("rotate")
@click.argument("kiosk_id")
@URL_OPTION
def fleet_rotate_command(kiosk_id, url):
    """Give kiosk KIOSK_ID a new signing key (printed once). Its old key stays accepted
    until the kiosk signs with the new one, so nothing it has queued is refused."""
    secret = _changing(register().rotate, kiosk_id)
    click.echo(f"Kiosk {kiosk_id} has a new signing key, shown only this once.")
    _echo_kiosk_ini(kiosk_id, secret, url, only_secret=True)
    click.echo(f"Then restart kiosk {kiosk_id}. Its old key is accepted until its first "
               f"request signed with the new one; `fleet list` shows when it has switched.")


@fleet_group.command("revoke")
@click.argument("kiosk_id")
def fleet_revoke_command(kiosk_id):
    """Refuse kiosk KIOSK_ID from now on (a stolen or retired machine). Its keys are
    wiped; its id is not given again."""
    _changing(register().revoke, kiosk_id)
    click.echo(f"Kiosk {kiosk_id} is revoked: every request it signs is refused (401) and "
               f"logged. What it has not delivered stays on that kiosk, as dead letters.")


@fleet_group.command("list")
def fleet_list_command():
    """Every registered kiosk with its keys' states (never the keys themselves)."""
    kiosks = register().kiosks()
    if not kiosks:
        click.echo("No kiosks registered: this back office takes the shared [handoff] secret. "
                   "`flask --app kiosk fleet add ID --name NAME` registers the first.")
    for kiosk in kiosks:
        click.echo(f"{kiosk['id']}\t{kiosk['name']}\t{_state(kiosk)}")


def _state(kiosk):
    if kiosk["revoked"]:
        return f"revoked {_minute(kiosk['revoked'])}"
    keys = [_key(key) for key in kiosk["keys"] if key["state"] in ACCEPTED]
    retired = sum(key["state"] == RETIRED for key in kiosk["keys"])
    return "; ".join(keys + ([f"{retired} retired"] if retired else [])) or "no key"


def _key(key):
    if key["state"] == PREVIOUS:
        return f"key {key['key_id']} previous (accepted until the kiosk switches)"
    return f"key {key['key_id']} current since {_minute(key['created'])}"


def _minute(iso):
    return iso[:16].replace("T", " ") + "Z"


def _echo_kiosk_ini(kiosk_id, secret, url, only_secret=False):
    base = (url or PLACEHOLDER).rstrip("/")
    click.echo(f"\nPaste into kiosk {kiosk_id}'s kiosk.ini"
               + ("" if url or only_secret else f" (with this back office's address for "
                                                   f"{PLACEHOLDER}, or give --url)") + ":\n")
    if not only_secret:
        click.echo(f"[kiosk]\nid = {kiosk_id}\n")
    click.echo("[handoff]")
    if not only_secret:
        click.echo("target = http")
    click.echo(f"secret = {secret}\n")
    if not only_secret:     # ratings, calls, heartbeats and the catalogue go beside it
        click.echo(f"[handoff.http]\nurl = {base}/backoffice/api/submissions\n")


@fleet_group.command("status")
def fleet_status_command():
    """Every kiosk's state (ok, warning, down), why, and when it was last heard, worst first."""
    kiosk = current_app.extensions["kiosk"]
    kiosks = kiosk.fleet.kiosks()
    if not kiosks:
        click.echo("No kiosk has sent a heartbeat yet, and none is in the register.")
        return
    rows = [(item["kiosk_id"], item["name"], item["state"],
             local_text(item["received"], kiosk.settings.time_zone) if item["received"]
             else "never",
             "; ".join(reason_text(reason) for reason in item["reasons"]) or "-")
            for item in kiosks]
    header = ("kiosk", "name", "state", "last heard", "why")
    widths = [max(len(row[column]) for row in [header, *rows]) for column in range(4)]
    for row in [header, *rows]:
        click.echo("  ".join(value.ljust(width) for value, width in zip(row, widths))
                   + "  " + row[4])
    down = sum(item["state"] == "down" for item in kiosks)
    warning = sum(item["state"] == "warning" for item in kiosks)
    click.echo(f"{len(kiosks)} kiosks: {down} down, {warning} warning, "
               f"{len(kiosks) - down - warning} ok")
