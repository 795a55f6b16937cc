"""Operator commands: `flask --app kiosk <command>`. Thin wrappers over the services."""
import os

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from .settings import LANGUAGES


def init_app(app):
    app.cli.add_command(catalogue_command)
    app.cli.add_command(speech_group)
    app.cli.add_command(voice_group)
    app.cli.add_command(signs_group)
    app.cli.add_command(staff_group)
    app.cli.add_command(handoff_group)
    app.cli.add_command(purge_command)


@click.command("catalogue")
@with_appcontext
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


@click.group("voice", cls=AppGroup)
def voice_group():
    """Voice input: the Vosk models."""


@voice_group.command("list")
def voice_list_command():
    """Show which language has a voice model, where it is, and whether it loads."""
    voice = current_app.extensions["kiosk"].voice
    for language in voice.status():
        voice.verify(language)  # a few seconds a model, in a separate process
    labels = {"installed": "installed", "missing": "missing  ", "failed": "failed to load"}
    for language, model in voice.status().items():
        reason = f": {model.reason}" if model.reason else ""
        click.echo(f"{language}: {labels[model.state]} {model.where}{reason}")


@voice_group.command("install")
@click.argument("source")
@click.option("--lang", "language", type=click.Choice(LANGUAGES), required=True,
              help="The language the model is for.")
@click.option("--sha256", default=None, help="The expected SHA-256 of the zip file.")
def voice_install_command(source, language, sha256):
    """Install a Vosk model from a zip file, a folder or a URL."""
    from .voice_install import InstallError, install_model
    services = current_app.extensions["kiosk"]
    configured = services.settings.voice.models.get(language)
    try:
        target = install_model(source, language, services.settings.voice.models_dir, sha256)
    except InstallError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Installed the {language} model in {target}")
    if configured:
        click.echo(f"Note: kiosk.ini sets {language}_model = {configured}; empty it to use "
                   "the installed model.")


@click.group("signs", cls=AppGroup)
def signs_group():
    """Sign language: the clip library."""


@signs_group.command("coverage")
@click.option("--min", "minimum", type=click.FloatRange(0, 100), default=None,
              help="Exit with an error when a sign language has recorded clips for fewer "
                   "than this percentage of prompts.")
def signs_coverage_command(minimum):
    """Per sign language: prompts with recorded clips, with only a sample, with nothing."""
    services = current_app.extensions["kiosk"]
    keys = services.prompts.keys()
    short = []
    for language, sign_language in services.settings.signs.sign_languages.items():
        report = services.signs.coverage(keys, sign_language)
        percent = 100 * len(report["recorded"]) / len(keys)
        click.echo(f"{sign_language} ({language}): {len(report['recorded'])} recorded "
                   f"({percent:.1f}%), {len(report['sample'])} sample only, "
                   f"{len(report['missing'])} nothing, of {len(keys)} prompts")
        for status in ("sample", "missing"):
            if report[status]:
                listed = ", ".join(report[status][:12])
                more = f" and {len(report[status]) - 12} more" if len(report[status]) > 12 else ""
                click.echo(f"  {status}: {listed}{more}")
        if minimum is not None and percent < minimum:
            short.append(sign_language)
    for problem in services.signs.problems:
        click.echo(f"manifest: {problem}", err=True)
    if short:
        raise click.ClickException(f"below {minimum:g}% recorded: {', '.join(short)}")


@click.group("staff", cls=AppGroup)
def staff_group():
    """Staff accounts for the hall's own pages."""


@staff_group.command("add")
@click.argument("name")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from standard input instead of asking for it.")
def staff_add_command(name, password_stdin):
    """Create a staff account (or set a new password). The password is asked for twice,
    never taken on the command line, where other users and the shell history would see it."""
    from .backoffice.staff import StaffError
    if password_stdin:
        password = click.get_text_stream("stdin").readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        current_app.extensions["kiosk"].staff.add(name, password)
    except StaffError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Staff account {name} is ready.")


@click.group("handoff", cls=AppGroup)
def handoff_group():
    """Hand-off of submissions to the back office."""


@handoff_group.command("run")
@click.option("--once", is_flag=True, help="One pass over what is due, then stop.")
def handoff_run_command(once):
    """Deliver pending submissions (runs until stopped; `make run` does this by itself)."""
    from .background import deliver_forever
    services = current_app.extensions["kiosk"]
    if once:
        click.echo(f"{services.outbox.deliver_due()} delivered")
        return
    click.echo(f"Delivering to the {services.outbox.target.name} target; Ctrl+C stops.")
    deliver_forever(services)


@handoff_group.command("status")
def handoff_status_command():
    """Pending, delivered and dead-letter counts, and the oldest pending age."""
    status = current_app.extensions["kiosk"].outbox.status()
    age = status["oldest_pending_seconds"]
    click.echo(f"pending: {status['pending']}  delivered: {status['delivered']}  "
               f"dead: {status['dead']}  oldest pending: "
               f"{'-' if age is None else f'{age / 60:.1f} minutes'}")
    for row in current_app.extensions["kiosk"].store.db.query(
            "select reference, last_error from outbox where status = 'dead' order by id"):
        click.echo(f"  dead {row['reference']}: {row['last_error']}")


@handoff_group.command("retry")
@click.argument("reference", required=False)
@click.option("--all", "everything", is_flag=True, help="Retry every dead letter.")
def handoff_retry_command(reference, everything):
    """Put a dead letter (REF, or --all) back in the queue."""
    if not reference and not everything:
        raise click.UsageError("name a reference, or say --all")
    count = current_app.extensions["kiosk"].outbox.retry(None if everything else reference)
    if reference and not count:
        raise click.ClickException(f"{reference} is not a dead letter")
    click.echo(f"{count} back in the queue")


@click.command("purge")
@with_appcontext
def purge_command():
    """Forget the answers of submissions delivered longer ago than kiosk.ini keeps them."""
    services = current_app.extensions["kiosk"]
    days = services.settings.handoff.purge_after_days
    count = services.outbox.purge(days)
    click.echo(f"answers of {count} submissions delivered over {days} days ago purged")
