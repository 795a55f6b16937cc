"""Operator commands: `flask --app kiosk <command>`. Thin wrappers over the services.

Every long command shows its progress and ends by saying what to do next."""
import contextlib
import sys
import time

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from .backoffice.database_commands import backoffice_group
from .backoffice.fleet_commands import fleet_group
from .backoffice.staff import ROLES
from .settings import LANGUAGES
from .readiness import signs_to_record, unspoken_prompts

# How to restart the kiosk: the catalogue and the voice models are read as it starts.
RESTART = ("stop `make run` (Ctrl+C) and start it again, or `systemctl restart` the kiosk's "
           "service where it runs as one")
EXAMPLE_KEYS = 5   # prompt keys named where speech or a sign clip is missing


def init_app(app):
    from . import publishing_commands  # noqa: F401  (catalogue publish, versions, rollback)
    from .backup_commands import backup_group
    app.cli.add_command(catalogue_command)
    app.cli.add_command(speech_group)
    app.cli.add_command(voice_group)
    app.cli.add_command(signs_group)
    app.cli.add_command(staff_group)
    app.cli.add_command(handoff_group)
    app.cli.add_command(purge_command)
    app.cli.add_command(fleet_group)
    app.cli.add_command(backoffice_group)
    app.cli.add_command(backup_group)


@contextlib.contextmanager
def progress(label, length=None, unit="bytes"):
    """Yield `advance(count)` for a long step: a bar on a terminal; elsewhere (a log, a test)
    click shows only the label, so a line saying what was done follows at the end.
    `unit` is "bytes" (shown in MB) or a word for what is counted ("prompts")."""
    count = 0
    started = time.perf_counter()
    if length:
        # width=0: the bar fits the terminal, so a long label never wraps the line.
        bar = click.progressbar(length=length, label=label, show_eta=True, width=0,
                                show_pos=unit != "bytes", item_show_func=lambda _: (
                                    f"{_megabytes(count)} of {_megabytes(length)}"
                                    if unit == "bytes" else None))
    else:  # nothing to measure by (a download of unknown size, a load check)
        click.echo(f"{label}...")
        bar = contextlib.nullcontext()

    def advance(amount):
        nonlocal count
        count += amount
        if length:
            bar.update(amount)

    with bar:
        yield advance
    if not length or not sys.stdout.isatty():
        done = (_megabytes(count) if unit == "bytes" else f"{count} {unit}") if count else ""
        click.echo(f"  done: {done + ' ' if done else ''}in {time.perf_counter() - started:.1f} s")


def _megabytes(count):
    return f"{count / 1e6:.1f} MB"


def _echo_gaps(title, gaps):
    """`title`, then per language: how many prompt keys, and the first few of them."""
    click.echo(title)
    for language, keys in gaps.items():
        more = f" and {len(keys) - EXAMPLE_KEYS} more" if len(keys) > EXAMPLE_KEYS else ""
        click.echo(f"  {language}: {len(keys)} ({', '.join(keys[:EXAMPLE_KEYS])}{more})")


@click.group("catalogue", cls=AppGroup, invoke_without_command=True)
@click.pass_context
def catalogue_command(context):
    """Check the catalogue named in kiosk.ini, list its packages, and name the prompts that
    have no speech or sign-language clip yet; `publish`, `versions` and `rollback` manage
    the catalogue the centre gives every kiosk."""
    if context.invoked_subcommand is None:
        context.invoke(catalogue_check)


@with_appcontext
def catalogue_check():
    services = current_app.extensions["kiosk"]
    catalogue = services.catalogue
    click.echo(f"{services.settings.catalogue_path}: valid")
    click.echo(f"{len(catalogue.packages)} packages, {len(catalogue.items)} items, "
               f"{len(catalogue.fields)} form fields, {len(catalogue.documents)} documents")
    for package in catalogue.packages_in_order():
        click.echo(f"  {package.key}: {package.title['zh']} / {package.title['en']} "
                   f"({len(package.items)} item{'' if len(package.items) == 1 else 's'})")
    _echo_speech_gaps(services)
    _echo_sign_gaps(services)
    click.echo(f"After changing the catalogue, restart the kiosk to use it: {RESTART}.")


def _echo_speech_gaps(services):
    """Which prompts are not in the speech cache yet, and the command that makes them."""
    speech = services.speech
    if not speech.available():
        click.echo("Read aloud is not available on this kiosk: no speech to make.")
        return
    unspoken = unspoken_prompts(speech, services.prompts)
    if not unspoken:
        click.echo("Read aloud: every prompt is in the speech cache.")
        return
    _echo_gaps("Read aloud: prompts not in the speech cache yet, per language:", unspoken)
    click.echo("  Make them now: flask --app kiosk speech warm (the kiosk also does it as it "
               "starts, when [speech] warm_at_start is on)")


