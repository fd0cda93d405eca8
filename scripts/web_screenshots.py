"""Screenshots of the search page for the README: `searchkit serve` must already be running.

python scripts/web_screenshots.py http://127.0.0.1:8080/?q=NATO docs/serve-seeds.png
"""

from __future__ import annotations

import argparse
import shutil
import tempfile

BROWSER_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("out", help="PNG file to write")
    parser.add_argument("--width", type=int, default=1200)
    parser.add_argument("--height", type=int, default=900)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as profile, sync_playwright() as p:
        browser = p.chromium.launch_persistent_context(
            profile,
            executable_path=shutil.which("chromium"),
            args=BROWSER_ARGS,
            headless=True,
            viewport={"width": args.width, "height": args.height},
        )
        page = browser.new_page()
        page.goto(args.url)
        page.screenshot(path=args.out)
        browser.close()


if __name__ == "__main__":
    main()
