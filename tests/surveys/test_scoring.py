"""Scoring as published, with hand-computed values and each missing-item rule."""

from __future__ import annotations

from dataclasses import replace

import pytest

from course.surveys.instruments import Instrument, Item, Scale, Scoring, load_builtin
from course.surveys.scoring import score, score_survey


def answers(prefix: str, *values: int | str | None) -> dict[str, int | str | None]:
    """Answers for items prefix_1, prefix_2, ... in order."""
    return {f"{prefix}_{n}": value for n, value in enumerate(values, start=1)}


def instrument(name: str) -> Instrument:
    return load_builtin().instruments[name]


@pytest.mark.parametrize(
    ("name", "values", "expected", "rule"),
    [
        # (4 + 5 + 3 + 4) / 4 = 16 / 4 = 4.0
        ("aim", (4, 5, 3, 4), 4.0, "mean of 4 answered items (needs ≥ 3 of 4)"),
        # (5 + 4 + 4) / 3 = 13 / 3 = 4.333... -> 4.33; the missing item is left out
        ("aim", (5, 4, None, 4), 4.33, "mean of 3 answered items (needs ≥ 3 of 4)"),
        # (2 + 3 + 3 + 3) / 4 = 11 / 4 = 2.75
        ("iam", (2, 3, 3, 3), 2.75, "mean of 4 answered items (needs ≥ 3 of 4)"),
        # (1 + 2 + 2) / 3 = 5 / 3 = 1.666... -> 1.67
        ("fim", (1, 2, 2, None), 1.67, "mean of 3 answered items (needs ≥ 3 of 4)"),
    ],
)
def test_aim_iam_fim_are_the_mean_of_answered_items(name, values, expected, rule):
    result = score(instrument(name), answers(name, *values))
    assert result.value == expected
    assert result.rule == rule
    assert result.answered == sum(v is not None for v in values)


def test_aim_with_two_of_four_answered_has_no_score():
    result = score(instrument("aim"), answers("aim", 5, None, 4, None))
    assert result.value is None
    assert (result.answered, result.missing) == (2, ("aim_2", "aim_4"))
    assert result.rule == "not scored: 2 items missing; needs ≥ 3 of 4 answered"


def test_missing_keys_count_as_unanswered():
    result = score(instrument("aim"), {"aim_1": 5, "aim_2": 4, "aim_3": 3})
    assert (result.value, result.missing) == (4.0, ("aim_4",))


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        # odd 3-1 = 2, five times = 10; even 5-3 = 2, five times = 10; 20 * 2.5 = 50
        ((3,) * 10, 50.0),
        # best: odd 5 -> 4 each, even 1 -> 4 each: 40 * 2.5 = 100
        ((5, 1) * 5, 100.0),
        # worst: odd 1 -> 0, even 5 -> 0: 0
        ((1, 5) * 5, 0.0),
        # odd 4,5,4,5,4 -> 3+4+3+4+3 = 17; even 2,1,2,1,3 -> 3+4+3+4+2 = 16; 33 * 2.5 = 82.5
        ((4, 2, 5, 1, 4, 2, 5, 1, 4, 3), 82.5),
        # odd 2,3,1,2,2 -> 1+2+0+1+1 = 5; even 4,4,5,3,4 -> 1+1+0+2+1 = 5; 10 * 2.5 = 25
        ((2, 4, 3, 4, 1, 5, 2, 3, 2, 4), 25.0),
    ],
)
def test_sus_is_scored_as_published(values, expected):
    result = score(instrument("sus"), answers("sus", *values))
    assert result.value == expected
    assert (result.answered, result.missing) == (10, ())


def test_reordering_the_sus_items_leaves_every_score_unchanged():
    sus = instrument("sus")
    shuffled = replace(sus, items=tuple(reversed(sus.items[1::2] + sus.items[::2])))
    assert [item.id for item in shuffled.items][:2] == ["sus_9", "sus_7"]
    for values in ((4, 2, 5, 1, 4, 2, 5, 1, 4, 3), (2, 4, 3, 4, 1, 5, 2, 3, 2, 4), (5,) * 10):
        given = answers("sus", *values)
        assert score(shuffled, given).value == score(sus, given).value


