"""``civic backup`` and ``civic restore``: a consistent dump of the marketplace's database,
and its restore into another database.

PostgreSQL is the system of record: the dump holds the event store and everything else.
``pg_dump`` reads one snapshot, so the dump is consistent while the marketplace runs.
Triggers are created after the data is loaded (pg_dump's post-data section), so neither
the append-only rule nor the hash chain's trigger touches restored rows. A restore always
forgets where the relay was (the new JetStream stream is empty, so the relay publishes
the whole store into it); with ``rebuild_read_models`` it also empties every read model
and its checkpoint, so the projection runners rebuild them all from the store. Reactors
keep their checkpoints: what they caused (payments, notices) is already in the store.

The client tools must suit the server: the ``pg_dump`` whose major version is the
server's is used, found in ``CIVIC_PG_BIN``, the embedded server's own binaries, the
distribution's ``/usr/lib/postgresql/<major>/bin``, then ``PATH``.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg


class BackupError(Exception):
    pass


def _candidates(tool: str) -> list[Path]:
    found = []
    if os.environ.get("CIVIC_PG_BIN"):
        found.append(Path(os.environ["CIVIC_PG_BIN"]) / tool)
    try:
        import pgserver

        found.append(Path(pgserver.__file__).parent / "pginstall" / "bin" / tool)
    except ImportError:
        pass
    found += sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{tool}"), reverse=True)
    on_path = shutil.which(tool)
    if on_path:
        found.append(Path(on_path))
    return [p for p in found if p.exists()]


async def _major(binary: Path) -> int | None:
    proc = await asyncio.create_subprocess_exec(str(binary), "--version", stdout=asyncio.subprocess.PIPE,
                                                stderr=asyncio.subprocess.DEVNULL)
    out, _ = await proc.communicate()
    match = re.search(rb"\) (\d+)", out)
    return int(match.group(1)) if match else None


async def tool_for(tool: str, server_major: int) -> Path:
    """The ``tool`` binary of the server's major version (or, failing that, the newest newer one)."""
    versions = [(await _major(p), p) for p in _candidates(tool)]
    usable = [(v, p) for v, p in versions if v is not None and v >= server_major]
    if not usable:
        raise BackupError(f"no {tool} of PostgreSQL {server_major} or newer found"
                          " (set CIVIC_PG_BIN to the folder of the server's client tools)")
    exact = [p for v, p in usable if v == server_major]
    return exact[0] if exact else min(usable)[1]


async def _server_major(url: str) -> int:
    conn = await asyncpg.connect(url)
    try:
        return int(await conn.fetchval("SHOW server_version_num")) // 10000
    finally:
        await conn.close()


async def _run(*argv: str) -> None:
    proc = await asyncio.create_subprocess_exec(*argv, stdout=asyncio.subprocess.PIPE,
                                                stderr=asyncio.subprocess.PIPE)
    _, err = await proc.communicate()
    if proc.returncode != 0:
        raise BackupError(f"{Path(argv[0]).name} failed ({proc.returncode}): {err.decode()[-2000:]}")


async def backup(database_url: str, out: Path) -> Path:
    """Dump the database (custom format, compressed) into ``out``."""
    pg_dump = await tool_for("pg_dump", await _server_major(database_url))
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    await _run(str(pg_dump), "--format=custom", "--no-owner", "--no-privileges",
               f"--file={partial}", f"--dbname={database_url}")
    partial.replace(out)  # a dump that stopped half-way is never mistaken for a backup
    return out


async def _create_if_missing(url: str) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = await asyncpg.connect(urlunsplit(parts._replace(path="/postgres")))
    try:
        if not await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()


async def restore(dump: Path, into_url: str, *, rebuild_read_models: bool = False) -> None:
    """Restore ``dump`` into ``into_url`` (created if missing; refused unless empty)."""
    if not await asyncio.to_thread(dump.is_file):
        raise BackupError(f"{dump}: no such backup")
    await _create_if_missing(into_url)
    conn = await asyncpg.connect(into_url)
    try:
        if await conn.fetchval("SELECT to_regclass('events') IS NOT NULL"):
            raise BackupError("the target database already holds a marketplace; restore into an empty one")
    finally:
        await conn.close()
    pg_restore = await tool_for("pg_restore", await _server_major(into_url))
    await _run(str(pg_restore), "--no-owner", "--no-privileges", "--exit-on-error",
               "--single-transaction", f"--dbname={into_url}", str(dump))
    await _forget_derived_state(into_url, rebuild_read_models=rebuild_read_models)


async def _forget_derived_state(url: str, *, rebuild_read_models: bool) -> None:
    from infra.container import open_civic
    from infra.settings import Settings

    civic = await open_civic(Settings.from_env().with_(database_url=url), with_nats=False,
                             run_migrations=False)
    try:
        async with civic.pool.acquire() as conn, conn.transaction():
            await conn.execute("DELETE FROM relay_checkpoint")
            if rebuild_read_models:
                projections = civic.projections()
                tables = sorted({t for p in projections for t in p.tables})
                if tables:
                    await conn.execute(f"TRUNCATE {', '.join(tables)}")
                names = [p.name for p in projections]
                await conn.execute("DELETE FROM projection_checkpoints WHERE name = ANY($1)", names)
                await conn.execute("DELETE FROM parked_events WHERE projection = ANY($1)", names)
    finally:
        await civic.close()
