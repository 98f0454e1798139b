"""The export describes itself: every CSV matches its one declaration, the codebook lists
every column, datapackage.json validates with frictionless, and load.R reads it all."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from frictionless import Package, validate

from course.research.export.codebook import redcap_table
from course.research.export.schema import MISSING_REASONS
from course.research.export.tables import REGISTRY
from tests.research.faculty import conftest as faculty

# The faculty fixtures: posts, answers and reviews on top of the practice course.
post, answer, review, faculty_activity = (
    faculty.post,
    faculty.answer,
    faculty.review,
    faculty.faculty_activity,
)


def header(files, name) -> tuple[str, ...]:
    return tuple(next(csv.reader(io.StringIO(files[name].decode("utf-8")))))


def rows(files, name) -> list[dict]:
    return list(csv.DictReader(io.StringIO(files[name].decode("utf-8"))))


@pytest.fixture
def seeded(make_user, faculty_activity, seed_activity, seed_practice):
    """Every file non-empty: learning, quizzes, surveys, consultations, practice, discussion
    and reviews, across the self-paced, workshop and control arms."""
    control = make_user("therapist", arm="control", name="Carl Control")
    people = faculty_activity.people
    for user in (people["alice"], people["bob"], control):
        seed_activity(user, free_text=f"My colleague {user.name} said so.")
    seed_practice(control)
    return {**people, "control": control}


@pytest.fixture
def unpacked(tmp_path, export_zip):
    """``unpacked(**filters)``: the export as a folder, and its files by name."""

    def unpack(**filters) -> tuple[Path, dict[str, bytes]]:
        files = export_zip(**filters)
        folder = tmp_path / f"export-{len(list(tmp_path.iterdir()))}"
        folder.mkdir()
        for name, data in files.items():
            (folder / name).write_bytes(data)
        return folder, files

    return unpack


def test_every_written_file_has_exactly_its_declared_header(seeded, export_zip):
    files = export_zip(include_free_text="y")
    written = {name for name in files if name.endswith(".csv")}
    assert written == {*REGISTRY.tables, "redcap_import.csv"}
    for name, table in REGISTRY.tables.items():
        assert header(files, name) == table.names, name
    dictionary = rows(files, "data_dictionary.csv")
    assert header(files, "redcap_import.csv")[0] == "record_id"
    assert len(dictionary) > 30 and dictionary[0]["Variable / Field Name"] == "record_id"


def test_the_codebook_describes_every_column_of_every_csv(seeded, export_zip):
    files = export_zip()
    book = rows(files, "codebook.csv")
    for name in (n for n in files if n.endswith(".csv")):
        listed = [r["column"] for r in book if r["file"] == name]
        assert tuple(listed) == header(files, name), name
    entry = {(r["file"], r["column"]): r for r in book}
    arm = entry["participants.csv", "arm"]
    assert "control=Control (wait-list)" in arm["codes"] and arm["missing"] == "not_yet_due"
    done = entry["participants.csv", "course_completed_at"]
    assert done["missing"] == "not_in_arm when arm is workshop, control ; not_yet_due"
    assert done["type"] == "datetime" and done["unit"] == "UTC"
    assert entry["quiz_attempts.csv", "score"]["unit"] == "percent"
    assert entry["quiz_attempts.csv", "score"]["range"] == "0 to 100"
    assert entry["scenario_choices.csv", "tags"]["empty_means"] == "the choice has no tags"
    body = entry["discussion_posts.csv", "body"]["missing"]
    assert body == "removed when hidden is 1 ; removed when withdrawn is 1 ; not_exported"
    # A survey item of the REDCap record: its choices, and "not yet due" until submitted.
    survey = next(r for r in book if r["file"] == "redcap_import.csv" and r["column"] == "aim_1")
    assert survey["codes"].startswith("1=") and survey["type"] == "integer"
    assert survey["missing"].startswith("not_yet_due when aim_complete is 0")
    reasons = rows(files, "missing_reasons.csv")
    assert [r["reason"] for r in reasons] == [code for code, _, _ in MISSING_REASONS]
    assert {"not_in_arm", "not_yet_due", "withdrawn"} <= {r["reason"] for r in reasons}


@pytest.mark.parametrize("filters", [{}, {"include_free_text": "y"}, {"arm": "control"}])
def test_the_data_package_validates_with_frictionless(seeded, unpacked, filters):
    folder, files = unpacked(**filters)
    report = validate(folder / "datapackage.json")
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])
    descriptor = json.loads(files["datapackage.json"])
    names = {r["path"] for r in descriptor["resources"]}
    assert names == set(files) - {"datapackage.json", "manifest.json"}
    package = Package(folder / "datapackage.json")
    people = package.get_resource("participants").read_rows()
    assert people and all(row["study_id"] for row in people)
    if not filters:
        assert len(people) == 4
        for resource in ("quiz_attempts", "feedback_reviews", "discussion_posts", "events"):
            assert package.get_resource(resource).read_rows(), resource


def test_a_value_outside_its_declaration_fails_validation(seeded, unpacked):
    folder, files = unpacked()
    descriptor = json.loads(files["datapackage.json"])
    table = rows(files, "module_progress.csv")
    table[0]["completed"] = "2"  # may be only 0 or 1
    with (folder / "module_progress.csv").open("w", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(table[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(table)
    for resource in descriptor["resources"]:  # the edit would fail the hash check first
        resource.pop("hash")
        resource.pop("bytes")
    (folder / "datapackage.json").write_text(json.dumps(descriptor))
    report = validate(folder / "datapackage.json")
    assert not report.valid
    assert {error[0] for error in report.flatten(["type"])} == {"constraint-error"}


def test_no_name_or_email_is_in_the_descriptions(seeded, export_zip):
    files = export_zip(include_free_text="y")
    for name in ("codebook.csv", "datapackage.json", "load.R", "load.do"):
        text = files[name].decode("utf-8")
        for person in seeded.values():
            assert person.email not in text and person.name not in text, name


def test_load_do_labels_every_loaded_file_from_the_declarations(seeded, export_zip):
    script = export_zip()["load.do"].decode("utf-8")
    for name, table in REGISTRY.tables.items():
        stem = name.removesuffix(".csv")
        assert (f'import delimited using "{name}"' in script) == table.loaded
        assert (f'save "{stem}.dta", replace' in script) == table.loaded
        for column in table.columns if table.loaded else ():
            assert f"label variable {column.name} " in script
    assert 'label define arm_l 1 `"Self-paced virtual course"\' 2' in script
    assert 'replace course_completed_at = .a if _m10 == "a"' in script
    condition = '(arm == "workshop" | arm == "control")'
    assert f'replace _m10 = "a" if course_completed_at == "" & _m10 == "" & {condition}' in script
    assert "`" not in script.replace('`"', "").replace("`do load.do`", "")
    # Stata names (variables and value labels) have at most 32 characters.
    names = re.findall(r"^label (?:variable|define) (\S+)", script, re.MULTILINE)
    assert len(names) > 300 and max(len(name) for name in names) <= 32


def test_the_redcap_declaration_follows_the_dictionary(seeded, app):
    from course.research.export.redcap_fields import Field

    table = redcap_table([
        Field("record_id", "participant", "text", "Study ID"),
        Field("modules_done", "learning", "checkbox", "Done", ((1, "Intro"), (2, "Next"))),
        Field("aim_1", "aim", "radio", "Meets approval", ((1, "Completely disagree"),)),
    ])  # fmt: skip
    assert table.names == (
        "record_id", "participant_complete", "modules_done___1", "modules_done___2",
        "learning_complete", "aim_1", "aim_complete",
    )  # fmt: skip


def test_load_r_reads_every_file_with_labels_and_missing_reasons(
    seeded, unpacked, skip_or_fail, tmp_path
):
    rscript = shutil.which("Rscript")
    if rscript is None:
        skip_or_fail("Rscript is not installed (tools/system-packages.txt: r-base-core)")
    folder, files = unpacked(include_free_text="y")
    check = tmp_path / "check.R"
    check.write_text(
        'source("load.R")\n'
        "p <- alliance$participants\n"
        'cat(nrow(p), class(p$registered_at)[1], levels(p$arm)[3], attr(p$arm, "label"), "\\n",'
        ' sep = "|")\n'
        'cat(as.character(p$course_completed_at_missing), "\\n", sep = "|")\n'
        "cat(as.character(p$arm), '\\n', sep = '|')\n"
        "q <- alliance$quiz_attempts\n"
        'cat(class(q$score), names(attr(q$passed, "labels")), "\\n", sep = "|")\n'
        'cat(paste(names(alliance), collapse = ","), "\\n")\n'
        'cat(names(attr(alliance$redcap_import$aim_complete, "labels")), "\\n")\n'
    )
    done = subprocess.run(
        [rscript, "--vanilla", str(check)], cwd=folder, capture_output=True, text=True,
        timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert lines[0] == "4|POSIXct|Control (wait-list)|The participant's arm now|"
    arms = lines[2].split("|")[:-1]
    reasons = lines[1].split("|")[:-1]
    for arm, why in zip(arms, reasons, strict=True):
        # seed_activity completes one module of two: the course is never completed
        no_course = ("Control (wait-list)", "Synchronous workshop")
        expected = "Not in this arm" if arm in no_course else "Not yet due"
        assert why.startswith(expected), (arm, why)
    assert lines[3] == "numeric|No|Yes|"
    loaded = lines[4].split(",")
    assert loaded[0] == "participants" and "redcap_import" in loaded[-1]
    assert "codebook" not in lines[4] and len(loaded) == 17
    assert lines[5].split() == ["Incomplete", "Unverified", "Complete"]
    assert (folder / "load.R").read_bytes() == files["load.R"]
