# current: what alembic_version holds in the throwaway database, read with a sync driver (or the async one when no
# sync driver is installed). Promises: reads only, on the configured URL, through the guard like any engine.

import importlib.util

import sqlalchemy
from sqlalchemy.engine import url as sa_url

from . import state
from .protocol import require_url

_SYNC_DRIVERS = {
    "asyncpg": ("psycopg2", "psycopg"),
    "psycopg_async": ("psycopg", "psycopg2"),
    "aiosqlite": ("pysqlite",),
    "aiomysql": ("pymysql", "mysqldb"),
    "asyncmy": ("pymysql", "mysqldb"),
}
_DRIVER_MODULES = {"psycopg2": "psycopg2", "psycopg": "psycopg", "pysqlite": "sqlite3", "pymysql": "pymysql",
                   "mysqldb": "MySQLdb"}
# A URL without a driver means SQLAlchemy's default (psycopg on 2.1, psycopg2 before): when that one is not installed,
# read with one that is, as the project itself does.
_PLAIN_DRIVERS = {"postgresql": ("psycopg2", "psycopg")}


def _sync_url(url):
    parts = url.drivername.split("+", 1)
    if len(parts) == 1 and parts[0] in _PLAIN_DRIVERS:
        try:
            dialect = url.get_dialect()
            (getattr(dialect, "import_dbapi", None) or dialect.dbapi)()  # dbapi() on SQLAlchemy 1.4
            return url
        except ImportError:
            for driver in _PLAIN_DRIVERS[parts[0]]:
                if importlib.util.find_spec(_DRIVER_MODULES[driver]) is not None:
                    return url.set(drivername=parts[0] + "+" + driver)
            return url
    if len(parts) == 2 and parts[1] in _SYNC_DRIVERS:
        for driver in _SYNC_DRIVERS[parts[1]]:
            if importlib.util.find_spec(_DRIVER_MODULES[driver]) is not None:
                return url.set(drivername=parts[0] + ("" if driver == "pysqlite" else "+" + driver))
        return None
    return url


def dispose_current_engine():
    engine = state.CURRENT_ENGINE["engine"]
    state.CURRENT_ENGINE["engine"] = None
    if engine is not None:
        engine.dispose()


def read_current():
    from sqlalchemy import Column, MetaData, String, Table, select
    from sqlalchemy import inspect as sa_inspect
    from sqlalchemy.pool import NullPool
    name, schema = state.PROJECT.version_table
    table = Table(name, MetaData(), Column("version_num", String(32)), schema=schema)
    target = sa_url.make_url(state.PROJECT.url)
    sync = _sync_url(target)

    def read(conn):
        if not sa_inspect(conn).has_table(name, schema=schema):
            return []
        return sorted(row[0] for row in conn.execute(select(table.c.version_num)))

    if sync is None:  # no sync driver installed: go through the async engine
        import asyncio
        from sqlalchemy.ext.asyncio import create_async_engine

        async def run():
            engine = create_async_engine(target, poolclass=NullPool)
            try:
                async with engine.connect() as conn:
                    return await conn.run_sync(read)
            finally:
                await engine.dispose()
        return asyncio.run(run())
    if state.CURRENT_ENGINE["engine"] is None:
        state.CURRENT_ENGINE["engine"] = sqlalchemy.create_engine(sync, poolclass=NullPool)
    with state.CURRENT_ENGINE["engine"].connect() as conn:
        return read(conn)


def do_current(params):
    require_url()
    return {"current": read_current()}
