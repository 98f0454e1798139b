"""``flask --app app surveys ...``: check an instrument file; e-mail surveys that are due."""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType

import click
from flask.cli import AppGroup
from sqlalchemy import select

from course.auth.models import User
from course.content.errors import Sink
from course.extensions import db
from course.surveys import checks
from course.surveys.instruments import (
    BUILTIN_DIR,
    Catalog,
    Instrument,
    Survey,
    check_file,
    load_builtin,
    structure_problems,
)
from course.surveys.scoring import rule_text
from course.surveys.services import notify_due

surveys = AppGroup("surveys", help="Survey instruments and due-survey e-mails.")


@surveys.command("check")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def check_command(file: Path):
    """Check one instrument or survey YAML file against the built-in ones; write nothing.
    A translation (a file in a language folder such as ``instruments/fr/``) is checked
    against its English file instead: the same items, scale and scoring."""
    if file.resolve().parent.parent == BUILTIN_DIR.resolve():
        return _check_translation(file)
    catalog = _others(file)
    problems = check_file(file, catalog)
    entry, _ = checks.parse(file, Sink(str(file)))
    if entry is not None and (entry.name in catalog.instruments or entry.name in catalog.surveys):
        problems.append(
            f"{file}:1: name {entry.name!r} is already used by "
            f"{BUILTIN_DIR / (entry.name + '.yaml')}; choose another name"
        )
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) in {file}; nothing was changed.")
    if isinstance(entry, Instrument):
        click.echo(f"OK: instrument {entry.name!r} ({entry.title}), {len(entry.items)} items.")
        click.echo(f"Scoring: {rule_text(entry)}")
    else:
        click.echo(f"OK: survey {entry.name!r} ({entry.title}): {', '.join(entry.instruments)}.")
    if file.resolve().parent != BUILTIN_DIR.resolve():
        click.echo(f"To use it, copy it into {BUILTIN_DIR} and restart the platform.")


def _check_translation(file: Path) -> None:
    sink = Sink(str(file))
    entry, _ = checks.parse(file, sink)
    problems = [str(error) for error in sink.errors]
    english = load_builtin()
    base = entry and (english.instruments.get(entry.name) or english.surveys.get(entry.name))
    if entry is not None and base is None:
        problems.append(f"{file}:1: no English file is named {entry.name!r}")
    elif entry is not None:
        problems += [f"{file}:1: {problem}" for problem in structure_problems(base, entry)]
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        raise click.ClickException(
            f"{len(problems)} problem(s) in {file}; French pages show the English file."
        )
    about = entry.translation
    status = "not said" if about is None else ("validated" if about.validated else "not validated")
    click.echo(f"OK: translation of {entry.name!r} ({entry.title}); translation: {status}.")


def _others(file: Path) -> Catalog:
    """The names the other built-in files define, so a file already in place checks cleanly."""
    instruments: dict[str, Instrument] = {}
    surveys_: dict[str, Survey] = {}
    for path in sorted(BUILTIN_DIR.glob("*.yaml")):
        if path.resolve() == file.resolve():
            continue
        entry, _ = checks.parse(path, Sink(str(path)))
        if isinstance(entry, Instrument):
            instruments[entry.name] = entry
        elif isinstance(entry, Survey):
            surveys_[entry.name] = entry
    return Catalog(MappingProxyType(instruments), MappingProxyType(surveys_))


@surveys.command("notify")
def notify_command():
    """E-mail every therapist about surveys newly due (idempotent; safe to run from cron)."""
    therapists = db.session.scalars(
        select(User).where(User.role == "therapist", User.active.is_(True)).order_by(User.id)
    ).all()
    sent = 0
    for user in therapists:
        sent += notify_due(user)
        db.session.commit()  # per person: one failure does not undo the e-mails already sent
    click.echo(f"Sent {sent} survey e-mail(s) to {len(therapists)} therapist(s) checked.")
