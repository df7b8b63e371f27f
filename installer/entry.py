"""Entry script of the built application: the same ``catalog-editor`` command."""

import multiprocessing

from app.cli import main

if __name__ == "__main__":
    # the Checks of a large catalog and simulate-book start processes (spawn): in the built
    # application each starts this executable, which must run the child's work, not the app
    multiprocessing.freeze_support()
    raise SystemExit(main())
