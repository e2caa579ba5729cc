"""The benchmark database: created and filled once per size, then reused from a cache mark."""

import json
import time
from pathlib import Path
from urllib.parse import urlsplit

import psycopg2
from psycopg2 import sql

CACHE = Path(__file__).resolve().parent / ".cache"
RANDOM_PAGE_COST = 1.1


def _admin_connection(url: str):
    parts = urlsplit(url)
    connection = psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password,
        dbname="postgres",
    )
    connection.autocommit = True
    return connection, parts.path.lstrip("/")


def database_create(url: str, *, drop: bool) -> None:
    """Create the database (after dropping it when `drop`), outside any transaction."""
    connection, name = _admin_connection(url)
    with connection.cursor() as cursor:
        if drop:
            cursor.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        # The data set fits in memory, as a production database on SSD does: the default
        # random_page_cost (4, for spinning disks) made PostgreSQL hash all 20,560 agencies to
        # join 50 rows. docs/PERFORMANCE.md recommends the same setting for production.
        cursor.execute(
            sql.SQL("ALTER DATABASE {} SET random_page_cost = {}").format(
                sql.Identifier(name), sql.Literal(RANDOM_PAGE_COST)
            )
        )
    connection.close()


def _mark(url: str) -> Path:
    return CACHE / f"{urlsplit(url).path.lstrip('/')}.json"


def dataset_ensure(url: str, *, regions: int, periods: int, seed: int, log) -> dict:
    """Make sure the database holds exactly the requested data set; generate it if not."""
    from django.core.management import call_command
    from django.db import connections

    from indicators.models import Region

    wanted = {"regions": regions, "periods": periods, "seed": seed}
    mark = _mark(url)
    database_create(url, drop=False)
    cached = json.loads(mark.read_text()) if mark.exists() else {}
    call_command("migrate", interactive=False, verbosity=0)  # new indexes land on cached data too
    synthetic = Region.objects.filter(slug__regex=r"^r[0-9]{4}$").count()
    if cached.get("dataset") == wanted and synthetic == regions:
        log(f"data set cached ({regions} regions, generated in {cached['generate_seconds']} s)")
        return {**cached, "cached": True}

    log(f"generating {regions} regions x {periods} periods (seed {seed}) into a fresh database")
    connections.close_all()
    mark.unlink(missing_ok=True)
    database_create(url, drop=True)
    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_framework", verbosity=0)
    started = time.monotonic()
    call_command("generate_synthetic", regions=regions, periods=periods, seed=seed)
    generated = round(time.monotonic() - started, 1)
    with connections["default"].cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics, as autovacuum would give a live database
    CACHE.mkdir(exist_ok=True)
    info = {"dataset": wanted, "generate_seconds": generated}
    mark.write_text(json.dumps(info, indent=2))
    return {**info, "cached": False}
