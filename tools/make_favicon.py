"""Make the site's icon: ``static/favicon.svg`` and ``static/favicon.ico``.

The icon is drawn here, from nothing else: two overlapping rings (two people in a working
alliance) on the header's dark blue. The SVG is what current browsers use; the ICO (16,
32 and 48 pixels) answers ``/favicon.ico``, which browsers and feed readers ask for by
themselves. Both are committed; run ``python3 tools/make_favicon.py`` from the project
root after changing the drawing. It needs Pillow, which WeasyPrint already installs.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
BACKGROUND = "#123d5c"  # --brand-dark in static/css/site.css
RINGS = (("#ffffff", 12), ("#8ccbf2", 20))  # colour and centre x, on a 32-unit square
CIRCLES = "".join(
    f'<circle cx="{x}" cy="16" r="7" fill="none" stroke="{colour}" stroke-width="3"/>'
    for colour, x in RINGS
)
SVG = f"""<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">
<title>Alliance Training</title>
<rect width="32" height="32" rx="6" fill="{BACKGROUND}"/>
{CIRCLES}
</svg>
"""


def draw(size: int = 256) -> Image.Image:
    """The same drawing as the SVG, as a square image of ``size`` pixels."""
    unit = size / 32
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    pen.rounded_rectangle((0, 0, size - 1, size - 1), radius=6 * unit, fill=BACKGROUND)
    for colour, x in RINGS:
        box = ((x - 8.5) * unit, 7.5 * unit, (x + 8.5) * unit, 24.5 * unit)
        pen.ellipse(box, outline=colour, width=round(3 * unit))
    return image


def main() -> None:
    """Write both files under static/."""
    (ROOT / "static" / "favicon.svg").write_text(SVG)
    draw().save(ROOT / "static" / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])


if __name__ == "__main__":
    main()
