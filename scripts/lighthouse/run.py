"""Lighthouse accessibility and best-practices scores of every role's main pages.

Any developer can run it against a running portal with the demo data (`make serve` or
`make run`), with Debian's Chromium:

    cd scripts/lighthouse && npm ci && cd -
    make serve DEMO_PASSWORD=demo-password-123 &        # or: make run DEMO_PASSWORD=...
    .venv/bin/python scripts/lighthouse/run.py --base http://127.0.0.1:8000 \
        --password demo-password-123

It starts one headless Chromium, signs in as each role through the real login form in it
(Playwright over the DevTools port), lets Lighthouse audit the role's pages in that same
signed-in browser (`--port`, `--disable-storage-reset`), prints one line per page and writes
the JSON reports and a summary to test-artifacts/lighthouse/. `--strict` exits non-zero when a
score is below 100. CHROME_PATH chooses the browser (default /usr/bin/chromium).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
LIGHTHOUSE = HERE / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("accessibility", "best-practices")

# Each role's main pages; {submission} is the first submission of the admin's list.
PAGES = [
    ("anonymous", None, "/accounts/login/"),
    ("operator", "operator.dinkes", "/"),
    ("operator", "operator.dinkes", "/items/III.13.a/?agency=DINKES"),
    ("verifier", "verifikator", "/admin/"),
    ("verifier", "verifikator", "/admin/indicators/submission/"),
    ("verifier", "verifikator", "/admin/indicators/submission/{submission}/change/"),
    ("verifier", "verifikator", "/admin/review/"),
    ("verifier", "verifikator", "/admin/review/{submission}/"),
    ("operator", "operator.dlh", "/fasilitas/register/"),
    ("gugus tugas", "gugustugas", "/dashboard/"),
    ("gugus tugas", "gugustugas", "/fasilitas/cakupan/"),
]


def login(cdp, base: str, username: str | None, password: str) -> None:
    """Sign the browser in as `username` (None: signed out) through the portal's login form."""
    context = cdp.contexts[0]
    context.clear_cookies()
    if username is None:
        return
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    if not any(c["name"] == "sessionid" for c in context.cookies()):
        sys.exit(f"login as {username} failed: check --password and that the demo data is seeded")
    page.close()


def first_submission(cdp, base: str) -> str:
    page = cdp.contexts[0].new_page()
    page.goto(f"{base}/admin/indicators/submission/")
    link = page.locator("a[href*='/admin/indicators/submission/'][href$='/change/']").first
    href = link.get_attribute("href")
    page.close()
    return re.search(r"/(\d+)/change/", href).group(1)


def audit(url: str, port: int, out: Path) -> dict:
    command = [
        str(LIGHTHOUSE),
        url,
        f"--port={port}",
        "--disable-storage-reset",
        f"--only-categories={','.join(CATEGORIES)}",
        "--output=json",
        f"--output-path={out}",
        "--quiet",
        "--form-factor=desktop",
        "--screenEmulation.disabled",
    ]
    subprocess.run(command, check=True)  # noqa: S603 (our own command line)
    report = json.loads(out.read_text())
    scores = {c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES}
    weighted = {
        ref["id"] for c in CATEGORIES for ref in report["categories"][c]["auditRefs"]
        if ref.get("weight", 0) > 0
    }  # fmt: skip
    failing = sorted(
        audit_id
        for audit_id, result in report["audits"].items()
        if audit_id in weighted and result.get("score") is not None and result["score"] < 1
    )
    return {"scores": scores, "failing": failing}


def _connect(playwright, port: int):
    for _attempt in range(50):
        try:
            return playwright.chromium.connect_over_cdp(f"http://127.0.0.1:{port}")
        except Exception:  # not listening yet
            time.sleep(0.2)
    sys.exit(f"Chromium did not open its DevTools port {port}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--password", default=os.environ.get("DEMO_PASSWORD", ""))
    parser.add_argument("--out", default=str(ROOT / "test-artifacts" / "lighthouse"))
    parser.add_argument("--strict", action="store_true", help="exit 1 below 100")
    parser.add_argument("--port", type=int, default=9333, help="Chromium's DevTools port")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        sys.exit(f"Lighthouse is not installed: cd {HERE} && npm ci")
    base, out = args.base.rstrip("/"), Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    chrome = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
    port = args.port
    profile = tempfile.mkdtemp(prefix="kla-lighthouse-")
    browser = subprocess.Popen(  # noqa: S603 (the configured browser)
        [chrome, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         f"--remote-debugging-port={port}", f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    results, signed_in = [], object()
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            cdp = _connect(playwright, port)
            for role, username, path in PAGES:
                if username != signed_in:
                    login(cdp, base, username, args.password)
                    signed_in = username
                if "{submission}" in path:
                    path = path.format(submission=first_submission(cdp, base))
                name = re.sub(r"[^a-z0-9]+", "-", f"{role} {path}".lower()).strip("-")
                result = audit(base + path, port, out / f"{name}.json")
                results.append({"role": role, "path": path, **result})
                scores = " ".join(f"{c} {s:3d}" for c, s in result["scores"].items())
                failing = ", ".join(result["failing"]) or "-"
                print(f"{role:12} {path:52} {scores}  failing: {failing}", flush=True)
    finally:
        browser.terminate()
        browser.wait()
        shutil.rmtree(profile, ignore_errors=True)
    (out / "summary.json").write_text(json.dumps(results, indent=2))
    below = [r for r in results if min(r["scores"].values()) < 100]
    return 1 if args.strict and below else 0


if __name__ == "__main__":
    sys.exit(main())
