"""What every file writer shares: the filters, the people, the course's names, helpers."""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import queue
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TextIO

from sqlalchemy import func, literal_column, select

from course.catalog.models import Module, ModuleRevision, Quiz, QuizRevision
from course.extensions import db
from course.research.filters import Filters
from course.research.participants import Participant, participants

#: Rows fetched per round trip while streaming; memory stays flat whatever the total.
CHUNK = 5000
#: Up to this many people, queries name them (user_id IN (...)); beyond, writers filter.
MAX_ID_LIST = 5000


@dataclass(frozen=True)
class ModuleInfo:
    """A module's stable names."""

    id: int
    slug: str
    title: str
    order: int
    published: bool


@dataclass(frozen=True)
class RevisionInfo:
    """A module or quiz revision: which one, its number and content hash."""

    id: int
    parent_id: int
    number: int
    content_hash: str
    published_at: datetime | None
    videos: tuple[dict[str, Any], ...] = ()
    questions: tuple[dict[str, Any], ...] = ()


@dataclass
class ExportContext:
    """Everything the writers read besides the streamed rows."""

    filters: Filters
    people: dict[int, Participant]
    modules: dict[int, ModuleInfo]
    module_revisions: dict[int, RevisionInfo]
    quizzes: dict[int, str]  # quiz id -> slug
    quiz_revisions: dict[int, RevisionInfo]
    base_url: str
    generated_at: datetime
    dialect: str = "sqlite"
    #: Results computed once and shared between files (e.g. per-person summaries).
    memo: dict[str, Any] = field(default_factory=dict)

    def once(self, name: str, compute: Callable[[], Any]) -> Any:
        """``compute()`` the first time ``name`` is asked for, the stored result after."""
        if name not in self.memo:
            self.memo[name] = compute()
        return self.memo[name]

    def only_people(self, column) -> list:
        """SQL conditions narrowing ``column`` (a user id) to the included people.

        Writers also skip anyone not in ``people`` as they stream, so leaving the
        condition out (for very large enrolments) never lets anyone else through.
        """
        if len(self.people) > MAX_ID_LIST:
            return []
        return [column.in_(list(self.people) or [-1])]

    def iso_sql(self, column):
        """The column as ISO 8601 UTC text, formatted by the database (fast when streaming)."""
        if self.dialect == "postgresql":
            utc = column.op("AT TIME ZONE")(literal_column("'UTC'"))
            return func.to_char(utc, 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
        return func.strftime("%Y-%m-%dT%H:%M:%SZ", column)

    def module_slug_of_revision(self, revision_id: int) -> str:
        """The slug of the module a revision belongs to."""
        revision = self.module_revisions.get(revision_id)
        module = self.modules.get(revision.parent_id) if revision else None
        return module.slug if module else ""

    def published_modules(self) -> list[ModuleInfo]:
        """The published modules in course order."""
        return sorted(
            (m for m in self.modules.values() if m.published), key=lambda m: (m.order, m.id)
        )


def build_context(filters: Filters, base_url: str, now: datetime) -> ExportContext:
    """Load the small lookups once: people, modules, quizzes and their revisions."""
    modules = {
        row[0]: ModuleInfo(row[0], row[1], row[2] or row[1], row[3] or 0, row[2] is not None)
        for row in db.session.execute(
            select(Module.id, Module.slug, ModuleRevision.title, ModuleRevision.order).outerjoin(
                ModuleRevision, ModuleRevision.id == Module.published_revision_id
            )
        )
    }
    module_revisions = {
        row[0]: RevisionInfo(*row[:5], videos=tuple(row[5] or ()))
        for row in db.session.execute(
            select(
                ModuleRevision.id,
                ModuleRevision.module_id,
                ModuleRevision.number,
                ModuleRevision.content_hash,
                ModuleRevision.published_at,
                ModuleRevision.videos,
            )
        )
    }
    quizzes = dict(db.session.execute(select(Quiz.id, Quiz.slug)).all())
    quiz_revisions = {
        row[0]: RevisionInfo(*row[:5], questions=tuple(row[5] or ()))
        for row in db.session.execute(
            select(
                QuizRevision.id,
                QuizRevision.quiz_id,
                QuizRevision.number,
                QuizRevision.content_hash,
                QuizRevision.published_at,
                QuizRevision.questions,
            )
        )
    }
    return ExportContext(
        filters,
        participants(filters.arm),
        modules,
        module_revisions,
        quizzes,
        quiz_revisions,
        base_url.rstrip("/"),
        now,
        dialect=db.session.get_bind().dialect.name,
    )


# --- formatting -----------------------------------------------------------------------


def iso(moment: datetime | None) -> str:
    """ISO 8601 UTC to the second, e.g. 2026-03-01T08:00:00Z; empty for None."""
    if moment is None:
        return ""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def day(moment: datetime | None) -> str:
    """YYYY-MM-DD (UTC); empty for None."""
    return "" if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%d")


def number(value: float | int | None, places: int = 1) -> str:
    """A number without needless decimals; empty for None."""
    if value is None:
        return ""
    text = f"{float(value):.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def flag(value: bool | None) -> str:
    """1, 0, or empty for unknown."""
    return "" if value is None else ("1" if value else "0")


def stream(statement) -> Iterator[Any]:
    """Rows of a select, fetched in chunks (a server-side cursor on PostgreSQL)."""
    # A Core connection: ORM row machinery is wasted on plain column tuples.
    result = db.session.connection().execute(statement.execution_options(yield_per=CHUNK))
    try:
        yield from result
    finally:
        result.close()


_CURSORS = itertools.count()


def stream_plain(statement) -> Iterator[tuple]:
    """Rows of a select of plain columns (numbers, and text such as ``iso_sql`` makes),
    as the driver's own tuples. On PostgreSQL: a server-side cursor of the driver, read
    in chunks by a second thread while this one formats the chunk before (the database
    works while Python does), and no SQLAlchemy Row per row (a third of the Python time
    of the long files). Columns that need converting on the way out (dates, JSON) go
    through ``stream``; so does everything on SQLite. The connection must not be used
    for anything else until the rows are read or the generator is closed."""
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        yield from stream(statement)
        return
    dialect = connection.dialect
    compiled = statement.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.construct_params()
    for name, bind in compiled.binds.items():  # e.g. a date filter's UTC datetime
        process = bind.type.bind_processor(dialect)
        if process is not None and name in params:
            params[name] = process(params[name])
    name = f"export_stream_{next(_CURSORS)}"
    cursor = connection.connection.driver_connection.cursor(name=name)
    chunks: queue.Queue = queue.Queue(maxsize=2)
    stop = threading.Event()

    def read() -> None:
        try:
            cursor.execute(str(compiled), params)
            while not stop.is_set() and (rows := cursor.fetchmany(CHUNK)):
                chunks.put(rows)
            chunks.put(None)
        except BaseException as exc:  # handed to the reading thread, raised there
            chunks.put(exc)

    reader = threading.Thread(target=read, name=name, daemon=True)
    reader.start()
    try:
        while (rows := chunks.get()) is not None:
            if isinstance(rows, BaseException):
                raise rows
            yield from rows
    finally:
        stop.set()
        while reader.is_alive():  # let a reader blocked on a full queue finish
            with contextlib.suppress(queue.Empty):
                chunks.get(timeout=0.1)
        cursor.close()


#: What a spreadsheet may run as a formula when a cell starts with it (OWASP, "CSV
#: Injection"): such a cell gets a leading apostrophe, so it is read as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A cell starts after a comma or a line break; a quoted cell starts with '"', and any
# carriage return is looked at too (a block with one is redone cell by cell: free text
# is short, the long files never quote).
_RISKY_BLOCK = re.compile(r'[,\n][=+\-@\t\r"]')
_BLOCK_ROWS = 512
_FIRST_CELL_RISKS = (*FORMULA_STARTS, '"')
_PLAIN_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?\Z")


def neutralise(cell: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula, made inert; anything else
    (numbers, including negative ones written as text) unchanged. Line breaks inside a
    cell become ``\\n`` (Python's csv module would leave a lone carriage return unquoted,
    which splits the row)."""
    if type(cell) is not str:
        return cell
    if cell.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.match(cell):
        cell = "'" + cell
    if "\r" in cell:
        cell = cell.replace("\r\n", "\n").replace("\r", "\n")
    return cell


def write_csv(out: TextIO, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write a header and rows, every cell neutralised against formulas; returns the
    number of data rows.

    Rows are written in blocks: one C-level search of a written block finds whether any
    cell in it might start like a formula (a negative number or a quoted cell also
    match); only such a block is written again cell by cell. The long files never match.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    risky = _RISKY_BLOCK.search
    count = 0
    block: list[Sequence[Any]] = [header]
    for row in rows:
        block.append(row)
        count += 1
        if len(block) >= _BLOCK_ROWS:
            _write_block(out, buffer, writer, block, risky)
            block = []
    _write_block(out, buffer, writer, block, risky)
    return count


def _write_block(out, buffer, writer, block, risky) -> None:
    buffer.seek(0)
    buffer.truncate()
    writer.writerows(block)
    text = buffer.getvalue()
    if risky(text) or text.startswith(_FIRST_CELL_RISKS) or "\r" in text:
        buffer.seek(0)
        buffer.truncate()
        writer.writerows([neutralise(c) for c in row] for row in block)
        text = buffer.getvalue()
    out.write(text)
