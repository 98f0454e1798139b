"""data_dictionary.csv and redcap_import.csv checked against each other with REDCap's rules.

The rules are written out here, independently of course/research/export/redcap*.py, from the
REDCap conventions in the content brief.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
import yaml

from course.research.export.redcap_fields import criterion_variables

COLUMNS = [
    "Variable / Field Name",
    "Form Name",
    "Section Header",
    "Field Type",
    "Field Label",
    "Choices, Calculations, OR Slider Labels",
    "Field Note",
    "Text Validation Type OR Show Slider Number",
    "Text Validation Min",
    "Text Validation Max",
    "Identifier?",
    "Branching Logic (Show field only if...)",
    "Required Field?",
    "Custom Alignment",
    "Question Number (surveys only)",
    "Matrix Group Name",
    "Matrix Ranking?",
    "Field Annotation",
]
FIELD_TYPES = {
    "text",
    "notes",
    "dropdown",
    "radio",
    "checkbox",
    "yesno",
    "truefalse",
    "calc",
    "file",
    "slider",
    "descriptive",
}
NAME = re.compile(r"^[a-z][a-z0-9_]{0,25}$")  # REDCap warns beyond 26 characters
CHOICE = re.compile(r"^(-?\d+|[a-z0-9_]+), \S.*$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def check_redcap(dictionary: str, data: str) -> list[str]:
    """Every way the pair breaks REDCap's rules, as messages (empty when valid)."""
    problems: list[str] = []
    reader = csv.reader(io.StringIO(dictionary))
    header = next(reader)
    if header != COLUMNS:
        problems.append(f"dictionary columns are {header}, not the 18 standard ones")
    fields = [dict(zip(COLUMNS, row, strict=True)) for row in reader]
    names = [f["Variable / Field Name"] for f in fields]
    if not names or names[0] != "record_id":
        problems.append("the first field must be record_id")
    if len(set(names)) != len(names):
        problems.append("duplicate variable names")
    expected: list[str] = []
    forms: list[str] = []
    kinds: dict[str, tuple[str, dict]] = {}
    for f in fields:
        name, form, kind = f["Variable / Field Name"], f["Form Name"], f["Field Type"]
        if not NAME.match(name) or "___" in name or name.endswith("_complete"):
            problems.append(f"bad variable name {name!r}")
        if not NAME.match(form):
            problems.append(f"bad form name {form!r}")
        if kind not in FIELD_TYPES:
            problems.append(f"{name}: unknown field type {kind!r}")
        if form not in forms:
            if forms and form in forms:
                problems.append(f"form {form} is split")
            forms.append(form)
        choices = {}
        if kind in ("radio", "dropdown", "checkbox"):
            parts = [p.strip() for p in f["Choices, Calculations, OR Slider Labels"].split("|")]
            for part in parts:
                if not CHOICE.match(part):
                    problems.append(f"{name}: choice {part!r} is not 'code, Label'")
                else:
                    choices[part.split(",", 1)[0]] = part.split(",", 1)[1].strip()
            if not choices:
                problems.append(f"{name}: needs choices")
        elif f["Choices, Calculations, OR Slider Labels"] and kind != "calc":
            problems.append(f"{name}: a {kind} field has no choices")
        if f["Identifier?"] not in ("", "y"):
            problems.append(f"{name}: Identifier? must be blank or y")
        if name == "record_id" and f["Identifier?"]:
            problems.append("record_id must not be PHI")
        kinds[name] = (kind, choices, f["Text Validation Type OR Show Slider Number"])
    for form in forms:
        for f in fields:
            if f["Form Name"] == form:
                kind, choices, _ = kinds[f["Variable / Field Name"]]
                if kind == "checkbox":
                    expected += [f"{f['Variable / Field Name']}___{code}" for code in choices]
                elif kind != "descriptive":
                    expected.append(f["Variable / Field Name"])
        expected.append(f"{form}_complete")
    records = list(csv.reader(io.StringIO(data)))
    columns = records[0]
    if columns != expected:
        missing = [c for c in expected if c not in columns]
        extra = [c for c in columns if c not in expected]
        problems.append(f"import columns differ: missing {missing}, undefined {extra}")
        return problems
    if columns[0] != "record_id":
        problems.append("record_id must be the first import column")
    ids = [r[0] for r in records[1:]]
    if len(set(ids)) != len(ids) or any(not i for i in ids):
        problems.append("record ids must be present and unique")
    for record in records[1:]:
        if len(record) != len(columns):
            problems.append(f"record {record[0]} has {len(record)} values, not {len(columns)}")
            continue
        for column, value in zip(columns, record, strict=True):
            if value == "":
                continue
            where = f"{record[0]}.{column}"
            if column.endswith("_complete") and column not in kinds:
                if value not in ("0", "1", "2"):
                    problems.append(f"{where}: form status must be 0, 1 or 2")
                continue
            if "___" in column:
                if value not in ("0", "1"):
                    problems.append(f"{where}: a checkbox column holds 0 or 1")
                continue
            kind, choices, validation = kinds[column]
            if kind in ("radio", "dropdown") and value not in choices:
                problems.append(f"{where}: {value!r} is not one of its choices")
            if kind in ("yesno", "truefalse") and value not in ("0", "1"):
                problems.append(f"{where}: yes/no holds 0 or 1")
            if validation == "date_ymd" and not DATE.match(value):
                problems.append(f"{where}: dates are YYYY-MM-DD, not {value!r}")
            if validation == "integer" and not re.fullmatch(r"-?\d+", value):
                problems.append(f"{where}: not an integer: {value!r}")
            if validation == "number" and not re.fullmatch(r"-?\d+(\.\d+)?", value):
                problems.append(f"{where}: not a number: {value!r}")
            if kind == "text" and "\n" in value:
                problems.append(f"{where}: a text value spans lines")
    return problems


