"""Screenshots for the docs: with REDRESS_SCREENSHOTS=1 a journey saves the pages it shows to
docs/screenshots/; otherwise nothing is written."""

import os
from pathlib import Path

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def shot(page, name: str) -> None:
    if os.environ.get("REDRESS_SCREENSHOTS"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"backoffice-{name}.png"), full_page=False)