def _echo_sign_gaps(services):
    """Which prompts still need a sign-language clip, per sign language, and where to
    record them."""
    to_record = signs_to_record(services.signs, services.prompts, services.settings.signs)
    to_record = {sign_language: keys for sign_language, keys in to_record.items() if keys}
    if not to_record:
        click.echo("Sign language: every prompt has an up-to-date clip.")
        return
    _echo_gaps("Sign language: clips to record (no clip yet, or its wording changed), "
               "per sign language:", to_record)
    settings = services.settings
    click.echo(f"  Record them in the studio: http://{settings.host}:{settings.port}/studio "
               "(staff sign-in; `flask --app kiosk signs coverage` lists them all)")


@click.group("speech", cls=AppGroup)
def speech_group():
    """Read aloud: the speech cache."""


@speech_group.command("warm")
@click.option("--processes", type=click.IntRange(1, 64), default=None,
              help="How many engines to run at once (default: two per core).")
def speech_warm_command(processes):
    """Synthesise every prompt in every language now, so no resident waits."""
    from .prompts import speech_jobs
    from .speech import warm_in_processes, warm_processes
    processes = processes or warm_processes()
    services = current_app.extensions["kiosk"]
    speech = services.speech
    if not speech.available():
        raise click.ClickException("speech is not available on this kiosk: "
                                   f"{speech.engine.error if speech.engine else 'disabled in kiosk.ini'}")
    jobs = list(speech_jobs(services.prompts))
    started = time.perf_counter()
    engines = f"{processes} process{'es' if processes > 1 else ''}"
    with progress(f"Synthesising {len(jobs)} prompts with {engines}",
                  len(jobs), unit="prompts") as advance:
        made = warm_in_processes(speech.settings, jobs, processes, progress=advance)
    speech.cache.recount()
    click.echo(f"{made} prompts synthesised, {len(jobs) - made} already cached, "
               f"in {time.perf_counter() - started:.1f} s; cache {_megabytes(speech.cache.size)} "
               f"(kiosk.ini [speech] cache_max_mb = {speech.settings.cache_max_bytes >> 20})")
    unspoken = unspoken_prompts(speech, services.prompts)
    if unspoken:
        _echo_gaps("Prompts still not in the cache:", unspoken)
        raise click.ClickException("some prompts could not be made (the log above says why), "
                                   "or the cache is full: raise cache_max_mb and run this again")
    click.echo("Residents now hear every prompt at once, without waiting for it to be made; "
               "the running kiosk uses the cache as it is, no restart needed.")


@click.group("voice", cls=AppGroup)
def voice_group():
    """Voice input: the Vosk models."""


@voice_group.command("list")
def voice_list_command():
    """Show which language has a voice model, where it is, and whether it loads."""
    voice = current_app.extensions["kiosk"].voice
    languages = list(voice.status())
    with progress("Checking that each model loads (a few seconds each)",
                  len(languages), unit="languages") as advance:
        for language in languages:
            voice.verify(language)
            advance(1)
    labels = {"installed": "installed", "missing": "missing  ", "failed": "failed to load"}
    for language, model in voice.status().items():
        reason = f": {model.reason}" if model.reason else ""
        click.echo(f"{language}: {labels[model.state]} {model.where}{reason}")
    if any(model.state != "installed" for model in voice.status().values()):
        click.echo("Install a model with: flask --app kiosk voice install FILE.zip --lang LANGUAGE "
                   "(README: Installing the Chinese and English models).")
    else:
        click.echo("Every language has a voice model that loads.")


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
        target = install_model(source, language, services.settings.voice.models_dir, sha256,
                               progress=progress)
    except InstallError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Installed the {language} model in {target}.")
    if configured:
        click.echo(f"Note: kiosk.ini sets {language}_model = {configured}, so the kiosk does "
                   "not use this model yet: empty that setting, then restart the kiosk: "
                   f"{RESTART}.")
    else:
        click.echo(f"Restart the kiosk to load it: {RESTART}.")


@click.group("signs", cls=AppGroup)
def signs_group():
    """Sign language: the clip library."""


@signs_group.command("coverage")
@click.option("--min", "minimum", type=click.FloatRange(0, 100), default=None,
              help="Exit with an error when a sign language has up-to-date recorded clips "
                   "for fewer than this percentage of prompts.")
