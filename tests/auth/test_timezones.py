"""The time-zone list: each IANA zone once, North America first, legacy aliases left out."""

from __future__ import annotations

import re

from course.auth.forms import canonical_zones, timezone_choices


def _options(page: str, name: str = "timezone") -> list[tuple[str, str]]:
    select = re.search(rf'<select[^>]*name="{name}".*?</select>', page, re.S)
    assert select, page
    return re.findall(r'<option(?: selected)? value="([^"]*)"[^>]*>([^<]*)<', select.group(0))


def test_registration_offers_each_zone_once_without_legacy_aliases(
    client, make_user, login, csrf, outbox
):
    from tests.auth.test_links import _invite

    path = _invite(client, login, make_user, csrf, outbox)
    values = [value for value, _ in _options(client.get(path).get_data(as_text=True))]
    assert len(values) == len(set(values)) < 450
    assert values[:3] == ["America/St_Johns", "America/Halifax", "America/Toronto"]
    for legacy in ("US/Eastern", "Canada/Pacific", "America/Montreal", "Europe/Kiev", "GMT"):
        assert legacy not in values
    for zone in ("Europe/Kyiv", "Asia/Kolkata", "Pacific/Auckland", "UTC"):
        assert zone in values


def test_registration_refuses_a_zone_the_list_does_not_offer(
    app, client, make_user, login, csrf, outbox
):
    from tests.auth.test_links import _invite, _register

    path = _invite(client, login, make_user, csrf, outbox)
    response = client.post(
        path,
        data={
            "name": "New Person",
            "password": "a long enough password",
            "confirm": "a long enough password",
            "timezone": "US/Eastern",
            "csrf_token": csrf(client),
        },
    )
    assert response.status_code in (200, 400)
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert _register(client, csrf, path).status_code == 302  # the listed zone works


def test_a_stored_legacy_zone_is_kept_and_labelled():
    choices = timezone_choices(keep="Canada/Eastern")
    assert (choices[0].value, choices[0].label) == ("Canada/Eastern", "Canada/Eastern (as saved)")
    assert [c.value for c in timezone_choices(keep="America/Toronto")].count("America/Toronto") == 1
    assert "No/Such_Zone" not in [c.value for c in timezone_choices(keep="No/Such_Zone")]
    assert all("/" in zone for zone in canonical_zones())
