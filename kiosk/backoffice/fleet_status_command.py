"""`flask --app kiosk fleet status`: the fleet page's table on the command line.

A group of its own for now: the register's commands (`fleet add/revoke/rotate/list`) are
made elsewhere, and `status` is one function, easy to move into their group.
"""
import click
from flask import current_app
from flask.cli import AppGroup

from ..times import local_text
from .fleet import reason_text

fleet_group = AppGroup("fleet", help="The district's kiosks: their register and health.")


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


def init_app(app):
    app.cli.add_command(fleet_group)
