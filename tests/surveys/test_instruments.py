"""Instrument and survey files: the shipped ones, and every rule check_file enforces."""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType

import pytest

from course.content import ContentErrors
from course.surveys.instruments import (
    BUILTIN_DIR,
    Catalog,
    check_file,
    fill,
    load_builtin,
    load_dir,
    load_instrument,
)

SHIPPED = sorted(BUILTIN_DIR.glob("*.yaml"))
EMPTY = Catalog(MappingProxyType({}), MappingProxyType({}))

# Line numbers matter: the cases below point at these lines.
VALID = """\
name: demo
title: Demo measure
scale:
  min: 1
  max: 5
  labels: {1: One, 2: Two, 3: Three, 4: Four, 5: Five}
items:
  - {id: demo_1, text: "[X] works."}
  - {id: demo_2, text: "[X] helps."}
scoring:
  method: mean
  min_answered: 1
"""
SUS_ITEMS = "".join(
    f"  - {{id: s_{n}, text: Item {n}., polarity: {('negative', 'positive')[n % 2]}}}\n"
    for n in range(1, 10)
)


def check(tmp_path: Path, text: str, name: str = "demo", catalog: Catalog = EMPTY) -> list[str]:
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return [error.removeprefix(f"{path}:") for error in check_file(path, catalog)]


@pytest.mark.parametrize("path", SHIPPED, ids=lambda path: path.name)
def test_every_shipped_file_passes_check_file(path: Path):
    assert check_file(path) == []


def test_builtin_catalog_has_the_instruments_and_the_acceptability_survey():
    catalog = load_builtin()
    assert sorted(catalog.instruments) == ["aim", "fim", "iam", "open-ended", "sus", "tfa"]
    survey = catalog.surveys["acceptability"]
    assert survey.title == "Post-course acceptability survey"
    assert survey.instruments == ("aim", "iam", "fim", "sus", "tfa", "open-ended")
    assert [i.name for i in catalog.bundle("acceptability")] == list(survey.instruments)
    assert catalog.bundle("aim") == (catalog.instruments["aim"],)
    with pytest.raises(KeyError):
        catalog.bundle("wai-sr")


@pytest.mark.parametrize(
    ("name", "count", "method", "min_answered"),
    [
        ("aim", 4, "mean", 3),
        ("iam", 4, "mean", 3),
        ("fim", 4, "mean", 3),
        ("sus", 10, "sus", None),
        ("tfa", 9, "none", None),
        ("open-ended", 2, "none", None),
    ],
)
def test_shipped_instruments_have_their_published_shape(name, count, method, min_answered):
    instrument = load_builtin().instruments[name]
    assert len(instrument.items) == count
    assert (instrument.scoring.method, instrument.scoring.min_answered) == (method, min_answered)
    for item in instrument.items:
        if item.type == "scale":
            assert [point for point, _ in item.labels] == [1, 2, 3, 4, 5]


def test_sus_items_follow_the_standard_order():
    texts = [item.text for item in load_builtin().instruments["sus"].items]
    themes = ["frequently", "complex", "easy to use", "technical person", "integrated"]
    themes += ["inconsistency", "learn to use", "cumbersome", "confident", "learn a lot"]
    assert all(theme in text for theme, text in zip(themes, texts, strict=True))


def test_sus_asks_about_the_platform_with_brookes_polarity_declared_per_item():
    sus = load_builtin().instruments["sus"]
    assert all("training platform" in item.text for item in sus.items)
    assert not any("[X]" in item.text or "course" in item.text for item in sus.items)
    positive = {item.id for item in sus.items if item.polarity == "positive"}
    assert positive == {"sus_1", "sus_3", "sus_5", "sus_7", "sus_9"}
    assert {item.polarity for item in sus.items} == {"positive", "negative"}
    assert "Sauro" in sus.citation and "68" in sus.citation


def test_tfa_items_look_back_and_each_ask_one_thing():
    texts = [item.text for item in load_builtin().instruments["tfa"].items]
    assert all(" and " not in text and "such as" not in text for text in texts)
    present_or_future = (" will ", "How likely", " do you ", " does ", "can you", " is it ")
    assert not [text for text in texts if any(word in text for word in present_or_future)]
    assert all(" did " in text or " was " in text for text in texts)


def test_tfa_items_each_have_their_own_anchors():
    tfa = load_builtin().instruments["tfa"]
    assert len({item.labels for item in tfa.items}) > 1
    assert tfa.scale is not None and tfa.scale.labels == ()
    assert tfa.scored_items == ()


def test_open_ended_items_are_free_text():
    items = load_builtin().instruments["open-ended"].items
    assert [item.type for item in items] == ["text", "text"]
    assert items[0].text == "Would you use this kind of training in your practice? Why or why not?"
    assert items[1].text == "What should change?"


