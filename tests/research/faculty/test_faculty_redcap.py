"""The REDCap faculty form: discussion and feedback summaries, agreeing with the dictionary."""

from __future__ import annotations

import csv
import io

import pytest

from ..test_redcap import check_redcap


@pytest.mark.parametrize("free_text", [False, True])
def test_the_faculty_form_agrees_and_summarizes_each_participant(
    faculty_activity, export_zip, free_text
):
    files = export_zip(**({"include_free_text": "y"} if free_text else {}))
    dictionary = files["data_dictionary.csv"].decode("utf-8")
    data = files["redcap_import.csv"].decode("utf-8")
    assert check_redcap(dictionary, data) == []
    fields = list(csv.DictReader(io.StringIO(dictionary)))
    faculty = [f for f in fields if f["Form Name"] == "faculty"]
    assert [f["Variable / Field Name"] for f in faculty] == [
        "disc_posts", "disc_questions", "disc_answer_hours", "fb_requests", "fb_reviews",
        "fb_mean_score",
    ]  # fmt: skip
    forms = list(dict.fromkeys(f["Form Name"] for f in fields))
    assert forms.index("faculty") == forms.index("practice") + 1
    assert [
        (f["Text Validation Type OR Show Slider Number"], f["Text Validation Min"],
         f["Text Validation Max"])
        for f in faculty
    ] == [
        ("integer", "0", ""), ("integer", "0", ""), ("number", "0", ""), ("integer", "0", ""),
        ("integer", "0", ""), ("number", "1", "5"),
    ]  # fmt: skip
    records = {r["record_id"]: r for r in csv.DictReader(io.StringIO(data))}
    people = faculty_activity.people
    names = [f["Variable / Field Name"] for f in faculty] + ["faculty_complete"]
    # Alice: 5 posts, 3 questions answered after 3 and 5 hours; one request, two reviews
    # scoring 4, 2, 4 and 3.
    alice = records[people["alice"].study_id]
    assert [alice[n] for n in names] == ["5", "3", "4", "1", "2", "3.25", "2"]
    bob = records[people["bob"].study_id]
    assert [bob[n] for n in names] == ["1", "0", "", "1", "1", "3", "2"]
    idle = records[people["idle"].study_id]
    assert [idle[n] for n in names] == ["0", "0", "", "0", "0", "", "2"]
    assert people["gone"].study_id not in records
