"""Learning: the therapist's course home, module pages, progress and completion."""
