"""The `intake` command line."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from intake import cli_fetch, pipeline
from intake.app import App, open_app
from intake.channels.ingest import ingest_paths
from intake.channels.items import Outcome, Received
from intake.cli_common import ConfigOption
from intake.cli_common import fail as _fail
from intake.collector import freeze_startup_objects, tune_for_throughput
from intake.config import ConfigError, Settings, load_settings, settings_reference_markdown
from intake.demo import Accuracy, measure, read_manifest
from intake.summary import Summary, quarantine, summarise
from workflow.org import OrgError

app = typer.Typer(help="Intake: emails and scanned paper become routed customer contacts.")
quarantine_app = typer.Typer(help="Contacts that could not be processed, with the reason.")
config_app = typer.Typer(help="The settings in force.")
app.add_typer(quarantine_app, name="quarantine")
app.add_typer(config_app, name="config")
console = Console()


def _settings(config: Path | None) -> Settings:
    try:
        return load_settings(config)
    except ConfigError as error:
        raise _fail(f"Configuration error: {error}") from None


def _open(config: Path | None) -> App:
    settings = _settings(config)
    application = open_app(settings)
    try:
        application.sync_organisation()
    except OrgError as error:
        raise _fail(f"Organisation error: {error}") from None
    return application


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


def _initialise(application: App) -> None:
    settings = application.settings
    for folder in (settings.resolved_scanner_inbox, settings.resolved_mail_inbox):
        folder.mkdir(parents=True, exist_ok=True)

    def trained(task: str, report: object) -> None:
        accuracy = getattr(report, "dev_accuracy", 0.0)
        seconds = getattr(report, "seconds", 0.0)
        console.print(f"Trained the {task} model: dev accuracy {accuracy:.1%} in {seconds:.1f} s")

    with console.status("Checking the classifier models..."):
        application.load_classifiers(on_train=trained)


@app.callback()
def main(verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING)
    tune_for_throughput()


@app.command()
def init(config: ConfigOption = None) -> None:
    """Create the database and folders, load the organisation, train missing models."""
    application = _open(config)
    _initialise(application)
    settings = application.settings
    console.print(f"Database: {settings.resolved_database_url}")
    console.print(f"Scanner hot folder: {settings.resolved_scanner_inbox}")
    console.print(f"Mail drop folder: {settings.resolved_mail_inbox}")
    console.print(f"Organisation: {application.organisation.name} from {settings.org_dir}")


def _ingest_with_progress(application: App, paths: list[Path], label: str) -> list[Received]:
    with _progress() as progress:
        bar = progress.add_task(label, total=None)
        results = ingest_paths(application, paths, on_item=lambda _: progress.advance(bar))
        progress.update(bar, total=len(results))
    return results


def _print_received(results: list[Received]) -> None:
    counts = Counter(r.outcome for r in results)
    console.print(
        f"Stored {counts[Outcome.STORED]}, already known {counts[Outcome.DUPLICATE]}, "
        f"refused {counts[Outcome.REFUSED]}."
    )
    for result in results:
        if result.outcome is Outcome.REFUSED:
            console.print(
                f"  [yellow]refused[/yellow] {escape(result.source)}: {escape(result.reason)}"
            )


def _process_with_progress(application: App) -> pipeline.ProcessReport:
    waiting = pipeline.pending(application)
    with _progress() as progress:
        bars = {
            step.name: progress.add_task(step.name.capitalize(), total=None)
            for step in pipeline.STEPS
        }
        progress.update(bars["extract"], total=waiting["extract"])

        def advance(outcome: pipeline.StepOutcome) -> None:
            progress.advance(bars[outcome.step])
            names = [s.name for s in pipeline.STEPS]
            following = names.index(outcome.step) + 1
            if outcome.result is pipeline.Result.ADVANCED and following < len(names):
                bar = progress.tasks[bars[names[following]]]
                progress.update(bars[names[following]], total=(bar.total or 0) + 1)

        for name in ("classify", "route"):
            progress.update(bars[name], total=waiting[name])
        return pipeline.process(application, on_outcome=advance)


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help=".eml files, Maildirs, scans, folders.")],
    process: Annotated[bool, typer.Option(help="Run the pipeline afterwards.")] = False,
    config: ConfigOption = None,
) -> None:
    """Take files as contacts (they stay where they are); repeats are recognised."""
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise _fail(f"Not found: {', '.join(map(str, missing))}")
    application = _open(config)
    _print_received(_ingest_with_progress(application, paths, "Ingest"))
    if process:
        _print_process(_process_with_progress(application))


@app.command()
def fetch(
    watch: Annotated[bool, typer.Option(help="Keep fetching until Ctrl-C or SIGTERM.")] = False,
    config: ConfigOption = None,
) -> None:
    """Take what waits in the drop folders and every IMAP account's folders."""
    application = _open(config)
    if watch:
        cli_fetch.watch(application, console)
        return
    _print_received(cli_fetch.collect_hot_folders(application))
    if not cli_fetch.fetch_imap_once(application, console):
        raise typer.Exit(1)


