# Connections the project's engines keep between commands: an engine made at import (a settings module, a Flask app's
# db) outlives each env.py run in this driver, and its pool holds a connection to the throwaway database. Before the
# database is reset or restored (dropped and made again, or its file replaced) they are closed, as they would be
# between separate `alembic` commands; otherwise the next command runs on a connection to a database that is gone
# (PostgreSQL: terminated; SQLite: a deleted file) and a copy (CREATE DATABASE ... TEMPLATE) is refused while one is
# open.
# Promises: closes only idle pooled connections (a pool's dispose()); never fails the call for an engine it cannot
# release (an async pool outside its event loop is left, and said).

import gc


def do_release(params):
    try:
        from sqlalchemy.pool import Pool
    except Exception:
        return {"released": 0, "left": 0}
    released = left = 0
    for obj in gc.get_objects():
        try:
            if not isinstance(obj, Pool):
                continue
            if obj.checkedin() == 0:
                continue
            obj.dispose()
            released += 1
        except Exception:
            left += 1
    return {"released": released, "left": left}
