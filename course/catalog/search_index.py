"""Full-text search over the published modules, kept by the database's own index.

Each published module is cut into sections at its headings (level 2 and 3); each section
is one row of ``module_sections``. Publishing a module revision replaces that module's
rows (``index_module``, called where revisions are published), so nothing is indexed per
request. The database indexes the rows itself:

* PostgreSQL: a stored generated ``tsvector`` column (heading weighted above text) with a
  GIN index, queried with ``websearch_to_tsquery`` and ``ts_headline``;
* SQLite: an FTS5 table over the rows (external content, kept by triggers), queried with
  ``MATCH``, ``bm25`` and ``snippet``.

Neither structure is described by the models (the dialects differ), so autogenerate is
told to leave them alone (``include_name``); ``after_create`` DDL builds them for
``create_all`` and the migration builds them for ``db upgrade``.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser

from sqlalchemy import DDL, ForeignKey, Integer, String, Text, delete, event, select, text
from sqlalchemy.orm import Mapped, mapped_column

from course.catalog.models import Module, ModuleRevision
from course.catalog.translations import Translation
from course.extensions import db

#: Marks around a match in a snippet: private-use characters, removed from indexed text,
#: so they can only come from the database's snippet function.
MARK_START, MARK_END = "\ue000", "\ue001"
#: Results on one page.
LIMIT = 20

#: PostgreSQL's text search configuration for a section's language.
PG_CONFIG = "CASE language WHEN 'fr' THEN 'french'::regconfig ELSE 'english'::regconfig END"
PG_DDL = (
    "ALTER TABLE module_sections ADD COLUMN search tsvector GENERATED ALWAYS AS ("
    f"setweight(to_tsvector({PG_CONFIG}, heading), 'A') || "
    f"setweight(to_tsvector({PG_CONFIG}, body), 'B')) STORED",
    "CREATE INDEX ix_module_sections_search ON module_sections USING gin (search)",
)
SQLITE_DDL = (
    "CREATE VIRTUAL TABLE module_sections_fts USING fts5(heading, body, "
    "content='module_sections', content_rowid='id', tokenize='porter unicode61')",
    "CREATE TRIGGER module_sections_fts_insert AFTER INSERT ON module_sections BEGIN "
    "INSERT INTO module_sections_fts(rowid, heading, body) "
    "VALUES (new.id, new.heading, new.body); END",
    "CREATE TRIGGER module_sections_fts_delete AFTER DELETE ON module_sections BEGIN "
    "INSERT INTO module_sections_fts(module_sections_fts, rowid, heading, body) "
    "VALUES ('delete', old.id, old.heading, old.body); END",
    "CREATE TRIGGER module_sections_fts_update AFTER UPDATE ON module_sections BEGIN "
    "INSERT INTO module_sections_fts(module_sections_fts, rowid, heading, body) "
    "VALUES ('delete', old.id, old.heading, old.body); "
    "INSERT INTO module_sections_fts(rowid, heading, body) "
    "VALUES (new.id, new.heading, new.body); END",
)
SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS module_sections_fts_update",
    "DROP TRIGGER IF EXISTS module_sections_fts_delete",
    "DROP TRIGGER IF EXISTS module_sections_fts_insert",
    "DROP TABLE IF EXISTS module_sections_fts",
)


class ModuleSection(db.Model):
    """One section of a published module revision, as plain text for searching."""

    __tablename__ = "module_sections"

    #: Internal key (the FTS5 rowid on SQLite).
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The module.
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id"), index=True)
    #: The published revision the text comes from.
    module_revision_id: Mapped[int] = mapped_column(ForeignKey("module_revisions.id"))
    #: The heading's anchor; empty for the text before the first heading.
    anchor: Mapped[str] = mapped_column(String(200))
    #: The heading (the module title for the text before the first heading).
    heading: Mapped[str] = mapped_column(String(300))
    #: The section's text, without markup.
    body: Mapped[str] = mapped_column(Text)
    #: Position in the module, from 0.
    position: Mapped[int] = mapped_column(Integer)
    #: The language of the text: ``en``, or a translation's code.
    language: Mapped[str] = mapped_column(String(5), default="en", server_default="en")


for _statement in PG_DDL:
    event.listen(
        ModuleSection.__table__, "after_create", DDL(_statement).execute_if(dialect="postgresql")
    )
for _statement in SQLITE_DDL:
    event.listen(
        ModuleSection.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite")
    )
for _statement in SQLITE_DROP:
    event.listen(
        ModuleSection.__table__, "before_drop", DDL(_statement).execute_if(dialect="sqlite")
    )


def include_name(name: str | None, type_: str, parent_names: dict) -> bool:
    """For Alembic: leave the search structures the models do not describe alone."""
    if type_ == "table" and name and name.startswith("module_sections_fts"):
        return False
    if (
        type_ == "column"
        and name == "search"
        and parent_names.get("table_name") == ("module_sections")
    ):
        return False
    return not (type_ == "index" and name == "ix_module_sections_search")


# --- cutting a revision into sections ------------------------------------------------


@dataclass(frozen=True)
class Section:
    """A heading and the text under it."""

    anchor: str
    heading: str
    body: str


class _Sections(HTMLParser):
    """Splits stored module HTML at headings whose id is one of the contents anchors."""

    SPLIT = ("h2", "h3")
    BLOCKS = {"p", "li", "tr", "h4", "h5", "h6", "blockquote", "pre", "figcaption", "summary"}

    def __init__(self, anchors: set[str], title: str) -> None:
        super().__init__(convert_charrefs=True)
        self.anchors = anchors
        self.sections: list[list] = [["", title, []]]
        self.in_heading: str | None = None
        self.heading_text: list[str] = []

    def handle_starttag(self, tag, attrs):
        ident = dict(attrs).get("id")
        if tag in self.SPLIT and ident in self.anchors:
            self.in_heading = tag
            self.heading_text = []
            self.sections.append([ident, "", []])
        elif tag in self.BLOCKS or tag == "br":
            self._text(" ")

    def handle_endtag(self, tag):
        if self.in_heading == tag:
            self.sections[-1][1] = " ".join("".join(self.heading_text).split())
            self.in_heading = None
        elif tag in self.BLOCKS:
            self._text(" ")

    def handle_data(self, data):
        self._text(data)

    def _text(self, data: str) -> None:
        (self.heading_text if self.in_heading else self.sections[-1][2]).append(data)


def _clean(value: str) -> str:
    return " ".join(value.replace(MARK_START, " ").replace(MARK_END, " ").split())


def sections_of(html: str, toc, title: str) -> list[Section]:
    """The sections of a revision's stored HTML (the text before the first heading, under
    the module's title, only when there is some)."""
    parser = _Sections({entry["anchor"] for entry in toc}, title)
    parser.feed(html)
    parser.close()
    found = []
    for index, (anchor, heading, parts) in enumerate(parser.sections):
        body = _clean("".join(parts))
        if index == 0 and not body:
            continue
        found.append(Section(anchor, _clean(heading)[:300], body))
    return found


