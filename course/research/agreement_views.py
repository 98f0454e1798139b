"""The rater agreement page. The research blueprint loads this module on the page's first
request (views.py registers it through course/web/lazy.py): it imports pingouin."""

from __future__ import annotations

from flask import render_template, request

from course.research.agreement import ICC_2_1, MIN_PAIRS, agreement
from course.research.forms import ARM_NAMES, read_filters


def rater_agreement():
    """ICC(2,1) per drill criterion over the responses two faculty raters scored."""
    form, filters = read_filters(request.args)
    return render_template(
        "research/agreement.html",
        form=form,
        filters=filters,
        criteria=agreement(filters),
        minimum=MIN_PAIRS,
        pingouin_type=ICC_2_1,
        arm_names=ARM_NAMES,
    )
