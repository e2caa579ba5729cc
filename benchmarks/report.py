"""results.json and results.md: the numbers of one `make bench` run and the budgets."""

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent


def budgets(results: dict) -> list[dict]:
    """Each budget with its measured value and whether it was met (reported, not enforced)."""
    checks = []
    for page in results["pages"]:
        at_8 = next((r for r in page.get("runs", []) if r["connections"] == 8), None)
        if page["name"] == "trivial" or at_8 is None:
            continue
        checks.append(
            {
                "budget": f"{page['name']} p50 <= {page['budget']:g}x trivial at c=8"
                + (" (cache-cold)" if page.get("cold") else ""),
                "value": at_8["ratio_p50"],
                "met": at_8["ratio_p50"] is not None and at_8["ratio_p50"] <= page["budget"],
            }
        )
    if results.get("import"):
        imp = results["import"]
        checks.append(
            {
                "budget": f"import of {imp['rows']} rows <= {imp['budget']:g}x bulk_create",
                "value": imp["ratio"],
                "met": imp["ratio"] <= imp["budget"],
            }
        )
    errors = sum(r["errors"] for p in results["pages"] for r in p.get("runs", []))
    errors += sum(1 for p in results["pages"] if p["status"] == "error")
    checks.append({"budget": "zero errors", "value": errors, "met": errors == 0})
    return checks


def results_write(results: dict) -> tuple[Path, Path]:
    results["budgets"] = budgets(results)
    json_path, md_path = HERE / "results.json", HERE / "results.md"
    json_path.write_text(json.dumps(results, indent=2) + "\n")
    md_path.write_text(_markdown(results))
    return json_path, md_path


def _ratio(value) -> str:
    return f"{value:.1f}x" if value is not None else "-"


def _load(meta: dict) -> str:
    load = meta.get("load_average")
    if not load:
        return "not recorded"
    return f"{load['before'][0]} before, {load['after'][0]} after"


def _markdown(results: dict) -> str:
    meta = results["meta"]
    lines = [
        "# Benchmark results",
        "",
        f"Run {meta['date']} at commit `{meta['commit']}` on {meta['cpus']} cores: "
        f"gunicorn with {meta['workers']} sync workers, PostgreSQL `{meta['database']}`, "
        f"wrk for {meta['duration']} s per run, {meta.get('rounds', 1)} rounds at c=8 (p50: their "
        f"median, and the spread of the rounds), load average {_load(meta)}.",
        "Cold pages: every request is the first after a write (`X-Bench-Cold`, "
        "benchmarks/cold.py; the write alone is `bench write`). In process: Django's handler "
        "called directly in one process, median of the requests (fastest-slowest).",
        f"Data: {meta['regions']} regions x {meta['periods']} period(s), "
        f"{meta['submissions']:,} submissions, {meta['evidence']:,} evidence records, "
        f"{meta['users']:,} users (generated in {meta['generate_seconds']} s"
        f"{', cached' if meta['cached'] else ''}).",
        "",
        "| page | c | req/s | p50 ms (rounds) | p99 ms | p50 / trivial | / signed-in trivial "
        "| in process ms | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for page in results["pages"]:
        if page["status"] != "measured":
            detail = page.get("detail", "")
            lines.append(f"| {page['name']} | | {page['status']} {detail} | | | | | | |")
            continue
        inproc = page.get("in_process")
        for run in page["runs"]:
            ratio = _ratio(run.get("ratio_p50"))
            signed = _ratio(run.get("ratio_signed_in"))
            spread = (
                f" ({run['p50_min_ms']:.1f}-{run['p50_max_ms']:.1f})"
                if len(run.get("rounds", [])) > 1
                else ""
            )
            service = (
                f"{inproc['p50_ms']:.2f} ({inproc['min_ms']:.1f}-{inproc['max_ms']:.1f})"
                if inproc and run["connections"] == 8
                else ""
            )
            lines.append(
                f"| {page['name']} | {run['connections']} | {run['rps']:.0f} | "
                f"{run['p50_ms']:.2f}{spread} | {run['p99_ms']:.2f} | {ratio} | {signed} | "
                f"{service} | {run['errors']} |"
            )
    if results.get("import"):
        imp = results["import"]
        lines += [
            "",
            f"Import of {imp['rows']:,} rows: `values_import` {imp['values_import_s']:.2f} s, "
            f"bare `bulk_create` {imp['bulk_create_s']:.2f} s: **{imp['ratio']:.1f}x**.",
        ]
    lines += ["", "| budget (reported, not enforced) | value | met |", "| --- | ---: | --- |"]
    for check in results["budgets"]:
        lines.append(
            f"| {check['budget']} | {check['value']} | {'yes' if check['met'] else 'NO'} |"
        )
    return "\n".join(lines) + "\n"