def _print_process(report: pipeline.ProcessReport) -> None:
    console.print(
        f"Advanced {report.count(pipeline.Result.ADVANCED)} steps; "
        f"retry later {report.count(pipeline.Result.RETRY)}; "
        f"quarantined {report.count(pipeline.Result.QUARANTINED)}."
    )
    for outcome in report.outcomes:
        if outcome.result in (pipeline.Result.QUARANTINED, pipeline.Result.RETRY):
            console.print(
                f"  contact {outcome.contact_id}: {outcome.result}: {escape(outcome.reason)}"
            )


@app.command()
def process(config: ConfigOption = None) -> None:
    """Advance every waiting contact through extract, classify and route, then send the outbox."""
    from intake.cli_outbox import send_outbox

    application = _open(config)
    _print_process(_process_with_progress(application))
    send_outbox(application)


def _when(moment: datetime | None, application: App) -> str:
    if moment is None:
        return "-"
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo(application.organisation.timezone)).strftime(
        "%a %Y-%m-%d %H:%M"
    )


@quarantine_app.command("list")
def quarantine_list(config: ConfigOption = None) -> None:
    """Quarantined contacts with the reason each one stopped."""
    application = _open(config)
    with application.sessions() as session:
        entries = quarantine(session)
    if not entries:
        console.print("The quarantine is empty.")
        return
    table = Table("contact", "channel", "source", "reason")
    for entry in entries:
        table.add_row(
            str(entry.contact_id), entry.channel, escape(entry.source), escape(entry.reason)
        )
    console.print(table)


@quarantine_app.command("release")
def quarantine_release(
    contact_ids: Annotated[list[int], typer.Argument(help="Contact ids to try again.")],
    process_now: Annotated[bool, typer.Option("--process", help="Run the pipeline now.")] = False,
    config: ConfigOption = None,
) -> None:
    """Put quarantined contacts back into the pipeline (after fixing the cause)."""
    application = _open(config)
    for contact_id in contact_ids:
        done = pipeline.release(application, contact_id, actor="cli")
        console.print(f"contact {contact_id}: {'released' if done else 'not in quarantine'}")
    if process_now:
        _print_process(_process_with_progress(application))


@app.command()
def serve(
    pipeline_every: Annotated[float, typer.Option(help="Seconds between pipeline passes.")] = 5.0,
    config: ConfigOption = None,
) -> None:
    """Run Intake continuously: drop folders, the pipeline, and the other jobs, until stopped."""
    import signal
    import threading

    from intake.channels.imap_watch import start_watchers
    from intake.jobs import default_jobs
    from intake.runner import serve as run_jobs
    from intake.web.serving import start_web

    application = _open(config)
    _initialise(application)
    freeze_startup_objects()
    logging.getLogger("intake").setLevel(logging.INFO)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    jobs = default_jobs(application, pipeline_every=pipeline_every)
    # IMAP folders are watched by their own threads (IDLE or polling), not as periodic jobs;
    # under the celery runner, beat polls them instead.
    embedded = application.settings.runner == "embedded"
    watchers = start_watchers(application, stop) if embedded else []
    web = start_web(application, stop)
    settings = application.settings
    address = f"http://{settings.web_host}:{settings.web_port}/" if web else "no web UI"
    console.print(
        f"Intake is serving ({len(jobs)} jobs, {len(watchers)} IMAP folders, {address}). "
        "Stop with Ctrl-C."
    )
    run_jobs(application, jobs, stop)
    for watcher in watchers:
        watcher.join()
    if web is not None:
        web.join(timeout=10)
    console.print("Stopped.")


@config_app.command("show")
def config_show(config: ConfigOption = None) -> None:
    """The settings in force, after the file and the environment."""
    settings = _settings(config)
    table = Table("setting", "value")
    for name, value in vars(settings).items():
        table.add_row(name, str(value))
    table.add_row("(database in use)", settings.resolved_database_url)
    console.print(table)


