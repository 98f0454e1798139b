"""Command-line interface: ``flask --app app users ...`` (plus Flask-Migrate's ``db``)."""

from __future__ import annotations

import secrets
import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from course import mail
from course.auth import sessions
from course.auth.models import ARMS
from course.auth.services import AuthError, create_user
from course.authoring.media import copy_media_in
from course.authoring.services import export_dir, import_bundle
from course.catalog.search_index import reindex_published
from course.consultations.cli import consultations
from course.content import ContentErrors, CourseBundle, Video, load_dir
from course.content.dose import CourseDose, course_dose, dose_table
from course.content.loader import static_media_reader
from course.demo import seed_demo_accounts
from course.demo.cli import demo as demo_cli
from course.demo.cli import seed_and_report
from course.extensions import db
from course.learning.nudges import send_nudges
from course.learning.rebuild import REBUILD_CHUNK, rebuild_progress
from course.media.services import file_duration, read_media, video_duration
from course.notices import services as notices
from course.research.cli import research as research_cli
from course.roles import ROLES
from course.surveys.cli import surveys
from course.surveys.instruments import builtin_names

users = AppGroup("users", help="Create accounts; prune ended sign-in sessions.")
mail_cli = AppGroup("mail", help="The outbox of e-mails.")
notices_cli = AppGroup("notices", help="Notices to people.")
learning_cli = AppGroup("learning", help="The self-paced course's learners.")
content = AppGroup("content", help="Check, import and export the course files.")
PROJECT_ROOT = Path(__file__).resolve().parent.parent


