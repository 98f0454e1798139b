"""The site's icon: served where browsers ask for it, linked from every page, drawn here."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

from PIL import Image


def test_favicon_ico_is_served_to_anyone(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype == "image/vnd.microsoft.icon"
    icon = Image.open(io.BytesIO(response.data))
    assert icon.format == "ICO" and (32, 32) in icon.info["sizes"]


def test_pages_link_both_icons_from_this_site(client):
    page = client.get("/auth/login")
    links = re.findall(r'<link rel="icon" href="([^"]+)"', page.get_data(as_text=True))
    assert links == ["/favicon.ico", "/static/favicon.svg"]
    # Both are on this site, so the strict CSP's img-src 'self' allows them.
    assert "img-src 'self'" in page.headers["Content-Security-Policy"]
    svg = client.get("/static/favicon.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    root = ET.fromstring(svg.data)  # noqa: S314 - our own committed file
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert b"href" not in svg.data and b"<script" not in svg.data  # nothing fetched or run
