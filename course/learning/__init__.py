"""Learning: the therapist's course home, module pages, progress and completion."""

from course.learning import receivers  # noqa: F401  (connects to other features' signals)
