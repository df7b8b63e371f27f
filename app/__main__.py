"""``python -m app`` does what the ``catalog-editor`` command does."""

from app.cli import main

raise SystemExit(main())
