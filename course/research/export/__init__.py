"""The research export: one code path for the web page, the API and the CLI.

Files are written by a registry of writers, each streaming its rows into the sink, so
memory stays flat whatever the data's size. ``manifest.json`` comes last: it records
the filters, content revision hashes, row counts and every file's sha256. Every CSV's
columns are declared once (``tables.py``): the writers, ``codebook.csv``,
``datapackage.json``, ``load.R`` and ``load.do`` all come from those declarations. Every export
is audit-logged with who, how, the filters and the row counts.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TextIO

from flask import current_app
from sqlalchemy import select

from course import clock
from course.audit.models import AuditEntry
from course.audit.services import record
from course.auth.models import User
from course.catalog.models import CourseRevision
from course.extensions import db
from course.research.export.codebook import codebook_csv, missing_reasons_csv
from course.research.export.consultations import consultations, workshop_attendance
from course.research.export.context import ExportContext, RevisionInfo, build_context, iso
from course.research.export.datapackage import write_datapackage
from course.research.export.discussion import discussion_participation, discussion_posts
from course.research.export.feedback import feedback_reviews
from course.research.export.learning import (
    events,
    integrity_log,
    module_progress,
    video_engagement,
)
from course.research.export.people import consort_csv, participants_csv
from course.research.export.practice import drill_responses, practice_content, scenario_choices
from course.research.export.quizzes import quiz_attempts, quiz_responses
from course.research.export.redcap import redcap_import
from course.research.export.redcap_fields import data_dictionary
from course.research.export.scripts import load_do, load_r
from course.research.export.sink import DirSink, Sink, ZipSink
from course.research.export.surveys import survey_responses
from course.research.export.xapi_families import xapi_jsonl
from course.research.filters import Filters

__all__ = ["FILES", "DirSink", "ExportResult", "ZipSink", "run_export"]

Writer = Callable[[ExportContext, TextIO], int]

#: Every file of the archive, in order; manifest.json is added after them.
FILES: tuple[tuple[str, Writer], ...] = (
    ("participants.csv", participants_csv),
    ("consort.csv", consort_csv),
    ("module_progress.csv", module_progress),
    ("quiz_attempts.csv", quiz_attempts),
    ("quiz_responses.csv", quiz_responses),
    ("video_engagement.csv", video_engagement),
    ("consultations.csv", consultations),
    ("workshop_attendance.csv", workshop_attendance),
    ("survey_responses.csv", survey_responses),
    ("scenario_choices.csv", scenario_choices),
    ("drill_responses.csv", drill_responses),
    ("feedback_reviews.csv", feedback_reviews),
    ("discussion_participation.csv", discussion_participation),
    ("discussion_posts.csv", discussion_posts),
    ("events.csv", events),
    ("integrity_log.csv", integrity_log),
    ("data_dictionary.csv", data_dictionary),
    ("redcap_import.csv", redcap_import),
    ("xapi.jsonl", xapi_jsonl),
    ("codebook.csv", codebook_csv),
    ("missing_reasons.csv", missing_reasons_csv),
)
#: Made from the declarations after the data (not counted in rows): the scripts, then the
#: Data Package descriptor with every file's size and sha256; manifest.json comes last.
SCRIPTS = (("load.R", load_r), ("load.do", load_do))


@dataclass(frozen=True)
class ExportResult:
    """What was written: rows per file and the manifest."""

    rows: dict[str, int]
    manifest: dict


def _listed(key: str, slugs: dict[int, str], revisions: Iterable[RevisionInfo]) -> list[dict]:
    """Each revision's slug, number, content hash and publishing time, in order."""
    return [
        {
            key: slugs[r.parent_id],
            "revision": r.number,
            "content_hash": r.content_hash,
            "published_at": iso(r.published_at),
        }
        for r in sorted(revisions, key=lambda r: (r.parent_id, r.number))
        if r.parent_id in slugs
    ]


def _content(ctx: ExportContext) -> dict:
    """Revision numbers and hashes of the content the data refers to."""
    course = db.session.execute(
        select(CourseRevision.id, CourseRevision.content_hash, CourseRevision.created_at)
        .order_by(CourseRevision.id.desc())
        .limit(1)
    ).first()
    modules = [
        {
            "module": ctx.modules[r.parent_id].slug,
            "revision": r.number,
            "content_hash": r.content_hash,
            "published_at": iso(r.published_at),
        }
        for r in sorted(ctx.module_revisions.values(), key=lambda r: (r.parent_id, r.number))
        if r.parent_id in ctx.modules
    ]
    quizzes = [
        {
            "quiz": ctx.quizzes.get(r.parent_id, ""),
            "revision": r.number,
            "content_hash": r.content_hash,
            "published_at": iso(r.published_at),
        }
        for r in sorted(ctx.quiz_revisions.values(), key=lambda r: (r.parent_id, r.number))
    ]
    practice = practice_content(ctx)
    slugs = {sid: slug for sid, (slug, _) in practice.scenarios.items()}
    sets = {sid: slug for sid, (slug, _) in practice.drill_sets.items()}
    return {
        "course_file": {"content_hash": course[1], "published_at": iso(course[2])}
        if course
        else None,
        "modules": modules,
        "quizzes": quizzes,
        "scenarios": _listed("scenario", slugs, practice.scenario_revisions.values()),
        "drill_sets": _listed("drill_set", sets, practice.drill_revisions.values()),
    }


