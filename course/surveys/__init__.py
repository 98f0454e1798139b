"""Surveys: built-in instruments (YAML), the schedule, responses, scores and due e-mails."""

from course.surveys import receivers  # noqa: F401  (connects to other features' signals)