@config_app.command("reference")
def config_reference() -> None:
    """Print the settings reference table (Markdown) that docs/configuration.md contains."""
    typer.echo(settings_reference_markdown(), nl=False)


def _print_summary(summary: Summary, application: App) -> None:
    console.rule("Contacts")
    console.print(
        f"{summary.contacts} contacts: "
        + ", ".join(f"{name} {count}" for name, count in summary.by_channel.items())
    )
    topics = Table("topic", "contacts")
    for topic, count in sorted(summary.by_topic.items(), key=lambda kv: -kv[1]):
        topics.add_row(topic, str(count))
    console.print(topics)
    queues = Table("unit", "open tasks", "next deadline", "last deadline", title="Task lists")
    for queue in summary.queues:
        queues.add_row(
            queue.unit,
            str(queue.open_tasks),
            _when(queue.next_deadline, application),
            _when(queue.last_deadline, application),
        )
    console.print(queues)
    if summary.quarantine:
        table = Table("contact", "source", "reason", title="Quarantine")
        for entry in summary.quarantine:
            table.add_row(
                str(entry.contact_id), escape(Path(entry.source).name), escape(entry.reason)
            )
        console.print(table)
    else:
        console.print("Quarantine: empty.")


def _print_accuracy(accuracy: Accuracy) -> None:
    console.rule("Accuracy against samples/manifest.csv")
    for label, hits in (
        ("right unit", accuracy.unit_hits),
        ("right topic", accuracy.topic_hits),
        ("right sentiment", accuracy.sentiment_hits),
    ):
        console.print(
            f"{label:>16}: {hits}/{accuracy.total} ({Accuracy.share(hits, accuracy.total):.1%})"
        )
    if accuracy.misses:
        misses = Table("sample", "expected unit", "got", "expected topic", "got", "note")
        for miss in accuracy.misses:
            misses.add_row(
                miss.path.name,
                miss.expected_unit,
                miss.got_unit or "-",
                miss.expected_topic,
                miss.got_topic or "-",
                escape(miss.note),
            )
        console.print(misses)


@app.command()
def demo(
    samples: Annotated[Path, typer.Option(help="Folder with manifest.csv.")] = Path("samples"),
    config: ConfigOption = None,
) -> None:
    """Set up, ingest every sample, process them, and show what happened and how well."""
    manifest = samples / "manifest.csv"
    if not manifest.is_file():
        raise _fail(f"{manifest} not found")
    try:
        rows = read_manifest(manifest)
    except ValueError as error:
        raise _fail(str(error)) from None
    application = _open(config)
    _initialise(application)
    # Scanned stacks with separator sheets: each becomes a contact per document.
    batches = sorted((samples / "batches").glob("*.tif"))
    _print_received(
        _ingest_with_progress(application, [row.path for row in rows] + batches, "Ingest samples")
    )
    _print_process(_process_with_progress(application))
    with application.sessions() as session:
        summary = summarise(session)
        accuracy = measure(session, rows)
    _print_summary(summary, application)
    _print_accuracy(accuracy)
    _print_demo_accounts(application)


def _print_demo_accounts(application: App) -> None:
    from intake.demo_users import DEMO_PASSWORD, ensure_demo_users

    table = Table("user", "role", "units", title="Screens: `intake serve`, then sign in")
    for account in ensure_demo_users(application):
        table.add_row(account.username, account.role, ", ".join(account.units) or "all")
    console.print(table)
    settings = application.settings
    console.print(
        f"Web UI at http://{settings.web_host}:{settings.web_port}/ ; every demo account's "
        f"password is '{DEMO_PASSWORD}' (a demo home only: change them with "
        "`intake users password NAME`)."
    )


# Commands of the channels and engines live in their own modules; each registers here.
from intake.cli_mail import register as _register_mail  # noqa: E402

_register_mail(app)
from intake.cli_outbox import register as _register_outbox  # noqa: E402

_register_outbox(app)
from intake.cli_ocr import register as _register_ocr  # noqa: E402

_register_ocr(app)
from intake.cli_tasks import register as _register_tasks  # noqa: E402

_register_tasks(app)
from intake.cli_classify import register as _register_classify  # noqa: E402

_register_classify(app)
from intake.cli_mailroom import register as _register_mailroom  # noqa: E402

_register_mailroom(app)
from intake.cli_users import register as _register_users  # noqa: E402

_register_users(app)
from intake.cli_simulate import register as _register_simulate  # noqa: E402

_register_simulate(app)
from intake.cli_scale_out import register as _register_scale_out  # noqa: E402

_register_scale_out(app)
