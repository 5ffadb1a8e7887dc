"""axe-core in real Chromium: the accessibility check of a screen, for the tests only.

The script is vendored under tests/vendor (never served by the app) and injected into the page under test.
"""

from __future__ import annotations

from pathlib import Path

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
BLOCKING = ("serious", "critical")


def violations(page, *, context: str = "document", impacts: tuple[str, ...] = BLOCKING) -> list[dict]:
    """Run axe on the page as it stands and return the violations of the given impacts, each with the
    rule, its help text and the offending elements' selectors, so a failure names what to fix."""
    # Evaluated through the DevTools protocol, so the page's Content-Security-Policy (script-src 'self')
    # does not block it as it would an injected <script>.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8") + ";0")
    result = page.evaluate(f"async () => await axe.run({context}, {{resultTypes: ['violations']}})")
    return [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "targets": [node["target"] for node in v["nodes"]],
        }
        for v in result["violations"]
        if v["impact"] in impacts
    ]
