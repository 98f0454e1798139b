"""In Chromium: each role signs in; an admin invites a therapist who registers."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

HOMES = {
    "therapist": "Your course",
    "trainer": "Course content",
    "researcher": "Research dashboard",
    "admin": "Users",
}


@pytest.mark.parametrize("role", ["therapist", "trainer", "researcher", "admin"])
def test_each_role_signs_in_and_sees_their_home(page, make_user, sign_in, assert_accessible, role):
    user = make_user(role, name=f"Dana {role.title()}")
    page.goto("/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert_accessible(page)
    sign_in(user)
    expect(page.get_by_role("heading", level=1)).to_contain_text(HOMES[role])
    expect(page.get_by_role("banner")).to_contain_text(f"Dana {role.title()}")
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_admin_invites_a_therapist_who_registers_through_the_link(
    page, make_user, sign_in, assert_accessible, outbox, mail_count
):
    sign_in(make_user("admin"))
    page.get_by_role("link", name="Invitations").click()
    assert_accessible(page)
    page.get_by_label("E-mail", exact=True).fill("new.therapist@example.org")
    page.get_by_label("Role").select_option("therapist")
    page.get_by_label("Trial arm (therapists only)").select_option("self_paced")
    expect(page.get_by_label("Language of the invitation e-mail")).to_have_value("en")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation sent to new.therapist@example.org.")).to_be_visible()
    expect(page.get_by_role("cell", name="pending")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    body = mail_count(1)[-1].get_body(("plain",)).get_content()
    link = re.search(r"http://\S+/auth/register/[\w-]+", body).group(0)
    path = link[link.index("/auth/") :]
    page.goto(path)
    expect(page.get_by_role("heading", name="Create your account")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Full name").fill("Robin Invited")
    page.get_by_label("Choose a password").fill("a very good password")
    page.get_by_label("Repeat the password").fill("a very good password")
    page.get_by_label("Your time zone").select_option("America/Vancouver")
    page.get_by_label("Profession").select_option("social_worker")
    page.get_by_label("Province or state").select_option("BC")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("Welcome! Your account is ready.")).to_be_visible()
    expect(page.get_by_role("banner")).to_contain_text("Robin Invited")
