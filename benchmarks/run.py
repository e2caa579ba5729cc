"""`make bench`: load national synthetic data, serve it with gunicorn, drive pages with wrk.

Usage: .venv/bin/python benchmarks/run.py [--regions 514] [--periods 1] [--duration 5]
Writes benchmarks/results.md and benchmarks/results.json.
"""

import argparse
import datetime
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/kla_bench"
CONNECTIONS = (8, 32)
# Each page's p50 against both floors: the trivial view, and the same signed in.
RATIOS = (("ratio_p50", "trivial"), ("ratio_signed_in", "signed-in trivial"))


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def arguments(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regions", type=int, default=514)
    parser.add_argument("--periods", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--skip-import", action="store_true", help="skip the import benchmark")
    parser.add_argument("--rounds", type=int, default=3, help="wrk runs per page at c=8")
    parser.add_argument("--in-process", type=int, default=21, help="requests per page, 0: none")
    return parser.parse_args(argv)


def environment(database_url: str) -> None:
    """The environment of both this process and gunicorn: production settings, plain HTTP."""
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
            "DATABASE_URL": database_url,
            "DEBUG": "off",
            "HTTPS": "off",
            "CONN_MAX_AGE": "60",
            # Production's shared cache, so the workers share score snapshots (DESIGN 8).
            "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9"),
            "STATIC_ROOT": str(ROOT / "benchmarks" / ".cache" / "static"),
        }
    )


def _aggregate(connections: int, rounds: list[dict]) -> dict:
    """One figure per (page, connections): the median round, with the spread of the rounds."""
    p50s = [r["p50_ms"] for r in rounds]
    errors = {}
    for r in rounds:
        for kind, n in r["error_kinds"].items():
            errors[kind] = errors.get(kind, 0) + n
    return {
        "connections": connections,
        "requests": sum(r["requests"] for r in rounds),
        "rps": round(statistics.median(r["rps"] for r in rounds), 1),
        "p50_ms": round(statistics.median(p50s), 2),
        "p50_min_ms": min(p50s),
        "p50_max_ms": max(p50s),
        "p99_ms": round(statistics.median(r["p99_ms"] for r in rounds), 2),
        "errors": sum(r["errors"] for r in rounds),
        "error_kinds": errors,
        "rounds": rounds,
    }


def measure_pages(wrk: str, objects: dict, duration: int, rounds: int) -> list[dict]:
    from benchmarks.load import fetch_status, gunicorn_serving, wrk_run
    from benchmarks.pages import PAGES, page_path, session_cookie

    cookies = {}
    results = []
    for page in PAGES:
        entry = {"name": page.name, "user": page.user, "budget": page.budget, "cold": page.cold}
        results.append(entry)
        path = entry["path"] = page_path(page, objects)
        if page.user and page.user not in cookies:
            cookies[page.user] = session_cookie(objects[page.user])
        cookie = cookies.get(page.user)
        for connections in CONNECTIONS:
            # A fresh server per page and load: nothing left queued by the previous one, then
            # warmed; the rounds (at 8 connections, where the budgets are judged) back to back.
            with gunicorn_serving(workers=2) as base:
                status = fetch_status(base + path, cookie, page.cold)
                if status != 200:
                    break
                fetch_status(base + path, cookie, page.cold)
                runs = [
                    wrk_run(
                        wrk,
                        base + path,
                        connections=connections,
                        seconds=duration,
                        cookie=cookie,
                        cold=page.cold,
                    )
                    for _ in range(rounds if connections == 8 else 1)
                ]
            run = _aggregate(connections, runs)
            entry.setdefault("runs", []).append(run)
            log(
                f"{page.name} c={connections}: {run['rps']:.0f} req/s, p50 {run['p50_ms']} ms "
                f"({run['p50_min_ms']}-{run['p50_max_ms']} in {len(runs)} rounds), "
                f"p99 {run['p99_ms']} ms, errors {run['errors']}"
            )
            if run["requests"] == 0:
                log(f"{page.name}: no request finished in {duration} s; higher loads skipped")
                break
        if status != 200:
            entry.update(status="error", detail=f"(HTTP {status})")
            log(f"{page.name} {path}: ERROR, answered {status}")
        else:
            entry["status"] = "measured"
    floors = {name: {} for name in ("trivial", "signed-in trivial")}
    for entry in results:
        if entry["name"] in floors:
            floors[entry["name"]] = {r["connections"]: r["p50_ms"] for r in entry.get("runs", [])}
    for entry in results:
        for run in entry.get("runs", []):
            for field, floor in RATIOS:
                base_p50 = floors[floor].get(run["connections"])
                measured = base_p50 and run["requests"]
                run[field] = round(run["p50_ms"] / base_p50, 2) if measured else None
    return results


