"""The privacy guard finds what could identify a client, and leaves clinical talk alone."""

from __future__ import annotations

import pytest

from course.discussion.privacy import findings


@pytest.mark.parametrize(
    ("text", "kind", "found"),
    [
        ("She said to call her at (613) 555-0199 if the group moves.", "phone", "(613) 555-0199"),
        ("Her cell is 416.555.0142, she prefers texts.", "phone", "416.555.0142"),
        ("I forwarded it to m.tremblay@gmail.com by mistake.", "email", "m.tremblay@gmail.com"),
        ("He lives just off Bank St, K1S 3W7, near the clinic.", "postal_code", "K1S 3W7"),
        ("her OHIP was 1234-567-890-AB on the intake form", "health_number", "1234-567-890-AB"),
        ("RAMQ TREM 8505 1234 was on the referral", "health_number", "TREM 8505 1234"),
        ("SIN 046 454 286 came up when we discussed taxes", "health_number", "046 454 286"),
        ("She was born on March 3, 1982 in Sudbury", "date", "March 3, 1982"),
        ("Our first session was 2024-05-17.", "date", "2024-05-17"),
        ("He was admitted on 14/02/2023 after the overdose.", "date", "14/02/2023"),
        ("My client Sarah Thompson withdrew after I was late.", "name", "client Sarah Thompson"),
        ("Mrs. Chen kept saying everything was fine.", "name", "Mrs. Chen"),
        ("Tom's depression got worse after the layoff.", "name", "Tom's depression"),
        ("Mark was diagnosed with bipolar disorder last year.", "name", "Mark was diagnosed"),
    ],
)
def test_real_identifiers_are_found(text, kind, found):
    assert (kind, found) in [(f.kind, f.text) for f in findings(text)]


@pytest.mark.parametrize(
    "text",
    [
        "The client said everything was fine and looked at the floor.",
        "I noticed a withdrawal marker in session 4 of 6, about 20 minutes in.",
        "In March 2024 our group started using the 3RS to rate tapes.",
        "She sounded angry with me; I think I missed a confrontation marker.",
        "How do you repair a rupture when the patient keeps changing the subject?",
        "Monday's consultation helped me see my own part in it.",
    ],
)
def test_clinical_talk_without_identifiers_passes(text):
    assert findings(text) == []
