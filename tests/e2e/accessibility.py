"""axe-core in the browser: WCAG 2.2 AA checks of whatever a page shows at the moment.

axe is vendored for the tests only (tests/e2e/vendor, scripts/vendor-test-assets.sh) and added to
every page as an init script, which the page's Content-Security-Policy does not apply to."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import BrowserContext, Page

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# axe's color-contrast rule skips text it takes for an icon-font ligature, a guess made by drawing
# the text on a canvas: joined Arabic letters pass for one, so most Arabic text went unchecked.
# Kliento's icons are Bootstrap Icons (pseudo-element glyphs, never ligatures), so the guess is
# turned off: each element's font is recorded as one without ligatures before the rule looks at it.
RUN_AXE = """async (tags) => {
  const rule = axe._audit.rules.find((rule) => rule.id === "color-contrast");
  if (!rule._klientoMatches) {
    const original = rule.matches;
    const matches = function (node, virtualNode) {
      const fonts = axe._cache.get("fonts", () => ({}));
      fonts[getComputedStyle(node).getPropertyValue("font-family")] = { occurrences: 1000, numLigatures: 0 };
      return original.call(this, node, virtualNode);
    };
    axe.configure({ rules: [{ id: "color-contrast", matches }] });
    axe._audit.rules.find((rule) => rule.id === "color-contrast")._klientoMatches = true;
  }
  const options = { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] };
  const results = await axe.run(document, options);
  return results.violations.map((violation) => ({
    id: violation.id,
    help: violation.help,
    nodes: violation.nodes.map(
      (node) => `${node.target.join(" ")} :: ${node.failureSummary.replace(/\\s+/g, " ")}`
    ),
  }));
}"""


def add_axe(context: BrowserContext) -> None:
    context.add_init_script(path=str(AXE))


def violations(page: Page) -> list[str]:
    """Every WCAG 2.2 AA violation on the page as it is now, one readable line per element."""
    found = page.evaluate(RUN_AXE, WCAG_22_AA)
    return [f"{page.url} {v['id']} ({v['help']}): {node}" for v in found for node in v["nodes"]]
