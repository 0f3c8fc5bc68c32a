"""Headless Chromium (Debian's package) driven by Playwright; axe-core comes with axe-playwright-python."""

from axe_playwright_python.sync_playwright import Axe

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def axe_violations(page) -> list[str]:
    """Every WCAG 2.1 A/AA violation axe finds on the page, as 'rule: [targets]'."""
    response = Axe().run(page, options=WCAG_21_AA).response
    return [
        f"{violation['id']}: {[node['target'] for node in violation['nodes']]}"
        for violation in response["violations"]
    ]