def test_item_ids_are_unique_across_the_catalog():
    ids = [item.id for i in load_builtin().instruments.values() for item in i.items]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[X] meets my approval.", "The self-paced course meets my approval."),
        ("I like [X].", "I like the self-paced course."),
        (
            "Think of [X]. [X] is new.",
            "Think of the self-paced course. The self-paced course is new.",
        ),
        ("No placeholder.", "No placeholder."),
    ],
)
def test_fill_puts_the_intervention_in_and_capitalises_a_sentence_start(text, expected):
    assert fill(text, "the self-paced course") == expected


def test_load_instrument_reads_one_file_and_refuses_a_survey():
    assert load_instrument(BUILTIN_DIR / "aim.yaml").items[2].text == "I like [X]."
    with pytest.raises(ContentErrors, match="survey, not an instrument"):
        load_instrument(BUILTIN_DIR / "acceptability.yaml")


def test_valid_demo_has_no_errors(tmp_path):
    assert check(tmp_path, VALID) == []


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        ("title: Demo measure\n", "title: Demo measure\nowner: me\n", 3, "unknown key 'owner'"),
        ("title: Demo measure\n", "", 1, "missing required key 'title'"),
        ("name: demo", "name: other", 1, "must equal the file name 'demo'"),
        ("name: demo", "name: Demo", 1, "not a valid name"),
        ("name: demo\n", "name: demo\nkind: form\n", 2, "'kind' must be 'instrument' or"),
        ("id: demo_2", "id: demo_1", 9, "duplicate item id 'demo_1' (first at line 8)"),
        ("id: demo_2", "id: Demo_2", 9, "must be a REDCap variable name"),
        ("id: demo_2", "id: 2demo", 9, "must be a REDCap variable name"),
        ("id: demo_2", "id: " + "d" * 27, 9, "at most 26"),
        ("id: demo_2", "id: demo_complete", 9, "REDCap reserves"),
        ("id: demo_2", "id: demo___2", 9, "REDCap reserves"),
        ('text: "[X] helps."', "text: Helps, note: x", 9, "item 2: unknown key 'note'"),
        ('text: "[X] helps."', "text: Helps, type: slider", 9, "'type' must be 'scale'"),
        ('text: "[X] helps."', "text: Hi, type: text, labels: {1: a}", 9, "'text' item has no"),
        ("max: 5", "max: 1", 5, "'max' (1) must be greater than 'min' (1)"),
        ("4: Four, 5: Five", "4: Four", 6, "'labels' must cover 1 to 5; missing 5"),
        ("5: Five}", "5: Five, 6: Six}", 6, "label 6 is not a point of the scale 1 to 5"),
        ("method: mean", "method: median", 11, "'method' must be one of mean, sus, none"),
        ("min_answered: 1", "min_answered: 3", 12, "'min_answered' (3) exceeds the 2"),
        ("method: mean", "method: none", 12, "applies to method 'mean' only"),
        ("method: mean\n  min_answered: 1", "method: sus", 11, "exactly 10 scale items, not 2"),
        (
            "scale:\n  min: 1\n  max: 5\n  labels: {1: One, 2: Two, 3: Three, 4: Four, 5: Five}\n",
            "",
            1,
            "missing 'scale'",
        ),
        ("items:\n", "items:\n  - just text\n", 8, "item 1 must be a mapping"),
        ("scoring:\n", "notes: hi\nscoring:\n", 10, "unknown key 'notes'"),
        ("title: Demo measure", "title: Demo: measure", 2, "YAML syntax error"),
        ("scoring:\n  method: mean\n  min_answered: 1\n", "scoring:\n", 10, "'scoring' must not"),
        (
            "  min: 1\n  max: 5\n  labels: {1: One, 2: Two, 3: Three, 4: Four, 5: Five}\n",
            "",
            3,
            "'scale' must not be empty",
        ),
        ('text: "[X] helps."', "type: text", 9, "item 2: missing required key 'text'"),
    ],
)
def test_check_file_reports_each_rule_at_its_line(tmp_path, old, new, line, message):
    assert old in VALID
    errors = check(tmp_path, VALID.replace(old, new, 1))
    assert len(errors) == 1 and errors[0].startswith(f"{line}: ") and message in errors[0], errors


def test_sus_needs_a_one_to_five_scale_and_ten_items(tmp_path):
    text = VALID.replace("max: 5", "max: 7").replace("5: Five}", "5: Five, 6: Six, 7: Seven}")
    text = text.replace("method: mean\n  min_answered: 1", "method: sus")
    text = text.replace("items:\n", "items:\n" + SUS_ITEMS[: SUS_ITEMS.index("  - {id: s_9")])
    text = text.replace('helps."}', 'helps.", polarity: negative}')
    text = text.replace('works."}', 'works.", polarity: positive}')
    # 8 SUS items + the 2 demo items make 10; 'method' moves down 8 lines, to 19.
    assert check(tmp_path, text) == ["19: scoring: method 'sus' needs a 1 to 5 scale, not 1 to 7"]
    ok = VALID.replace("method: mean\n  min_answered: 1", "method: sus")
    ok = ok.replace("items:\n", "items:\n" + SUS_ITEMS[: SUS_ITEMS.index("  - {id: s_9")])
    ok = ok.replace('helps."}', 'helps.", polarity: negative}')
    ok = ok.replace('works."}', 'works.", polarity: positive}')
    assert check(tmp_path, ok) == []


