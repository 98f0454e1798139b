"""Searching the published modules: a search box for learners with the course and for staff."""
