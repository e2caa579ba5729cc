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
                "budget": f"{page['name']} p50 <= {page['budget']:g}x trivial at c=8",
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


def _markdown(results: dict) -> str:
    meta = results["meta"]
    lines = [
        "# Benchmark results",
        "",
        f"Run {meta['date']} at commit `{meta['commit']}` on {meta['cpus']} cores: "
        f"gunicorn with {meta['workers']} sync workers, PostgreSQL `{meta['database']}`, "
        f"wrk for {meta['duration']} s per run.",
        f"Data: {meta['regions']} regions x {meta['periods']} period(s), "
        f"{meta['submissions']:,} submissions, {meta['evidence']:,} evidence records, "
        f"{meta['users']:,} users (generated in {meta['generate_seconds']} s"
        f"{', cached' if meta['cached'] else ''}).",
        "",
        "| page | c | req/s | p50 ms | p99 ms | p50 / trivial | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for page in results["pages"]:
        if page["status"] != "measured":
            detail = page.get("detail", "")
            lines.append(f"| {page['name']} | | {page['status']} {detail} | | | | |")
            continue
        for run in page["runs"]:
            ratio = f"{run['ratio_p50']:.1f}x" if run["ratio_p50"] is not None else "-"
            lines.append(
                f"| {page['name']} | {run['connections']} | {run['rps']:.0f} | "
                f"{run['p50_ms']:.2f} | {run['p99_ms']:.2f} | {ratio} | {run['errors']} |"
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
