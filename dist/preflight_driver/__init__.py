# alembic-preflight's driver: runs Alembic in-process in the project's own Python, answering JSON-lines requests.
# Promises: importing the package does nothing; `python preflight_driver/__main__.py` (or `-m`) runs the driver.
#
# Layout, one responsibility per module: protocol (stdio, send, failures, masking), state (what a run shares),
# positions (file:line of op calls), guard (the connection guard), trace (statement recorder, PostgreSQL facts),
# project (inspect, configure), graph, errors (classification), steps (upgrade, downgrade, step, drift), walk,
# snapshots_pg, snapshots_sqlite, offline, current, drift (autogenerate compare), main (the JSON-lines loop).
# Python 3.9+ syntax only: this package runs inside whatever interpreter the user's project uses.