def run_export(filters: Filters, sink: Sink, *, actor=None, via: str, token=None) -> ExportResult:
    """Write every file into ``sink``, then the manifest, and audit-log it (no commit)."""
    now = clock.now_utc()
    ctx = build_context(filters, current_app.config["BASE_URL"], now)
    rows: dict[str, int] = {}
    for name, writer in FILES:
        with sink.open(name) as out:
            rows[name] = writer(ctx, out)
    for name, script in SCRIPTS:
        with sink.open(name) as out:
            script(ctx, out)
    files = dict(sink.files)
    with sink.open("datapackage.json") as out:
        write_datapackage(ctx, files, out)
    manifest = {
        "generated_at": iso(now),
        "platform": ctx.base_url,
        "format": "alliance-research-export/1",
        "filters": filters.as_dict(),
        "participants": len(ctx.people),
        "content": _content(ctx),
        "rows": rows,
        "files": {
            name: {"rows": rows.get(name), "bytes": info.bytes, "sha256": info.sha256}
            for name, info in sink.files.items()
        },
        "notes": {
            "codebook": "codebook.csv describes every column of every CSV (types, units, "
            "codes, missing reasons); datapackage.json is the same as a Frictionless Data "
            "Package; load.R and load.do read the files with labels",
            "missing": "an empty cell is missing; why is in the column's missing reasons "
            "(codebook.csv, missing_reasons.csv), decided by other columns of the same row",
            "dates": "ISO 8601 in UTC (Z); REDCap dates are YYYY-MM-DD (UTC)",
            "durations": "seconds (xAPI: ISO 8601 durations)",
            "people": "study IDs only; withdrawn and non-consenting therapists are absent",
            "faculty": "never named: 'faculty' in discussion_posts.csv, F<n> codes in "
            "feedback_reviews.csv (numbered by each rater's first review, stable)",
        },
    }
    with sink.open("manifest.json") as out:
        json.dump(manifest, out, indent=2, sort_keys=False)
        out.write("\n")
    sink.close()
    record(
        "research.exported",
        actor=actor,
        target="export",
        via=via,
        token=getattr(token, "name", None),
        filters=filters.as_dict(),
        rows=rows,
    )
    return ExportResult(rows, manifest)


#: Archives larger than this spill from memory to a temporary file.
SPOOL_BYTES = 8 * 1024 * 1024
CHUNK_BYTES = 256 * 1024


def build_archive(filters: Filters, *, actor=None, via: str, token=None):
    """The zip archive in a spooled temporary file (rewound), and what went into it."""
    import tempfile

    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - streamed, then closed
    try:
        result = run_export(filters, ZipSink(spool), actor=actor, via=via, token=token)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return spool, result


def archive_response(spool, generated_at: str):
    """A streamed download of the archive; the temporary file closes when sent."""
    from flask import Response

    def chunks():
        try:
            while block := spool.read(CHUNK_BYTES):
                yield block
        finally:
            spool.close()

    stamp = generated_at.replace(":", "").replace("-", "")
    response = Response(chunks(), mimetype="application/zip", direct_passthrough=True)
    response.headers["Content-Disposition"] = f'attachment; filename="research-export-{stamp}.zip"'
    response.headers["Cache-Control"] = "no-store"
    return response


def recent_exports(limit: int = 20) -> list[dict]:
    """The latest exports from the audit log: when, who (study ID), how, filters, rows."""
    rows = db.session.execute(
        select(AuditEntry.at, User.study_id, AuditEntry.details)
        .outerjoin(User, User.id == AuditEntry.actor_id)
        .where(AuditEntry.action == "research.exported")
        .order_by(AuditEntry.id.desc())
        .limit(limit)
    )
    return [
        {
            "at": at,
            "by": study_id or "command line",
            "via": details.get("via", ""),
            "token": details.get("token"),
            "filters": {k: v for k, v in (details.get("filters") or {}).items() if v},
            "rows": sum((details.get("rows") or {}).values()),
        }
        for at, study_id, details in rows
    ]
