# Starts the driver: `python <dir>/preflight_driver/__main__.py` (as src/driver/client.ts does) or `python -m`.
# Promises: the protocol takes fds 0 and 1 before anything else is imported, and a missing Alembic is said in hello.

import os
import sys

# The project's files are imported (env.py, migrations, models): no __pycache__ in them, nor in this package.
sys.dont_write_bytecode = True

if not __package__:
    # Run as a file, sys.path[0] is this directory, which would make our modules (`trace` among them) shadow
    # top-level ones: put its parent there instead, so that only `preflight_driver` can be imported from it.
    _here = os.path.dirname(os.path.realpath(__file__))
    if sys.path and os.path.realpath(sys.path[0] or os.curdir) == _here:
        sys.path[0] = os.path.dirname(_here)
    else:
        sys.path.insert(0, os.path.dirname(_here))

from preflight_driver import protocol  # noqa: E402  (first: it takes the real stdin and stdout)

protocol.require_libraries()

from preflight_driver.parent_death import die_with_parent  # noqa: E402

die_with_parent()

from preflight_driver.main import main  # noqa: E402

main()
