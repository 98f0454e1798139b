"""Media uploads: checked by content, stored under safe names, served with Range support."""

from __future__ import annotations

import io
from html.parser import HTMLParser
from pathlib import Path

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

FIXTURES = Path(__file__).parent.parent / "fixtures" / "media"


@pytest.fixture
def trainer(client, make_user, login):
    user = make_user("trainer")
    login(user)
    return user


def _upload(client, csrf, name: str, data: bytes):
    return client.post(
        "/authoring/media",
        data={"file": (io.BytesIO(data), name), "csrf_token": csrf(client)},
        content_type="multipart/form-data",
    )


def _stored(app) -> list[str]:
    folder = Path(app.config["STORAGE_DIR"]) / "media"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_a_real_video_and_captions_upload_and_are_served(app, client, csrf, trainer):
    video = (FIXTURES / "short.mp4").read_bytes()
    response = _upload(client, csrf, "roleplay.mp4", video)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/authoring/media?uploaded=media/roleplay.mp4")
    listing = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'value="media/roleplay.mp4"' in listing  # the path to paste
    assert _upload(client, csrf, "roleplay.en.vtt", (FIXTURES / "short.en.vtt").read_bytes())
    assert _stored(app) == ["roleplay.en.vtt", "roleplay.mp4"]

    with client.get("/media/roleplay.mp4") as served:
        assert served.status_code == 200
        assert served.headers["Content-Type"] == "video/mp4"
        assert served.data == video
    with client.get("/media/roleplay.mp4", headers={"Range": "bytes=0-99"}) as part:
        assert part.status_code == 206
        assert part.headers["Content-Range"] == f"bytes 0-99/{len(video)}"
        assert part.data == video[:100]
    with client.get("/media/roleplay.en.vtt") as captions:
        assert captions.headers["Content-Type"].startswith("text/vtt")


def test_a_second_upload_with_the_same_name_never_replaces_the_first(app, client, csrf, trainer):
    video = (FIXTURES / "short.mp4").read_bytes()
    _upload(client, csrf, "clip.mp4", video)
    response = _upload(client, csrf, "clip.mp4", video)
    assert response.headers["Location"].endswith("uploaded=media/clip-2.mp4")
    assert _stored(app) == ["clip-2.mp4", "clip.mp4"]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "talk.mp4",
            b"this is only text, not a video\n" * 4,
            "talk.mp4 does not contain video/mp4",
        ),
        ("setup.exe", b"MZ\x90\x00" + b"\x00" * 60, "Upload an .mp4 or .webm video, or a .vtt"),
        ("notes.vtt", b"NOTVTT\n\n00:00.000 --> 00:01.000\nHi\n", "does not contain text/vtt"),
        (
            "cut.mp4",
            b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 200,
            "cut.mp4 holds no readable video length",
        ),
    ],
)
def test_a_wrong_file_is_refused_with_a_clear_message_and_nothing_stored(
    app, client, csrf, trainer, name, data, message
):
    response = _upload(client, csrf, name, data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _stored(app) == []


def test_captions_over_their_size_limit_are_refused(app, client, csrf, trainer):
    big = b"WEBVTT\n\n" + b"x" * (2 * 1024 * 1024 + 1)
    # Encoded in memory: the test client would spool a body this size to a file it never closes.
    fields = {"file": FileStorage(io.BytesIO(big), "huge.vtt"), "csrf_token": csrf(client)}
    boundary, body = encode_multipart(fields)
    response = client.post(
        "/authoring/media", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 422
    assert "huge.vtt is larger than 2 MB." in response.get_data(as_text=True)
    assert _stored(app) == []


def test_a_missing_file_is_explained(client, csrf, trainer):
    response = client.post("/authoring/media", data={"csrf_token": csrf(client)})
    assert response.status_code == 422
    assert "Choose a file to upload." in response.get_data(as_text=True)


def test_a_path_in_the_file_name_is_neutralised(app, client, csrf, trainer, tmp_path):
    captions = (FIXTURES / "short.en.vtt").read_bytes()
    response = _upload(client, csrf, "../../escape.vtt", captions)
    assert response.headers["Location"].endswith("uploaded=media/escape.vtt")
    assert _stored(app) == ["escape.vtt"]
    storage = Path(app.config["STORAGE_DIR"])
    assert not (storage / "escape.vtt").exists() and not (storage.parent / "escape.vtt").exists()
    assert client.get("/media/../../escape.vtt").status_code == 404


def test_a_too_large_upload_gets_the_friendly_413_page(app, client, csrf, trainer):
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    video = (FIXTURES / "short.mp4").read_bytes()
    assert len(video) > 10_000
    response = _upload(client, csrf, "big.mp4", video)
    assert response.status_code == 413
    assert "larger than this page accepts" in response.get_data(as_text=True)
    assert _stored(app) == []


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts = 0
        self.cues: list[str] = []
        self._in_dd = False

    def handle_starttag(self, tag, attrs):
        # The site's own scripts come from /static; an inline one could only be a cue's.
        self.scripts += tag == "script" and not dict(attrs).get("src", "").startswith("/static/")
        self._in_dd = tag == "dd"

    def handle_endtag(self, tag):
        self._in_dd = False

    def handle_data(self, data):
        if self._in_dd:
            self.cues.append(data)


def test_the_transcript_shows_cue_text_escaped(client, csrf, trainer):
    vtt = b"WEBVTT\n\n00:00:00.000 --> 00:00:02.000\n<script>alert(1)</script> Hello\n"
    _upload(client, csrf, "cues.vtt", vtt)
    page = client.get("/transcripts/cues.vtt").get_data(as_text=True)
    parsed = _Text()
    parsed.feed(page)
    assert parsed.cues == ["<script>alert(1)</script> Hello"]
    assert parsed.scripts == 0
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
