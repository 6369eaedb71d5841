"""axe-core in the browser journeys: every main page a journey reaches is checked, zero violations.

``axe.min.js`` is vendored under ``tests/browser_assets/axe-core`` (with its licence). It is evaluated in
the page through the browser's developer protocol, so the pages' Content-Security-Policy (own scripts
only) stays as in production.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

AXE = Path(__file__).resolve().parent / "browser_assets" / "axe-core" / "axe.min.js"

RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(
      n => n.target.join(" ") + " :: " + (n.failureSummary || "").split("\\n").slice(1, 3).join(" ")),
  }));
}"""


@cache
def axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def violations(page) -> list[dict]:
    """The axe-core violations of the page as it is now (all rules but the experimental ones)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    return page.evaluate(RUN)


def assert_accessible(page, where: str = "") -> None:
    found = violations(page)
    if found:
        lines = [f"{v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"]) for v in found]
        raise AssertionError(f"axe-core found {len(found)} violation(s) on {where or page.url}:\n"
                             + "\n".join(lines))
