"""Research: consent, randomization, the researcher dashboard and pseudonymized exports."""

from course.research import receivers  # noqa: F401  (connects to other features' signals)
