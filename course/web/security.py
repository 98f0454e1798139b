"""Response headers: a strict CSP and the usual hardening, on every response."""

from __future__ import annotations

from flask import Flask, Response

#: The only third-party origins: the two video players' frames (DESIGN "Security").
PLAYER_FRAMES = ("https://www.youtube-nocookie.com", "https://player.vimeo.com")

CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "media-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "frame-src " + " ".join(PLAYER_FRAMES),
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "object-src 'none'",
    )
)


def add_headers(app: Flask, response: Response) -> Response:
    """after_request: attach the security headers."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if app.config["SESSION_COOKIE_SECURE"]:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response