@pytest.mark.parametrize("free_text", [False, True])
def test_the_dictionary_and_import_file_agree_under_redcap_rules(
    make_user, seed_activity, course, export_zip, free_text
):
    make_user("trainer")  # so the seeded activity includes an attended consultation
    for arm in ("self_paced", "workshop", "control"):
        seed_activity(make_user("therapist", arm=arm, region="ON", profession="psychologist"))
    make_user("therapist", arm="control")  # consented, no activity: blanks and zeros
    files = export_zip(**({"include_free_text": "y"} if free_text else {}))
    dictionary = files["data_dictionary.csv"].decode("utf-8")
    data = files["redcap_import.csv"].decode("utf-8")
    assert check_redcap(dictionary, data) == []
    records = list(csv.DictReader(io.StringIO(data)))
    assert len(records) == 4
    busy = next(r for r in records if r["aim_1"])
    assert busy["aim_score"] == "4.5" and busy["aim_complete"] == "2"
    assert busy["modules_done___1"] == "1" and busy["modules_done___2"] == "0"
    assert busy["mod1_seconds"] == "300" and busy["mod1_video_pct"] == "70"
    assert busy["consult_attended"] == "1" and DATE.match(busy["consent_date"])
    assert ("open_use" in records[0]) is free_text
    idle = next(r for r in records if not r["aim_1"])
    assert idle["aim_complete"] == "0" and idle["learning_complete"] == "2"


