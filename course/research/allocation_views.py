"""Randomization: who is waiting, the button that allocates them, and admin overrides."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from course.extensions import db
from course.research import allocation
from course.research.consent import current_version
from course.research.forms import ARM_NAMES, OverrideForm
from course.research.views import bp
from course.web.access import roles
from course.web.errors import show_refusal


@bp.route("/randomization")
@roles("researcher", "admin")
def randomization():
    """Therapists waiting per stratum, allocations so far (no block details), overrides."""
    try:
        pending = allocation.pending_by_stratum()
    except allocation.AllocationError as exc:
        flash(str(exc), "error")
        pending = {}
    return render_template(
        "research/randomization.html",
        pending=pending,
        waiting=sum(len(ids) for ids in pending.values()),
        counts=allocation.arm_counts(),
        allocations=allocation.recent_allocations(),
        override_form=OverrideForm(),
        version=current_version(),
        arm_names=ARM_NAMES,
    )


@bp.route("/randomization/run", methods=["POST"])
@roles("researcher", "admin")
def randomize():
    """Allocate every consenting therapist who is waiting (confirmed in the page)."""
    try:
        made = allocation.randomize_pending(current_user)
        db.session.commit()
    except allocation.AllocationError as exc:
        show_refusal(exc)
    except IntegrityError:
        # Someone else randomized the same people or slots at the same moment.
        db.session.rollback()
        flash(
            _("Another randomization ran at the same time; nothing was changed. Try again."),
            "error",
        )
    else:
        flash(
            ngettext("Randomized %(num)d therapist.", "Randomized %(num)d therapists.", len(made)),
            "success",
        )
    return redirect(url_for("research.randomization"))


@bp.route("/randomization/override", methods=["POST"])
@roles("admin")
def override():
    """An admin sets one therapist's arm by hand, with a reason (audit-logged)."""
    form = OverrideForm()
    if form.validate_on_submit():
        try:
            made = allocation.override(
                current_user, form.study_id.data, form.arm.data, form.reason.data
            )
        except allocation.AllocationError as exc:
            show_refusal(exc)
        else:
            db.session.commit()
            flash(
                _(
                    "Arm set to %(arm)s and recorded in the audit log.",
                    arm=ARM_NAMES[made.arm],
                ),
                "success",
            )
    else:
        for field, errors in form.errors.items():
            label = getattr(form, field).label.text if hasattr(form, field) else field
            flash(f"{label}: {' '.join(errors)}", "error")
    return redirect(url_for("research.randomization"))
