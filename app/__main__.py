"""``python -m app`` does what the ``catalog-editor`` command does."""

from app.cli import main

if __name__ == "__main__":  # not when a spawned process (the Checks, simulate-book) imports it
    raise SystemExit(main())