def test_the_validator_catches_what_redcap_refuses():
    good_dict = (
        ",".join(f'"{c}"' for c in COLUMNS)
        + "\n"
        + ",".join(["record_id", "participant", "", "text", "ID", *[""] * 13])
        + "\n"
        + ",".join(["pick", "participant", "", "checkbox", "Pick", '"1, A | 2, B"', *[""] * 12])
        + "\n"
    )
    assert (
        check_redcap(good_dict, "record_id,pick___1,pick___2,participant_complete\nP-1,1,0,2\n")
        == []
    )
    for data, problem in (
        ("record_id,pick,participant_complete\nP-1,1,2\n", "import columns differ"),
        ("record_id,pick___1,pick___2,participant_complete\nP-1,7,0,2\n", "checkbox column"),
        ("record_id,pick___1,pick___2,participant_complete\nP-1,1,0,3\n", "form status"),
        ("pick___1,record_id,pick___2,participant_complete\n1,P-1,0,2\n", "import columns differ"),
    ):
        assert any(problem in p for p in check_redcap(good_dict, data)), problem
    bad_name = good_dict.replace("pick,participant", "Pick-Me,participant")
    assert any("bad variable name" in p for p in check_redcap(bad_name, "record_id\n"))


def test_the_practice_form_agrees_and_summarizes_each_participant(
    make_user, practice_course, seed_practice, export_zip
):
    busy, idle = (make_user("therapist", arm=arm) for arm in ("self_paced", "workshop"))
    seed_practice(busy)
    files = export_zip()
    dictionary = files["data_dictionary.csv"].decode("utf-8")
    data = files["redcap_import.csv"].decode("utf-8")
    assert check_redcap(dictionary, data) == []
    fields = list(csv.DictReader(io.StringIO(dictionary)))
    practice = [f for f in fields if f["Form Name"] == "practice"]
    assert [f["Variable / Field Name"] for f in practice] == [
        "scenarios_completed", "drill_items_done", "dr_invite", "dr_observe", "dr_own",
        "dr_validate",
    ]  # fmt: skip
    assert {
        (f["Text Validation Type OR Show Slider Number"], f["Text Validation Min"],
         f["Text Validation Max"])
        for f in practice[2:]
    } == {("number", "1", "5")}  # fmt: skip
    records = {r["record_id"]: r for r in csv.DictReader(io.StringIO(data))}
    mine = records[busy.study_id]
    assert (mine["scenarios_completed"], mine["drill_items_done"]) == ("1", "2")
    assert (mine["dr_observe"], mine["dr_invite"], mine["dr_own"]) == ("3.5", "2", "5")
    assert mine["dr_validate"] == "" and mine["practice_complete"] == "2"
    none = records[idle.study_id]
    assert (none["scenarios_completed"], none["drill_items_done"], none["dr_observe"]) == (
        "0", "0", ""
    )  # fmt: skip


def test_criterion_variables_are_redcap_names_that_depend_on_the_id_alone():
    long = "acknowledges-own-contribution-to-the-rupture"
    names = criterion_variables(["observe", "own-contribution", long])
    assert names["observe"] == "dr_observe"
    assert names["own-contribution"] == "dr_own_contribution"
    assert NAME.match(names[long]) and len(names[long]) == 26
    assert names[long].startswith("dr_acknowledges_own_")
    assert criterion_variables([long]) == {long: names[long]}  # others never rename it


def test_every_shipped_drill_criterion_gets_its_own_valid_variable(project_root):
    criteria = {
        criterion["id"]
        for path in sorted((project_root / "drills").glob("*.yaml"))
        for item in yaml.safe_load(path.read_text())["items"]
        for criterion in item["criteria"]
    }
    names = criterion_variables(sorted(criteria))
    assert len(set(names.values())) == len(criteria) > 10
    assert all(NAME.match(name) for name in names.values()), names


def test_two_criteria_that_would_share_a_variable_fail_loudly():
    seen: dict[str, str] = {}
    n = 0
    while True:  # long ids with one prefix: their four hex digits collide within a few hundred
        criterion = f"names-the-shift-in-topic-{n}"
        name = criterion_variables([criterion])[criterion]
        if name in seen:
            break
        seen[name] = criterion
        n += 1
    with pytest.raises(ValueError, match="would share the REDCap variable"):
        criterion_variables([seen[name], criterion])