def index_module(revision) -> int:
    """Replace the module's sections with those of ``revision`` (just published) and of
    each stored translation of its text; flushes.

    Returns the number of sections written.
    """
    db.session.execute(delete(ModuleSection).where(ModuleSection.module_id == revision.module_id))
    texts = [("en", revision.html, revision.toc, revision.title)]
    newest: dict[str, dict] = {}
    for language, parts in db.session.execute(
        select(Translation.language, Translation.parts)
        .where(
            Translation.kind == "module",
            Translation.slug == revision.module.slug,
            Translation.english_hash == revision.content_hash,
        )
        .order_by(Translation.id)
    ):
        newest[language] = parts
    texts += [(code, p["html"], p["toc"], p["title"]) for code, p in sorted(newest.items())]
    written = 0
    for language, html, toc, title in texts:
        sections = sections_of(html, toc, title)
        db.session.add_all(
            ModuleSection(
                module_id=revision.module_id,
                module_revision_id=revision.id,
                anchor=s.anchor,
                heading=s.heading,
                body=s.body,
                position=i,
                language=language,
            )
            for i, s in enumerate(sections)
        )
        written += len(sections)
    db.session.flush()
    return written


# --- searching -----------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    """One matching section: where it is and a snippet with marked matches."""

    module_id: int
    anchor: str
    heading: str
    snippet: str  # plain text with MARK_START/MARK_END around each match


