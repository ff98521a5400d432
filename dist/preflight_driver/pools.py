# Connections the project's engines keep between commands: an engine made at import (a settings module, a Flask app's
# db) outlives each env.py run in this driver, and its pool holds a connection to the throwaway database. Before the
# database is reset or restored (dropped and made again, or its file replaced) they are closed, as they would be
# between separate `alembic` commands; otherwise the next command runs on a connection to a database that is gone
# (PostgreSQL: terminated; SQLite: a deleted file) and a copy (CREATE DATABASE ... TEMPLATE) is refused while one is
# open.
# Pools are known from their first checkout (a class-level "checkout" listener installed before any project code is
# imported), so a release costs what the pools are, not a scan of every object the project made.
# Promises: closes only idle pooled connections (a pool's dispose()); never fails the call for an engine it cannot
# release (an async pool outside its event loop is left, and said).

import gc
import weakref

_POOLS = weakref.WeakSet()
_TRACKING = {"on": False}  # the listener is installed and SQLAlchemy gives each checkout its pool


def _checked_out(dbapi_connection, record, proxy):
    pool = getattr(proxy, "_pool", None)
    if pool is None:
        _TRACKING["on"] = False  # a SQLAlchemy without the attribute: every release scans the heap
        return
    try:
        _POOLS.add(pool)
    except TypeError:
        pass


def install():
    """Records every SQLAlchemy pool a connection is taken from. Without the listener, every release scans the
    heap for pools."""
    try:
        from sqlalchemy import event
        from sqlalchemy.pool import Pool
        event.listen(Pool, "checkout", _checked_out)
    except Exception:
        return
    _TRACKING["on"] = True


def _pools():
    if _TRACKING["on"]:
        return list(_POOLS)
    from sqlalchemy.pool import Pool
    return [obj for obj in gc.get_objects() if isinstance(obj, Pool)]


def do_release(params):
    try:
        pools = _pools()
    except Exception:
        return {"released": 0, "left": 0}
    released = left = 0
    for pool in pools:
        try:
            if pool.checkedin() == 0:
                continue
            pool.dispose()
            released += 1
        except Exception:
            left += 1
    return {"released": released, "left": left}