def measure_in_process(objects: dict, requests: int) -> None:
    """Each page's service time in this process (benchmarks/inprocess.py), beside wrk's."""
    from benchmarks.inprocess import service_time
    from benchmarks.pages import PAGES, page_path, session_cookie

    results = {}
    for page in PAGES:
        cookie = session_cookie(objects[page.user]) if page.user else None
        timing = service_time(
            page_path(page, objects), cookie=cookie, cold=page.cold, requests=requests
        )
        results[page.name] = timing
        log(
            f"in process {page.name}: {timing['p50_ms']} ms "
            f"({timing['min_ms']}-{timing['max_ms']}), HTTP {timing['status']}"
        )
    return results


def main(argv=None) -> int:
    args = arguments(argv)
    database_url = args.database_url or DEFAULT_DATABASE
    environment(database_url)

    from benchmarks.load import wrk_ensure

    wrk = wrk_ensure(log)

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from benchmarks.dataset import dataset_ensure
    from benchmarks.importbench import import_bench
    from benchmarks.pages import sample_objects
    from benchmarks.report import results_write
    from indicators.models import Evidence, Submission

    data = dataset_ensure(
        database_url, regions=args.regions, periods=args.periods, seed=args.seed, log=log
    )
    log("collecting static files for the production static storage")
    call_command("collectstatic", interactive=False, verbosity=0)
    from django.contrib.sessions.models import Session

    Session.objects.filter(expire_date__lt=datetime.datetime.now(datetime.UTC)).delete()

    load_before = [round(x, 2) for x in os.getloadavg()]
    objects = sample_objects()
    os.environ["BENCH_COLD_SUBMISSION"] = str(objects["cold_submission"].pk)  # gunicorn's too
    pages = measure_pages(wrk, objects, args.duration, args.rounds)
    if args.in_process:
        log(f"in-process service times, median of {args.in_process} requests")
        timings = measure_in_process(objects, args.in_process)
        for entry in pages:
            entry["in_process"] = timings.get(entry["name"])
    imported = None
    if not args.skip_import:
        log("import of 10,000 rows against bulk_create")
        imported = import_bench()
        log(f"import: {imported['ratio']}x bulk_create")
    load_after = os.getloadavg()
    git = ["git", "rev-parse", "--short", "HEAD"]
    commit = subprocess.run(git, cwd=ROOT, capture_output=True, text=True).stdout.strip()  # noqa: S603,S607
    results = {
        "meta": {
            "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "commit": commit or "unknown",
            "cpus": os.cpu_count(),
            "workers": 2,
            "database": database_url.rsplit("/", 1)[-1],
            "duration": args.duration,
            "rounds": args.rounds,
            "load_average": {"before": load_before, "after": [round(x, 2) for x in load_after]},
            "regions": args.regions,
            "periods": args.periods,
            "seed": args.seed,
            "submissions": Submission.objects.count(),
            "evidence": Evidence.objects.count(),
            "users": get_user_model().objects.count(),
            "generate_seconds": data["generate_seconds"],
            "cached": data["cached"],
        },
        "pages": pages,
        "import": imported,
    }
    json_path, md_path = results_write(results)
    log(f"wrote {md_path.relative_to(ROOT)} and {json_path.relative_to(ROOT)}")
    print(md_path.read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