def signs_coverage_command(minimum):
    """Per sign language: what deaf residents see (a recorded clip, an outdated one, a
    sample, nothing; a shared template clip counts for each prompt built from it), and the
    clips still to record."""
    services = current_app.extensions["kiosk"]
    prompts, library = services.prompts, services.signs
    short = []
    for language, sign_language in services.settings.signs.sign_languages.items():
        wording = lambda key, language=language: prompts.text(key, language, "sign")  # noqa: E731
        report = library.coverage(prompts.keys(), sign_language, wording)
        seen = sum(len(keys) for keys in report.values())
        percent = 100 * len(report["recorded"]) / seen
        click.echo(f"{sign_language} ({language}): {len(report['recorded'])} recorded "
                   f"({percent:.1f}%), {len(report['outdated'])} outdated, "
                   f"{len(report['sample'])} sample only, {len(report['missing'])} nothing, "
                   f"of {seen} prompts")
        clips = library.coverage(prompts.recording_keys(), sign_language, wording)
        click.echo(f"  clips to record: {sum(len(keys) for keys in clips.values())} "
                   f"({len(clips['recorded'])} recorded and up to date)")
        for status in ("outdated", "sample", "missing"):
            if clips[status]:
                listed = ", ".join(clips[status][:12])
                more = f" and {len(clips[status]) - 12} more" if len(clips[status]) > 12 else ""
                click.echo(f"  {status}: {listed}{more}")
        if minimum is not None and percent < minimum:
            short.append(sign_language)
    for problem in library.problems:
        click.echo(f"manifest: {problem}", err=True)
    if short:
        raise click.ClickException(f"below {minimum:g}% recorded: {', '.join(short)}")


@click.group("staff", cls=AppGroup)
def staff_group():
    """Staff accounts for the hall's own pages."""


@staff_group.command("add")
@click.argument("name")
@click.option("--role", "roles", multiple=True, type=click.Choice(ROLES), default=["clerk"],
              show_default=True, help="What the account may do; repeat for several roles.")
@click.option("--reset", is_flag=True,
              help="The account exists: give it a new password (and these roles).")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from standard input instead of asking for it.")
def staff_add_command(name, roles, reset, password_stdin):
    """Create a staff account. NAME may be in any script (王丽, 김민준, Wang Li). The
    password is asked for twice, never taken on the command line, where other users and
    the shell history would see it."""
    from .backoffice.staff import StaffError
    staff = current_app.extensions["kiosk"].staff
    existing = staff.account(name)
    if existing and not reset:
        raise click.ClickException(f"there is already a staff account {existing['name']}: "
                                   "say --reset to give it a new password")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        staff.add(name, password, roles=roles, reset=reset)
    except StaffError as error:
        raise click.ClickException(str(error)) from None
    account = staff.account(name)
    click.echo(f"Staff account {account['name']} is ready ({', '.join(account['roles'])}). "
               f"Sign in at /staff/sign-in.")


@staff_group.command("list")
def staff_list_command():
    """Every staff account with its roles, and whether sign-in is slowed after wrong passwords."""
    accounts = current_app.extensions["kiosk"].staff.accounts()
    if not accounts:
        click.echo("No staff accounts yet: make one with `flask --app kiosk staff add NAME`.")
    for account in accounts:
        wait = f"  (waiting {account['wait']} s after wrong passwords: `staff unlock`)" \
            if account["wait"] else ""
        click.echo(f"{account['name']}\t{', '.join(account['roles'])}{wait}")


@staff_group.command("remove")
@click.argument("name")
def staff_remove_command(name):
    """Delete a staff account; a session it has open ends at its next click."""
    from .backoffice.staff import StaffError
    try:
        removed = current_app.extensions["kiosk"].staff.remove(name)
    except StaffError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Staff account {removed} removed; its history in the back office stays.")


@staff_group.command("unlock")
@click.argument("name")
def staff_unlock_command(name):
    """Let an account sign in again at once after too many wrong passwords."""
    staff = current_app.extensions["kiosk"].staff
    account = staff.account(name)
    if account is None:
        raise click.ClickException(f"there is no staff account {name}")
    staff.unlock(account["name"])
    click.echo(f"{account['name']} can sign in again now.")


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
    """The target, pending, delivered and dead-letter counts, the oldest pending age, and
    each dead letter with its reason."""
    outbox = current_app.extensions["kiosk"].outbox
    status = outbox.status()
    age = status["oldest_pending_seconds"]
    click.echo(f"target: {outbox.target.name}  pending: {status['pending']}  "
               f"delivered: {status['delivered']}  dead: {status['dead']}  oldest pending: "
               f"{'-' if age is None else f'{age / 60:.1f} minutes'}")
    for letter in outbox.dead_letters():
        click.echo(f"  dead {letter['reference']}: {letter['last_error']}")


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
