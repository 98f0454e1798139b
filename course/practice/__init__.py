"""Practice: branching clinical scenarios and rupture-response drills with feedback."""

from course.practice import criterion  # noqa: F401  (registers the practice criteria)
