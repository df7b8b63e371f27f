"""Entry script of the built application: the same ``catalog-editor`` command."""

from app.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
