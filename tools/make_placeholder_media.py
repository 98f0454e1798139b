"""Make the placeholder videos and WebVTT captions for the shipped course.

What it makes
    For each module slug below: ``static/media/<slug>.mp4`` (a 640x360 title
    card with a spoken narration saying it is a placeholder) and
    ``static/media/<slug>.en.vtt`` (captions whose cues are the narration's
    sentences, timed to the real audio). It also makes the 4-second test clip
    ``tests/fixtures/media/short.mp4`` with ``short.en.vtt`` for the test suite.

How to run
    From the project root: ``python3 tools/make_placeholder_media.py``.
    It needs only the Python 3 standard library plus two programs on PATH:
    ``ffmpeg`` (with libx264 and the native AAC encoder) and ``espeak-ng``;
    on Debian, ``apt-get install ffmpeg espeak-ng``.

Why the output is committed
    The generated files are checked in, so the platform never needs ffmpeg or
    espeak-ng at run time. Re-run this script only after changing a narration
    below. It is idempotent: it overwrites its outputs, and ffmpeg runs in
    bit-exact mode, so a re-run with the same tools gives the same bytes.

Replacing a placeholder
    A trainer replaces a placeholder by uploading the recorded video (and its
    captions) under the same file name, or by pointing the module's ``video``
    block at the new file. This script is then no longer needed for that module.
"""

import shutil
import subprocess
import sys
import tempfile
import textwrap
import wave
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MEDIA = ROOT / "static" / "media"
FIXTURES = ROOT / "tests" / "fixtures" / "media"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FONT_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
LEAD, GAP, TAIL = 0.3, 0.35, 0.6  # seconds of silence: before, between, after sentences

_PLACEHOLDER = "This is a placeholder video for the module {title}."
_REPLACE = "A trainer will replace this placeholder with the recorded {what}."
_UNTIL = "Until then, the text of the module covers what you need."

# slug -> (card title, narration sentences). Titles follow the course's module plan.
VIDEOS = {
    "foundations": (
        "Foundations: the alliance and why ruptures matter",
        [
            _PLACEHOLDER,
            "The real video will be a short talk on the three parts of the alliance: "
            "agreement on goals, agreement on tasks, and the bond.",
            "It will show how a rupture, which this course also calls a tension, "
            "can range from a subtle strain to a major breakdown.",
            _REPLACE.format(what="talk"),
            _UNTIL,
        ],
    ),
    "detecting-withdrawal": (
        "Detecting withdrawal ruptures",
        [
            _PLACEHOLDER,
            "The real video will show a role-played session in which a patient moves away "
            "from the therapist, with minimal answers and a quick change of topic.",
            "It will pause at each withdrawal marker, so you can practise spotting "
            "the signs that are easiest to miss.",
            _REPLACE.format(what="role-play, with fictional patients played by actors"),
            _UNTIL,
        ],
    ),
    "detecting-confrontation": (
        "Detecting confrontation ruptures",
        [
            _PLACEHOLDER,
            "The real video will show a role-played session in which a patient moves against "
            "the therapist, with a direct complaint about the therapy.",
            "It will also show the therapist noticing their own urge to defend themselves.",
            _REPLACE.format(what="role-play, with fictional patients played by actors"),
            _UNTIL,
        ],
    ),
    "repairing-ruptures": (
        "Repairing ruptures",
        [
            _PLACEHOLDER,
            "The real video will show a role-play of a therapist who steps back from a tension, "
            "then talks with the patient about what is happening between them.",
            "It will contrast an immediate repair, such as clarifying a misunderstanding, "
            "with an exploratory one.",
            _REPLACE.format(what="role-play"),
            _UNTIL,
        ],
    ),
    "diversity-tensions": (
        "Diversity tensions and cultural ruptures",
        [
            _PLACEHOLDER,
            "The real video will show a role-play in which a therapist's remark lands as a "
            "cultural slight.",
            "The therapist names it, takes responsibility, and invites the patient to say more.",
            _REPLACE.format(what="role-play"),
            _UNTIL,
        ],
    ),
    "putting-it-together": (
        "Putting it together",
        [
            _PLACEHOLDER,
            "The real video will walk through a short case that mixes withdrawal, confrontation "
            "and cultural tensions.",
            "It will show how a therapist could bring such a case to group consultation.",
            "It will also show a simple way to notice tensions between sessions.",
            _REPLACE.format(what="case discussion"),
            _UNTIL,
        ],
    ),
}


def run(*args):
    """Run a command and fail loudly with its stderr."""
    proc = subprocess.run(args, capture_output=True, text=True)
    if proc.returncode:
        sys.exit(f"{args[0]} failed:\n{proc.stderr[-2000:]}")


