"""The ``catalog-editor`` command: ``main`` is the entry point (``app.cli:main``), ``cli`` the
click group; each command's module sits beside this one."""

from app.cli.main import cli, main

__all__ = ["cli", "main"]
