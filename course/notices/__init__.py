"""Notices: what the platform tells each person, on the platform and by e-mail."""