def test_sus_reads_each_item_polarity_not_its_position():
    # Same answers, polarity swapped on the first two items: 4-1=3 becomes 5-4=1 (sus_1)
    # and 5-2=3 becomes 2-1=1 (sus_2), so the raw sum drops by 4 and the score by 10.
    sus = instrument("sus")
    first, second, *rest = sus.items
    swapped = replace(
        sus,
        items=(replace(first, polarity="negative"), replace(second, polarity="positive"), *rest),
    )
    given = answers("sus", 4, 2, 5, 1, 4, 2, 5, 1, 4, 3)
    assert (score(sus, given).value, score(swapped, given).value) == (82.5, 72.5)


def test_sus_with_one_item_missing_has_no_score():
    values = (5, 1) * 4 + (5, None)
    result = score(instrument("sus"), answers("sus", *values))
    assert result.value is None
    assert result.missing == ("sus_10",)
    assert result.rule == "not scored: 1 item missing; the SUS needs all 10"


def test_tfa_reports_items_only_and_no_total():
    tfa = instrument("tfa")
    given = {item.id: 4 for item in tfa.items}
    given["tfa_burden"] = 2
    given["tfa_general"] = None
    result = score(tfa, given)
    assert result.value is None
    assert result.rule == "not scored: each item is reported on its own (no total)"
    assert result.items["tfa_burden"] == 2 and result.items["tfa_general"] is None
    assert list(result.items) == [item.id for item in tfa.items]
    assert (result.answered, result.missing) == (8, ("tfa_general",))


def test_open_ended_keeps_text_and_treats_blank_as_missing():
    result = score(instrument("open-ended"), {"open_use": "Yes, with my team.", "open_change": " "})
    assert result.value is None
    assert dict(result.items) == {"open_use": "Yes, with my team.", "open_change": None}
    assert result.missing == ("open_change",)


@pytest.mark.parametrize("bad", [0, 6, -1, True, 3.0, "3"])
def test_out_of_range_or_non_integer_scale_answer_raises(bad):
    with pytest.raises(ValueError, match=r"'aim' item 'aim_2' answer .* from 1 to 5"):
        score(instrument("aim"), {"aim_1": 3, "aim_2": bad})


def test_unknown_item_raises():
    with pytest.raises(ValueError, match="'aim' has no item 'iam_1'"):
        score(instrument("aim"), {"aim_1": 3, "iam_1": 3})


def test_text_item_refuses_a_number():
    with pytest.raises(ValueError, match="'open-ended' item 'open_use' takes text"):
        score(instrument("open-ended"), {"open_use": 5})


def test_mean_rounds_half_up_to_two_decimals():
    scale = Scale(1, 5, tuple((n, str(n)) for n in range(1, 6)))
    items = tuple(Item(f"x_{n}", "Item", "scale", scale.labels) for n in range(1, 9))
    eight = Instrument("eight", "Eight items", items, Scoring("mean", 8), scale)
    # 25 / 8 = 3.125 exactly; half-up gives 3.13 (float round() would give 3.12)
    assert score(eight, answers("x", 3, 3, 3, 3, 3, 3, 4, 3)).value == 3.13


def test_score_survey_scores_each_instrument_from_one_flat_mapping():
    catalog = load_builtin()
    given = answers("aim", 4, 4, 4, 5) | answers("iam", 3, 3, None, 3) | answers("fim", 2, None)
    given |= answers("sus", *(3,) * 10) | {"tfa_general": 5, "open_change": "Shorter videos."}
    scores = score_survey(catalog.surveys["acceptability"], catalog, given)
    assert list(scores) == ["aim", "iam", "fim", "sus", "tfa", "open-ended"]
    assert [s.value for s in scores.values()] == [4.25, 3.0, None, 50.0, None, None]
    assert scores["open-ended"].items["open_change"] == "Shorter videos."


def test_score_survey_refuses_items_from_outside_the_survey():
    catalog = load_builtin()
    with pytest.raises(ValueError, match="survey 'acceptability' has no item 'wai_1'"):
        score_survey(catalog.surveys["acceptability"], catalog, {"aim_1": 3, "wai_1": 2})