def _sus(items: str) -> str:
    return VALID.replace("method: mean\n  min_answered: 1", "method: sus").replace(
        '  - {id: demo_1, text: "[X] works."}\n  - {id: demo_2, text: "[X] helps."}\n', items
    )


def test_sus_refuses_an_item_without_polarity(tmp_path):
    items = SUS_ITEMS + "  - {id: s_10, text: Item 10.}\n"
    assert check(tmp_path, _sus(items)) == [
        "19: scoring: method 'sus' needs 'polarity: positive' or 'polarity: negative' on every "
        "item (the score never guesses it from the order); missing on s_10"
    ]
    assert check(tmp_path, _sus(items.replace("Item 10.}", "Item 10., polarity: negative}"))) == []
    with pytest.raises(ContentErrors, match="missing on s_10"):
        (tmp_path / "demo.yaml").write_text(_sus(items))
        load_instrument(tmp_path / "demo.yaml")


@pytest.mark.parametrize(
    ("last", "message"),
    [
        ("polarity: positive", "needs 5 positive and 5 negative items, not 6 and 4"),
        ("polarity: up", "'polarity' must be 'positive' or 'negative', not 'up'"),
    ],
)
def test_sus_polarity_must_be_balanced_and_spelled_out(tmp_path, last, message):
    errors = check(tmp_path, _sus(SUS_ITEMS + f"  - {{id: s_10, text: Item 10., {last}}}\n"))
    assert len(errors) == 1 and message in errors[0], errors


def test_polarity_belongs_to_the_sus_only(tmp_path):
    text = VALID.replace('text: "[X] helps."', 'text: "[X] helps.", polarity: positive')
    assert check(tmp_path, text) == [
        "11: scoring: 'polarity' applies to method 'sus' only (set on demo_2)"
    ]


def test_scale_items_need_labels_from_the_scale_or_their_own(tmp_path):
    text = VALID.replace("  labels: {1: One, 2: Two, 3: Three, 4: Four, 5: Five}\n", "")
    errors = check(tmp_path, text)
    assert errors == [
        "7: item 1: needs 'labels': the instrument's scale has none",
        "8: item 2: needs 'labels': the instrument's scale has none",
    ]
    own = "labels: {1: a, 2: b, 3: c, 4: d, 5: e}"
    text = text.replace('text: "[X] works."', f"text: Works, {own}")
    text = text.replace('text: "[X] helps."', f"text: Helps, {own}")
    assert check(tmp_path, text) == []


def test_survey_names_unknown_instruments_at_their_line(tmp_path):
    text = "name: after\nkind: survey\ntitle: After\ninstruments:\n  - aim\n  - wai-sr\n"
    assert check(tmp_path, text, "after", load_builtin()) == [
        "6: unknown instrument 'wai-sr' (known: aim, fim, iam, open-ended, sus, tfa)"
    ]
    assert check(tmp_path, text.replace("title: After\n", ""), "after") == [
        "1: missing required key 'title'"
    ]


def test_item_ids_may_not_collide_with_another_instrument(tmp_path):
    errors = check(tmp_path, VALID.replace("id: demo_2", "id: aim_1"), catalog=load_builtin())
    assert errors == ["9: item id 'aim_1' is already used by instrument 'aim'"]


def test_a_survey_may_not_reuse_an_instrument_name(tmp_path):
    text = "name: aim\nkind: survey\ntitle: Again\ninstruments: [iam]\n"
    assert check(tmp_path, text, "aim", load_builtin()) == [
        "1: name 'aim' is already used by another file"
    ]


def test_check_file_defaults_to_the_builtin_catalog(tmp_path):
    path = tmp_path / "after.yaml"
    path.write_text("name: after\nkind: survey\ntitle: After\ninstruments: [sus, nope]\n")
    assert check_file(path) == [
        f"{path}:4: unknown instrument 'nope' (known: " + "aim, fim, iam, open-ended, sus, tfa)"
    ]


def test_load_dir_reports_every_file_and_cross_file_problem(tmp_path):
    (tmp_path / "demo.yaml").write_text(VALID)
    (tmp_path / "copy.yaml").write_text(VALID.replace("name: demo", "name: copy"))
    (tmp_path / "bad.yaml").write_text("name: bad\nkind: survey\ninstruments: [demo, gone]\n")
    with pytest.raises(ContentErrors) as caught:
        load_dir(tmp_path)
    messages = [str(error) for error in caught.value.errors]
    assert f"{tmp_path / 'bad.yaml'}:1: missing required key 'title'" in messages
    assert sum("already used by instrument" in m for m in messages) == 4


def test_unreadable_file_is_an_error_not_a_crash(tmp_path):
    path = tmp_path / "demo.yaml"
    path.write_bytes(b"name: demo\ntitle: \xff\n")
    assert check_file(path, EMPTY) == [
        f"{path}:1: cannot read the file as UTF-8 text: "
        + ("'utf-8' codec can't decode byte 0xff in position 18: invalid start byte")
    ]