@users.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--name", default="", help="Full name.")
@click.option("--arm", type=click.Choice(ARMS), default=None, help="Therapists only.")
@click.option("--timezone", default=None, help="IANA zone, e.g. America/Vancouver.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_command(email, role, name, arm, timezone, password_stdin):
    """Create one account; prints a random password unless --password-stdin."""
    password = sys.stdin.readline().rstrip("\n") if password_stdin else secrets.token_urlsafe(12)
    try:
        user = create_user(
            email, role=role, password=password, name=name, arm=arm, timezone=timezone
        )
    except AuthError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Created {user.role} {user.email} (study ID {user.study_id}).")
    if not password_stdin:
        click.echo(f"Password (shown once): {password}")


@users.command("prune-sessions")
def prune_sessions_command():
    """Delete sign-in sessions that ended or expired over 30 days ago (run daily)."""
    removed = sessions.prune()
    db.session.commit()
    click.echo(f"Removed {removed} ended or expired sign-in session(s).")


@users.command("demo")
def demo_command():
    """On an empty database: one demo account per role (passwords printed once), then the
    demo trial (not in production)."""
    created = seed_demo_accounts()
    db.session.commit()
    if not created:
        click.echo("Accounts already exist; no demo accounts created.")
        return
    trial = seed_and_report(strict=False)
    click.echo("Demo accounts (passwords are shown only this once):")
    for user, password in created:
        click.echo(f"  {user.role:<11} {user.email:<26} {password}")
    for line in trial:
        click.echo(line)


def _load(directory: Path, *, text_rules: bool = True) -> CourseBundle:
    own = static_media_reader(directory)

    def media(path: str) -> bytes | None:
        # Files beside the course first, then what the platform already serves.
        found = own(path)
        return found if found is not None else read_media(path)

    try:
        return load_dir(directory, read_media=media, surveys=builtin_names(), text_rules=text_rules)
    except ContentErrors as exc:
        for error in exc.errors:
            click.echo(str(error), err=True)
        raise click.ClickException(
            f"{len(exc.errors)} problem(s) found; nothing was written."
        ) from exc


def _dose(bundle: CourseBundle, directory: Path) -> CourseDose:
    """The course's dose, each video's length as the server would know it on import."""
    static = (directory / "static").resolve()

    def seconds(video: Video) -> float | None:
        if video.duration is not None or video.kind != "file":
            return video.duration
        beside = (static / video.ref).resolve()
        if beside.is_relative_to(static) and beside.is_file():
            return file_duration(beside)
        return video_duration(video.ref)

    return course_dose(
        bundle.course,
        bundle.modules,
        bundle.quizzes,
        bundle.scenarios,
        bundle.drills,
        video_seconds=seconds,
    )


def _warn_dose(bundle: CourseBundle, directory: Path) -> None:
    warning = _dose(bundle, directory).ce_warning()
    if warning:
        click.echo(f"WARNING: {warning}", err=True)


_DIR = click.argument(
    "directory",
    required=False,
    default=PROJECT_ROOT,
    type=click.Path(file_okay=False, path_type=Path),
)


def _counts(bundle) -> str:
    counts = (
        f"{len(bundle.modules)} modules, {len(bundle.quizzes)} quizzes, "
        f"{len(bundle.scenarios)} scenarios, {len(bundle.drills)} drill sets"
    )
    for code, files in sorted(bundle.translations.items()):
        counted = len(files.modules) + len(files.quizzes) + len(files.scenarios)
        counted += len(files.drills) + (files.course is not None)
        counts += f"; {counted} translated file(s) in {code}"
    return counts


@content.command("check")
@_DIR
def check_command(directory: Path):
    """Validate modules/, quizzes/, scenarios/ and drills/ under DIRECTORY; write nothing."""
    bundle = _load(directory)
    _warn_dose(bundle, directory)
    click.echo(f"OK: {_counts(bundle)}.")


#: docs/course.md holds the dose table between these lines (`content dose --into`).
DOSE_START = "<!-- dose table: written by `flask --app app content dose --into docs/course.md` -->"
DOSE_END = "<!-- end of dose table -->"


@content.command("dose")
@_DIR
@click.option(
    "--into",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Replace the table between the dose markers in this Markdown file.",
)
def dose_command(directory: Path, into: Path | None):
    """Print each module's words, reading, video, practice and quiz minutes as Markdown."""
    bundle = _load(directory, text_rules=False)
    table = dose_table(_dose(bundle, directory))
    if into is None:
        click.echo(table, nl=False)
        return
    text = into.read_text(encoding="utf-8")
    start, end = text.find(DOSE_START), text.find(DOSE_END)
    if start < 0 or end < start:
        raise click.ClickException(f"{into} has no lines {DOSE_START!r} ... {DOSE_END!r}")
    head = text[: start + len(DOSE_START)]
    into.write_text(f"{head}\n{table}{text[end:]}", encoding="utf-8")
    click.echo(f"Wrote the dose table into {into}.")


@content.command("import")
@_DIR
def import_command(directory: Path):
    """Import atomically: each changed file becomes a new published revision."""
    bundle = _load(directory)
    _warn_dose(bundle, directory)
    try:
        report = import_bundle(bundle)
        copied = copy_media_in(bundle, directory)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    for path in copied:
        click.echo(f"  copied {path} into the media store")
    click.echo(
        f"Published {len(report.published)} changed file(s), {len(report.unchanged)} unchanged."
    )
    for name in report.published:
        click.echo(f"  published {name}")


@content.command("export")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def export_command(directory: Path):
    """Write the published content to DIRECTORY as files `content import` reads."""
    try:
        bundle = export_dir(directory)
    except ContentErrors as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Wrote {_counts(bundle)} to {directory}.")


@content.command("reindex")
def reindex_command():
    """Rebuild the search index of the published modules (once after upgrading to it)."""
    count = reindex_published()
    db.session.commit()
    click.echo(f"Search index: {count} published module(s) indexed.")


@mail_cli.command("send")
def mail_send_command():
    """Send queued e-mail that is due, and retry refused sends with back-off (for cron)."""
    result = mail.deliver()
    click.echo(
        f"Mail: {result.sent} sent, {result.retrying} to retry later, "
        f"{result.failed} given up after {mail.MAX_ATTEMPTS} attempts."
    )
    if result.failed:
        raise SystemExit(1)


@notices_cli.command("digest")
def notices_digest_command():
    """E-mail each digest reader their notices not yet e-mailed, in one message (daily cron)."""
    sent = notices.send_digests()
    db.session.commit()
    click.echo(f"Notice digests: {sent} queued.")


@learning_cli.command("nudge")
def learning_nudge_command():
    """E-mail one reminder to each learner idle for COURSE_NUDGE_AFTER_DAYS days (daily cron).

    Idempotent: a learner is reminded once per spell without activity, however often it runs.
    """
    sent = send_nudges()
    db.session.commit()
    click.echo(f"Course reminders: {sent} queued.")


@learning_cli.command("rebuild-progress")
@click.option("--check", is_flag=True, help="Only compare; change nothing; exit 1 on drift.")
@click.option(
    "--chunk",
    type=click.IntRange(min=1),
    default=REBUILD_CHUNK,
    show_default=True,
    help="Learners per chunk.",
)
def learning_rebuild_command(check, chunk):
    """Recompute the kept progress (active time, videos watched, transcripts read, plays,
    pauses, seeks and ends) from the raw event log; safe to repeat. With --check, report
    what differs."""
    try:
        found = rebuild_progress(write=not check, chunk=chunk, progress=click.echo)
        if check:
            db.session.rollback()
        else:
            db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    for line in [*found.differed, *found.missing][:20]:
        click.echo(f"  {line}")
    drift = len(found.differed) + len(found.missing)
    if drift > 20:
        click.echo(f"  ... and {drift - 20} more")
    verb = "differ from the log" if check else "were brought into line with the log"
    click.echo(
        f"Compared {found.learners} learners: {found.modules} module rows, "
        f"{found.videos} video rows and {found.actions} rows of video actions; "
        f"{len(found.differed)} {verb}, "
        f"{len(found.missing)} {'are missing' if check else 'were missing and made'}."
    )
    if check and drift:
        sys.exit(1)


def register(app: Flask) -> None:
    """Attach the command groups to the app."""
    app.cli.add_command(users)
    app.cli.add_command(demo_cli)
    app.cli.add_command(mail_cli)
    app.cli.add_command(notices_cli)
    app.cli.add_command(learning_cli)
    app.cli.add_command(content)
    app.cli.add_command(research_cli)
    app.cli.add_command(surveys)
    app.cli.add_command(consultations)
