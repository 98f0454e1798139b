"""Uploading videos and captions for modules to use as ``media/...`` paths."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from course.authoring.forms import UploadForm
from course.authoring.views import EDITORS, bp
from course.media.services import (
    CAPTIONS_LIMIT,
    VIDEO_LIMIT,
    MediaError,
    list_uploads,
    store_upload,
)
from course.web.access import roles


def _limits() -> dict[str, int]:
    """Largest accepted sizes in MB: the file type's limit, capped by the request limit."""
    request_limit = current_app.config.get("MAX_CONTENT_LENGTH") or VIDEO_LIMIT
    return {
        "video": min(VIDEO_LIMIT, request_limit) // (1024 * 1024),
        "captions": min(CAPTIONS_LIMIT, request_limit) // (1024 * 1024),
    }


@bp.route("/media", methods=["GET", "POST"])
@roles(*EDITORS)
def media():
    """List uploaded media and take a new video or captions file."""
    form = UploadForm()
    status = 200
    if request.method == "POST":
        upload = form.file.data
        if upload is None or not upload.filename:
            form.file.errors = [_("Choose a file to upload.")]
            status = 422
        else:
            try:
                path = store_upload(upload.filename, upload.stream)
            except MediaError as exc:
                form.file.errors = [str(exc)]
                status = 422
            else:
                flash(
                    _("Uploaded. Paste this path into a video block: %(path)s", path=path),
                    "success",
                )
                return redirect(url_for("authoring.media", uploaded=path))
    uploads = list_uploads()
    uploaded = request.args.get("uploaded")
    return render_template(
        "authoring/media.html",
        form=form,
        uploads=uploads,
        uploaded=uploaded if uploaded in uploads else None,
        limits=_limits(),
    ), status
