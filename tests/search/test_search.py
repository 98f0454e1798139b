"""Searching the published modules through the database's own full-text index."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from course.authoring.services import publish_module
from course.catalog.search_index import MARK_END, MARK_START, ModuleSection, sections_of
from course.extensions import db
from course.search.services import marked


def _search(client, q):
    return client.get("/search/", query_string={"q": q})


@pytest.fixture
def learner(client, make_user, login, course):
    user = make_user("therapist", arm="self_paced")
    login(user)
    return user


def test_a_word_finds_its_section_with_the_match_marked_and_a_link(client, learner):
    response = _search(client, "repaired")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "1 section found" in page
    assert '<a href="/learning/modules/intro#sec-why-it-matters">Why it matters</a>' in page
    assert "Module 1: Introduction to tensions" in page
    assert "<mark>repaired</mark>" in page


def test_stemming_and_every_word_must_match(client, learner):
    # "strains" finds "strain" (both databases stem English words).
    assert "sec-what-a-tension-is" in _search(client, "strains alliance").get_data(as_text=True)
    assert "Nothing found" in _search(client, "strain outcomes").get_data(as_text=True)


def test_a_locked_module_is_not_searched_until_it_opens(client, learner, complete_modules):
    assert "Nothing found" in _search(client, "more reading").get_data(as_text=True)
    complete_modules(learner, "intro")
    assert "/learning/modules/next#sec-next" in _search(client, "more reading").get_data(
        as_text=True
    )


@pytest.mark.parametrize("arm", ["control", "workshop"])
def test_no_search_without_the_course(client, make_user, login, course, arm):
    login(make_user("therapist", arm=arm))
    response = _search(client, "tension")
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "not open to you" in page and "strain in the working alliance" not in page


def test_staff_search_every_module_and_researchers_cannot(app, client, make_user, login, course):
    login(make_user("trainer"))
    page = _search(client, "reading").get_data(as_text=True)
    assert '<a href="/authoring/modules/next/edit">Next</a>' in page
    researcher = app.test_client()
    login(make_user("researcher"), on=researcher)
    assert _search(researcher, "reading").status_code == 403


@pytest.mark.parametrize(
    ("q", "says"),
    [
        ("", "Type a word or two"),
        ('"', "quotes, signs and symbols"),
        ('"""', "quotes, signs and symbols"),
        ("AND OR NOT", "Nothing found"),
        ("NEAR(tension", "Nothing found"),  # "near" is a word to find like any other
        ("tension*", "2 sections found"),
        ("'; DROP TABLE modules; --", "Nothing found"),
        ("x" * 5000, "at most 200 characters"),
        ("<script>alert(1)</script>", "Nothing found"),
    ],
)
def test_empty_or_garbage_queries_get_a_clear_message(client, learner, q, says):
    response = _search(client, q)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert says in page
    assert "<script>alert" not in page


def test_the_search_page_without_a_query_is_just_the_box(client, learner):
    page = client.get("/search/").get_data(as_text=True)
    assert 'role="search"' in page and "Type a word" not in page and "found" not in page


def test_publishing_a_revision_replaces_its_sections_in_the_index(app, client, learner):
    text = (
        "---\ntitle: Introduction to tensions\norder: 1\nsummary: What a tension is.\n"
        "estimated_minutes: 20\ncompletion:\n  min_seconds: 60\n---\n"
        "## Ruptures explained\n\nA rupture is a deterioration of the alliance.\n"
    )
    with app.app_context():
        publish_module(text, actor=None, slug="intro")
        db.session.commit()
        assert db.session.scalar(db.select(db.func.count(ModuleSection.id))) == 2
    assert "Nothing found" in _search(client, "repaired").get_data(as_text=True)
    assert "#sec-ruptures-explained" in _search(client, "deterioration").get_data(as_text=True)


def test_reindex_command_rebuilds_the_index(app, runner, client, learner):
    with app.app_context():
        db.session.execute(db.delete(ModuleSection))
        db.session.commit()
    assert "Nothing found" in _search(client, "repaired").get_data(as_text=True)
    result = runner.invoke(args=["content", "reindex"])
    assert result.exit_code == 0 and "2 published module(s) indexed" in result.output
    assert "<mark>repaired</mark>" in _search(client, "repaired").get_data(as_text=True)


def test_snippets_are_escaped_and_their_marks_always_balance():
    snippet = f"a <b>&amp; {MARK_START}x{MARK_END} {MARK_START}y {MARK_END}{MARK_END}{MARK_START}z"
    assert str(marked(snippet)) == (
        "a &lt;b&gt;&amp;amp; <mark>x</mark> <mark>y </mark><mark>z</mark>"
    )


def test_sections_are_cut_at_contents_headings():
    html = (
        "<p>Intro &amp; more.</p><h2 id='sec-a'>First <em>one</em></h2><p>Alpha</p>"
        "<h4 id='sec-deep'>Deep</h4><p>Beta</p><h3 id='sec-b'>Second</h3><ul><li>Gamma</li>"
        "<li>Delta\ue000</li></ul><h2 id='not-listed'>Other</h2><p>Epsilon</p>"
    )
    toc = [{"anchor": a} for a in ("sec-a", "sec-deep", "sec-b")]
    found = [(s.anchor, s.heading, s.body) for s in sections_of(html, toc, "Title")]
    assert found == [
        ("", "Title", "Intro & more."),
        ("sec-a", "First one", "Alpha Deep Beta"),
        ("sec-b", "Second", "Gamma Delta Other Epsilon"),
    ]
    assert [s.anchor for s in sections_of("<h2 id='sec-a'>A</h2>", toc, "T")] == ["sec-a"]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(q=st.text(max_size=250))
def test_no_query_is_a_server_error(client, learner, q):
    response = _search(client, q.replace("\x00", ""))
    assert response.status_code == 200
