"""Feedback pages: a therapist asks; faculty work through the queue and score."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from course.extensions import db
from course.feedback import services
from course.feedback.services import FeedbackError
from course.web.access import roles
from course.web.errors import show_refusal

bp = Blueprint("feedback", __name__, url_prefix="/feedback")


def _me():
    return current_user._get_current_object()


@bp.app_template_global()
def feedback_status(response) -> services.Status:
    """For the practice feedback page: the request on this response and its reviews."""
    return services.status_of(current_user.id, response.id)


@bp.route("/ask/<slug>/<int:response_id>", methods=["POST"])
@roles("therapist")
def ask(slug: str, response_id: int):
    """Ask faculty to score one of one's own drill responses."""
    try:
        services.request_feedback(_me(), slug, response_id)
        db.session.commit()
    except IntegrityError:  # the same request sent twice at once
        raise FeedbackError(_("You already asked for feedback on this response.")) from None
    flash(_("Sent to faculty. You will get a notice when the feedback is ready."), "success")
    return redirect(url_for("practice.feedback", slug=slug, response_id=response_id))


@bp.route("/queue")
@roles("trainer", "admin")
def queue():
    """Responses waiting for this rater's review, oldest first."""
    return render_template("feedback/queue.html", waiting=services.queue(_me()))


@bp.route("/reviews/<int:request_id>", methods=["GET", "POST"])
@roles("trainer", "admin")
def review(request_id: int):
    """Read the statement, the response and the models; score each criterion; comment."""
    context = services.to_review(_me(), request_id)
    status = 200
    if request.method == "POST":
        scores = {k.removeprefix("score-"): v for k, v in request.form.items() if k[:6] == "score-"}
        try:
            services.submit_review(_me(), request_id, scores, request.form.get("comment", ""))
        except FeedbackError as exc:
            if exc.status != 422:
                raise
            show_refusal(exc)
            status = 422
        except IntegrityError:  # another rater's review arrived at the same moment
            raise FeedbackError(_("Another review arrived at the same moment; reload.")) from None
        else:
            db.session.commit()
            flash(_("Review saved."), "success")
            return redirect(url_for(".queue"))
    return render_template("feedback/review.html", review=context, entered=request.form), status
