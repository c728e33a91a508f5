"""The design tokens (web/static/kliento/tokens.css) keep WCAG 2.2 AA contrast on every surface."""

from __future__ import annotations

import re
from itertools import product
from pathlib import Path

import kliento

TOKENS = Path(kliento.__file__).parent / "web" / "static" / "kliento" / "tokens.css"
AA = 4.5


def _tokens() -> dict[str, str]:
    root = TOKENS.read_text().split("[data-density")[0]
    return dict(re.findall(r"--(k-[a-z-]+):\s*(#[0-9a-fA-F]{6})\s*;", root))


def _luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_every_text_colour_reaches_4_5_to_1_on_every_surface():
    tokens = _tokens()
    texts = {
        name: value for name, value in tokens.items() if name.startswith("k-text") and "-on-" not in name
    }
    surfaces = {name: value for name, value in tokens.items() if name.startswith("k-surface-")}
    assert len(texts) >= 5 and len(surfaces) >= 4

    low = [
        (text, surface, round(_contrast(texts[text], surfaces[surface]), 2))
        for text, surface in product(texts, surfaces)
        if _contrast(texts[text], surfaces[surface]) < AA
    ]

    assert low == []


def test_text_on_a_fill_reaches_4_5_to_1_on_it():
    tokens = _tokens()
    pairs = {name: name.replace("k-text-on-", "k-") for name in tokens if name.startswith("k-text-on-")}
    assert pairs

    low = [(text, fill) for text, fill in pairs.items() if _contrast(tokens[text], tokens[fill]) < AA]

    assert low == []


def test_the_focus_ring_reaches_3_to_1_on_every_surface():
    tokens = _tokens()

    assert all(
        _contrast(tokens["k-focus"], value) >= 3
        for name, value in tokens.items()
        if name.startswith("k-surface-")
    )