_PG_SEARCH = text(
    """
    SELECT hit.module_id, hit.anchor, hit.heading,
           ts_headline(CAST(:config AS regconfig), hit.body, hit.tsq,
                       'StartSel=' || :start || ', StopSel=' || :stop
                       || ', MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "')
    FROM (
        SELECT s.module_id, s.anchor, s.heading, s.body, s.position, q.tsq,
               ts_rank_cd(s.search, q.tsq) AS rank
        FROM module_sections s
        JOIN modules m ON m.id = s.module_id AND m.published_revision_id = s.module_revision_id
        CROSS JOIN websearch_to_tsquery(CAST(:config AS regconfig), :terms) AS q(tsq)
        WHERE s.search @@ q.tsq AND s.module_id IN :modules AND s.language = :language
        ORDER BY rank DESC, s.module_id, s.position
        LIMIT :limit
    ) AS hit
    ORDER BY hit.rank DESC, hit.module_id, hit.position
    """
)
_SQLITE_SEARCH = text(
    """
    SELECT s.module_id, s.anchor, s.heading,
           snippet(module_sections_fts, 1, :start, :stop, ' … ', 24)
    FROM module_sections_fts
    JOIN module_sections s ON s.id = module_sections_fts.rowid
    JOIN modules m ON m.id = s.module_id AND m.published_revision_id = s.module_revision_id
    WHERE module_sections_fts MATCH :match AND s.module_id IN :modules
      AND s.language = :language
    ORDER BY bm25(module_sections_fts, 5.0, 1.0), s.module_id, s.position
    LIMIT :limit
    """
)


def search_sections(
    terms: tuple[str, ...], module_ids: list[int], language: str = "en"
) -> list[Hit]:
    """The best sections matching every term, among the given modules, in ``language``
    (a module not translated into it is searched in English).

    ``terms`` are words (letters, digits and underscores only: the query parser's
    output), so neither dialect's query syntax can be reached through them.
    """
    if not terms or not module_ids:
        return []
    if language == "en":
        return _search(terms, module_ids, "en")
    translated = set(
        db.session.scalars(
            select(ModuleSection.module_id)
            .where(ModuleSection.language == language, ModuleSection.module_id.in_(module_ids))
            .distinct()
        )
    )
    hits = _search(terms, [m for m in module_ids if m in translated], language)
    rest = [m for m in module_ids if m not in translated]
    return (hits + _search(terms, rest, "en"))[:LIMIT] if rest else hits


#: PostgreSQL's text search configuration by language (as in PG_CONFIG).
_CONFIGS = {"fr": "french"}


def _search(terms: tuple[str, ...], module_ids: list[int], language: str) -> list[Hit]:
    if not module_ids:
        return []
    if db.session.get_bind().dialect.name == "postgresql":
        statement = _PG_SEARCH.bindparams(db.bindparam("modules", expanding=True))
        params = {"terms": " ".join(terms), "config": _CONFIGS.get(language, "english")}
    else:
        statement = _SQLITE_SEARCH.bindparams(db.bindparam("modules", expanding=True))
        params = {"match": " ".join(f'"{t}"' for t in terms)}
    rows = db.session.execute(
        statement,
        {
            **params,
            "language": language,
            "modules": list(module_ids),
            "limit": LIMIT,
            "start": MARK_START,
            "stop": MARK_END,
        },
    )
    return [Hit(r[0], r[1], r[2], r[3] or "") for r in rows]


def reindex_published() -> int:
    """Rebuild the sections of every published module (after the upgrade that adds the
    index, or to repair it); flushes. Returns the number of modules indexed."""
    revisions = db.session.scalars(
        db.select(ModuleRevision).join(Module, Module.published_revision_id == ModuleRevision.id)
    ).all()
    for revision in revisions:
        index_module(revision)
    return len(revisions)
