"""Operator commands: `flask --app kiosk <command>`. Thin wrappers over the services."""
import os

import click
from flask import current_app
from flask.cli import AppGroup


def init_app(app):
    app.cli.add_command(catalogue_command)
    app.cli.add_command(speech_group)


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


@click.group("speech", cls=AppGroup)
def speech_group():
    """Read aloud: the speech cache."""


@speech_group.command("warm")
@click.option("--processes", type=click.IntRange(1, 64), default=None,
              help="How many engines to run at once (default: one per core).")
def speech_warm_command(processes):
    """Synthesise every prompt in every language now, so no resident waits."""
    import time

    from .prompts import speech_jobs
    from .speech import warm_in_processes
    processes = processes or os.cpu_count() or 1
    services = current_app.extensions["kiosk"]
    speech = services.speech
    if not speech.available():
        raise click.ClickException("speech is not available on this kiosk: "
                                   f"{speech.engine.error if speech.engine else 'disabled in kiosk.ini'}")
    jobs = list(speech_jobs(services.prompts))
    started = time.perf_counter()
    click.echo(f"Synthesising {len(jobs)} prompts with {processes} processes...")
    made = warm_in_processes(speech.settings, jobs, processes)
    speech.cache.recount()
    click.echo(f"{made} prompts synthesised, {len(jobs) - made} already cached, "
               f"in {time.perf_counter() - started:.1f} s; cache {speech.cache.size / 1e6:.1f} MB")
