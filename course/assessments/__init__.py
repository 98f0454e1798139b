"""Assessments: quiz attempts, graded on the server."""

from course.assessments import criterion  # noqa: F401  (registers the quiz criterion)