def speak(sentences, tmp, slot=None):
    """Speak each sentence to one WAV; return (path, duration, [(start, end, text)])."""
    frames, cues, params = [], [], None
    for i, sentence in enumerate(sentences):
        part = tmp / f"s{i}.wav"
        run("espeak-ng", "-v", "en-us", "-s", "150", "-w", str(part), sentence)
        with wave.open(str(part), "rb") as w:
            params = params or w.getparams()
            frames.append(w.readframes(w.getnframes()))
    rate, width = params.framerate, params.sampwidth * params.nchannels
    silence = lambda s: b"\0" * (round(s * rate) * width)  # noqa: E731
    audio, t = [silence(LEAD if slot is None else 0)], LEAD if slot is None else 0.0
    for sentence, data in zip(sentences, frames, strict=True):
        spoken = len(data) / width / rate
        cues.append((t, t + spoken, sentence))
        pad = GAP if slot is None else slot - spoken
        if pad < 0:
            sys.exit(f"sentence longer than its {slot} s slot: {sentence!r}")
        audio += [data, silence(pad)]
        t += spoken + pad
    if slot is None:
        audio[-1] = silence(TAIL)
        t += TAIL - GAP
    out = tmp / "narration.wav"
    with wave.open(str(out), "wb") as w:
        w.setparams(params)
        w.writeframes(b"".join(audio))
    return out, t, cues


def stamp(seconds):
    """Format seconds as a WebVTT timestamp, HH:MM:SS.mmm."""
    ms = round(seconds * 1000)
    return f"{ms // 3600000:02}:{ms // 60000 % 60:02}:{ms // 1000 % 60:02}.{ms % 1000:03}"


def write_vtt(path, cues):
    """Write a WebVTT file with one numbered cue per sentence."""
    body = "".join(
        f"\n{i}\n{stamp(a)} --> {stamp(b)}\n{text}\n" for i, (a, b, text) in enumerate(cues, 1)
    )
    path.write_text("WEBVTT\n" + body, encoding="utf-8")


def card_filter(title, tmp):
    """Build the drawtext chain for a centred title card (title, label, footnote)."""
    lines = [(ln, FONT_BOLD, 32, "0x1F2937") for ln in textwrap.wrap(title, 26)]
    lines += [
        ("Placeholder video", FONT, 26, "0x9A3412"),
        ("A trainer will replace this video.", FONT, 18, "0x374151"),
    ]
    steps = [44] * (len(lines) - 3) + [62, 46, 0]  # line heights, with space before the labels
    y = (360 - sum(steps) - 18) // 2
    parts = []
    for i, ((text, font, size, colour), step) in enumerate(zip(lines, steps, strict=True)):
        textfile = tmp / f"line{i}.txt"
        textfile.write_text(text, encoding="utf-8")  # a file avoids drawtext escaping rules
        parts.append(
            f"drawtext=fontfile={font}:textfile={textfile}:fontsize={size}"
            f":fontcolor={colour}:x=(w-text_w)/2:y={y}"
        )
        y += step
    return ",".join(parts)


def make_video(out_mp4, out_vtt, title, sentences, slot=None):
    """Render one title-card video with narration, and its captions."""
    with tempfile.TemporaryDirectory(prefix="placeholder_") as name:
        tmp = Path(name)
        sentences = [s.format(title=title) for s in sentences]
        wav, duration, cues = speak(sentences, tmp, slot)
        out_mp4.parent.mkdir(parents=True, exist_ok=True)
        run(
            "ffmpeg",
            "-y",
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            f"color=c=0xF5F2EA:s=640x360:r=5:d={duration:.3f}",
            "-i",
            str(wav),
            "-vf",
            card_filter(title, tmp),
            "-c:v",
            "libx264",
            "-tune",
            "stillimage",
            "-preset",
            "slow",
            "-crf",
            "30",
            "-profile:v",
            "main",
            "-pix_fmt",
            "yuv420p",
            "-g",
            "50",
            "-threads",
            "1",
            "-c:a",
            "aac",
            "-b:a",
            "32k",
            "-ac",
            "1",
            "-t",
            f"{duration:.3f}",
            "-map_metadata",
            "-1",
            "-movflags",
            "+faststart",
            "-fflags",
            "+bitexact",
            "-flags:v",
            "+bitexact",
            "-flags:a",
            "+bitexact",
            str(out_mp4),
        )
        write_vtt(out_vtt, cues)
    print(f"{out_mp4.relative_to(ROOT)}  {duration:5.1f} s  {out_mp4.stat().st_size // 1024} KB")


def main():
    """Make every placeholder video and the test clip."""
    for tool in ("ffmpeg", "espeak-ng"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is not installed (Debian: apt-get install ffmpeg espeak-ng)")
    for slug, (title, sentences) in VIDEOS.items():
        make_video(MEDIA / f"{slug}.mp4", MEDIA / f"{slug}.en.vtt", title, sentences)
    # The test clip: two 2-second caption slots, exactly 4 seconds in all.
    make_video(
        FIXTURES / "short.mp4",
        FIXTURES / "short.en.vtt",
        "Test clip",
        ["Short test clip.", "Captions work."],
        slot=2.0,
    )


if __name__ == "__main__":
    main()
