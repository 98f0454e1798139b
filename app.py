"""Entry point for ``flask --app app`` and WSGI servers."""

from course import create_app

app = create_app()
