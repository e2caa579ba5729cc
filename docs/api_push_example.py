#!/usr/bin/env python3
"""An agency's system pushes a year's values to Portal KLA and reads back the score.

Standard library only, so it runs on any server that has Python 3.11:

    export KLA_TOKEN=kla_...            # a read-write token from /api/tokens/
    python3 docs/api_push_example.py --base-url https://kla.example.go.id \\
        --region balikpapan --year 2026 --agency DINKES values.csv

values.csv has the import's columns (agency may be left out: --agency fills it):

    item,numerator,denominator,value,note
    III.12.a,8102,11334,,Rekap SIGIZI per 31 Desember

The push is checked first (dry_run) and only then sent; a refused row is printed with its row
number and reason, and nothing is written (all or nothing, as the import).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request


def call(base: str, token: str, method: str, path: str, body: dict | None = None) -> dict:
    if not base.startswith(("https://", "http://")):
        raise SystemExit("--base-url must start with https:// (or http:// on loopback)")
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base.rstrip("/") + path, data=data, method=method)  # noqa: S310
    request.add_header("Authorization", f"Bearer {token}")
    request.add_header("Accept", "application/json")
    request.add_header("Accept-Language", os.environ.get("KLA_LANGUAGE", "id"))
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - http(s) only
            return json.load(response)
    except urllib.error.HTTPError as error:
        problem = json.load(error)
        print(f"{error.code} {problem['title']}: {problem['detail']}", file=sys.stderr)
        for item in problem.get("errors", []):
            where = f"baris {item['row']}" if item.get("row") else item.get("field") or ""
            column = f", kolom {item['column']}" if item.get("column") else ""
            print(f"  {where}{column}: {item['message']}", file=sys.stderr)
        raise SystemExit(1) from None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("values", help="CSV with item,numerator,denominator,value,note")
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--region", required=True)
    parser.add_argument("--year", type=int, required=True)
    parser.add_argument("--agency", default="", help="the agency code of every row, e.g. DINKES")
    args = parser.parse_args(argv)
    token = os.environ.get("KLA_TOKEN")
    if not token:
        parser.error("set KLA_TOKEN to a read-write token from /api/tokens/")

    query = urllib.parse.urlencode({"region": args.region, "year": args.year})
    periods = call(args.base_url, token, "GET", f"/api/v1/periods/?{query}")["results"]
    if not periods:
        print(f"No period {args.year} for {args.region} visible to this token.", file=sys.stderr)
        return 1
    period = periods[0]["id"]
    with open(args.values, newline="", encoding="utf-8-sig") as handle:
        rows = [
            {k: v for k, v in row.items() if v not in (None, "")} for row in csv.DictReader(handle)
        ]

    body = {"agency": args.agency, "rows": rows}
    check = call(args.base_url, token, "POST", f"/api/v1/periods/{period}/values/",
                 {**body, "dry_run": True})  # fmt: skip
    print(
        f"checked: {check['new']} new, {check['changed']} changed, {check['unchanged']} unchanged"
    )
    done = call(args.base_url, token, "POST", f"/api/v1/periods/{period}/values/", body)
    print(f"sent: {done['new']} new, {done['changed']} changed, {done['unchanged']} unchanged")

    score = call(args.base_url, token, "GET", f"/api/v1/periods/{period}/score/?basis=self")
    agencies = ", ".join(score["agencies"] or [args.region])
    print(f"score ({score['basis']}, {agencies}): {score['total']:.2f}")
    for row in score["items"]:
        if row["value"] is not None:
            print(f"  {row['code']}: value {row['value']}, fraction {row['fraction']:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
