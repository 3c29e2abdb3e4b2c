"""axe-core in the Playwright browser tests.

axe-core comes from the package registry at test time (the ``axe-playwright-python`` wheel
of the ``test`` extra ships ``axe.min.js``); nothing of it is committed. ``violations(page)``
injects it into the page and returns the serious and critical violations, each as
``(rule id, impact, help, [targets…])``.
"""

from __future__ import annotations

from pathlib import Path

BLOCKING = ("serious", "critical")


def axe_script() -> str:
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


def violations(page, impacts=BLOCKING) -> list[tuple]:
    page.evaluate(axe_script())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        (v["id"], v["impact"], v["help"], [", ".join(n["target"]) for n in v["nodes"]][:10])
        for v in result["violations"]
        if v.get("impact") in impacts
    ]


def report(found: dict) -> str:
    lines = []
    for where, items in found.items():
        for rule, impact, text, targets in items:
            lines.append(f"{where}: {impact} {rule} — {text} — {targets}")
    return "\n".join(lines)
