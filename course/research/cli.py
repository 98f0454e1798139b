"""``flask --app app research export OUTDIR``: the same files as the web page and the API."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from course.extensions import db
from course.research import aggregates
from course.research.export import DirSink, ZipSink, run_export
from course.research.filters import FilterError, parse_filters
from course.research.models import TRIAL_ARMS

research = AppGroup("research", help="Research exports and the kept aggregates.")


@research.command("export")
@click.argument("outdir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--arm", type=click.Choice(TRIAL_ARMS), default=None, help="One arm only.")
@click.option("--from", "start", default=None, help="First UTC date, YYYY-MM-DD.")
@click.option("--to", "end", default=None, help="Last UTC date (inclusive), YYYY-MM-DD.")
@click.option("--since", default=None, help="Only what changed since, e.g. 2026-03-01T08:00Z.")
@click.option(
    "--include-free-text",
    is_flag=True,
    help="Include free text: survey answers, drill responses, discussion posts, review comments.",
)
@click.option("--zip", "as_zip", is_flag=True, help="Write one research-export.zip in OUTDIR.")
def export_command(outdir, arm, start, end, since, include_free_text, as_zip):
    """Write the research export into OUTDIR (audit-logged as a command-line export)."""
    try:
        filters = parse_filters(arm, start, end, since, include_free_text)
    except FilterError as exc:
        raise click.BadParameter(str(exc)) from exc
    outdir.mkdir(parents=True, exist_ok=True)
    try:
        if as_zip:
            with open(outdir / "research-export.zip", "wb") as archive:
                result = run_export(filters, ZipSink(archive), via="cli")
        else:
            result = run_export(filters, DirSink(outdir), via="cli")
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    for name, rows in result.rows.items():
        click.echo(f"  {name:<26} {rows:>10} rows")
    click.echo(f"Wrote the export for {result.manifest['participants']} participants to {outdir}.")


@research.command("rebuild-aggregates")
@click.option(
    "--chunk",
    type=click.IntRange(min=1),
    default=aggregates.REBUILD_CHUNK,
    show_default=True,
    help="People per chunk.",
)
def rebuild_command(chunk):
    """Recompute the dashboard's kept aggregates from the raw records (safe to repeat)."""
    try:
        counts = aggregates.rebuild(click.echo, chunk=chunk)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    click.echo(
        f"Rebuilt {counts['participants']} participants, {counts['quiz_standings']} quiz "
        f"standings and {counts['question_tallies']} question tallies."
    )
