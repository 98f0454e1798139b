"""Authoring: trainers write the course (browser editor, file import); it writes the catalog."""
