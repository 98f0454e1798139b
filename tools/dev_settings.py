"""Write the development settings `make run` uses to instance/course.env.

The app reads that file under the environment (course/config.py), so every
`flask --app app ...` command typed in this checkout finds the same settings as the
server. Kept across runs: the secret key, the study settings (written once with values
labelled as development values) and any line added by hand. Set on each run:
COURSE_BASE_URL, so links in pages, e-mails and exports follow the port being served.
"""

from __future__ import annotations

import argparse
import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = "# Development settings written by `make run` (tools/dev_settings.py); keep private.\n"
#: The study's facts the consent text shows (course/config.py STUDY_*), as development
#: values that say so on the page: never the real study's. Production sets its own.
DEV = "(development value, not the study's)"
STUDY_VALUES = {
    "COURSE_STUDY_PI": f"Dr. Example Investigator, University of Ottawa {DEV}",
    "COURSE_STUDY_EMAIL": f"study@example.org {DEV}",
    "COURSE_STUDY_PHONE": f"+1 555 0100 {DEV}",
    "COURSE_STUDY_ETHICS_OFFICE": f"the Example Research Ethics Office {DEV}",
    "COURSE_STUDY_ETHICS_EMAIL": f"ethics@example.org {DEV}",
    "COURSE_STUDY_ETHICS_PHONE": f"+1 555 0199 {DEV}",
    "COURSE_STUDY_FUNDER": f"Example Funder {DEV}",
    "COURSE_STUDY_CONFLICTS": f"None declared. {DEV}",
    "COURSE_STUDY_TIME_COMMITMENT": f"About N hours over M months. {DEV}",
    "COURSE_STUDY_COMPENSATION": f"None. {DEV}",
    "COURSE_STUDY_CE_CREDIT": f"A certificate of completion. {DEV}",
    "COURSE_STUDY_DATA_LOCATION": f"On the developer's own computer. {DEV}",
    "COURSE_STUDY_RETENTION": f"Until the developer deletes the database. {DEV}",
}


def main() -> None:
    """Create or update instance/course.env."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", required=True, help="e.g. http://127.0.0.1:5000")
    parser.add_argument("--instance", type=Path, default=ROOT / "instance", help=argparse.SUPPRESS)
    args = parser.parse_args()
    instance = args.instance
    instance.mkdir(exist_ok=True)
    path = instance / "course.env"
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    names = {line.split("=", 1)[0].strip() for line in lines if "=" in line}
    kept = [line for line in lines if not line.startswith("COURSE_BASE_URL=")]
    if not lines:
        kept.append(HEADER.rstrip("\n"))
    if "COURSE_ENV" not in names:
        kept.append("COURSE_ENV=development")
    if "COURSE_SECRET_KEY" not in names:
        older = instance / "secret_key"  # where earlier versions kept it
        secret = older.read_text().strip() if older.exists() else secrets.token_urlsafe(48)
        kept.append(f"COURSE_SECRET_KEY={secret}")
    for name, value in STUDY_VALUES.items():
        if name not in names:
            kept.append(f"{name}={value}")
    kept.append(f"COURSE_BASE_URL={args.base_url}")
    staging = path.with_suffix(".new")
    staging.write_text("\n".join(kept) + "\n", encoding="utf-8")
    os.chmod(staging, 0o600)
    os.replace(staging, path)


if __name__ == "__main__":
    main()
