"""The media files a course uses, and bringing those beside an imported course into the store."""

from __future__ import annotations

import shutil
from pathlib import Path

from course.content import CourseBundle
from course.media.services import locate, upload_dir


def _values(modules):
    """A bundle's modules are a tuple; a translation's, a dict by slug."""
    return modules.values() if isinstance(modules, dict) else modules


def media_paths(bundle: CourseBundle) -> set[str]:
    """Every local ``media/...`` file the course uses (videos, clips and captions), its
    translations included (a translation may have its own captions)."""
    paths = set()
    sources = [bundle, *bundle.translations.values()]
    modules = [m for files in sources for m in _values(files.modules)]
    scenarios = [x for files in sources for x in files.scenarios.values()]
    drill_sets = [x for files in sources for x in files.drills.values()]
    for module in modules:
        for video in module.videos:
            paths.update(
                p for p in (video.ref if video.kind == "file" else None, video.captions) if p
            )
    for scenario in scenarios:
        paths.update(p for step in scenario.steps if step.clip for p in step.clip.media)
    for drills in drill_sets:
        paths.update(p for item in drills.items if item.clip for p in item.clip.media)
    return paths


def copy_media_in(bundle: CourseBundle, root: Path) -> list[str]:
    """Bring the media beside an imported course (root/static/media) into the media store."""
    copied = []
    for path in sorted(media_paths(bundle)):
        source = root / "static" / path
        if not source.is_file():
            continue
        current = locate(path.removeprefix("media/"))
        if current is not None and current.read_bytes() == source.read_bytes():
            continue
        target = upload_dir() / path.removeprefix("media/")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        copied.append(path)
    return copied
