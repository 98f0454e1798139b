"""Serving media (with range requests for video seeking) and readable transcripts."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, send_file

from course.media.services import KINDS, locate, parse_captions
from course.web.access import signed_in

bp = Blueprint("media", __name__)


@bp.route("/media/<path:name>")
@signed_in
def serve(name: str):
    """A video or captions file; supports Range so players can seek."""
    path = locate(name)
    kind = KINDS.get(path.suffix.lower()) if path else None
    if path is None or kind is None:
        abort(404)
    response = send_file(path, mimetype=kind.content_type, conditional=True, max_age=3600)
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


@bp.route("/transcripts/<path:name>")
@signed_in
def transcript(name: str):
    """The text of a captions file as a readable page."""
    path = locate(name)
    if path is None or path.suffix.lower() != ".vtt":
        abort(404)
    return render_template(
        "media/transcript.html", name=name, cues=parse_captions(path.read_bytes())
    )
