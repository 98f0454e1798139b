"""Views imported on their first request, so that heavy imports stay out of start-up."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any

from werkzeug.utils import import_string


class LazyView:
    """A view function named by its dotted path and imported the first time it is called.

    Flask's "lazily loading views" pattern: the blueprint registers this stand-in, so
    starting the app (a worker, every ``flask`` command) does not import the view's module
    and what it imports. Declare the route's roles on the stand-in (``roles(...)`` sets
    ``access`` on it), since access is checked before the view is loaded.
    """

    def __init__(self, import_name: str) -> None:
        self.import_name = import_name
        self.__module__, self.__name__ = import_name.rsplit(".", 1)
        self.__qualname__ = self.__name__  # what Flask-Limiter names the route by

    @cached_property
    def view(self) -> Callable[..., Any]:
        """The real view function, imported on first use."""
        return import_string(self.import_name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.view(*args, **kwargs)
