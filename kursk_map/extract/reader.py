"""Read an article file (plain text, Markdown or HTML) into its body text and metadata.

The only module of :mod:`kursk_map.extract` that reads files. The body text keeps the file's
character offsets: markup, scripts, navigation and everything outside the article body are
blanked out with spaces (block ends with newlines, the rest of an entity with :data:`FILL`), so a
character at index ``i`` of
:attr:`Article.text` is the character at index ``i`` of the file's decoded text. Evidence
offsets in proposed rows therefore point into the file the reviewer has open.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from .._csvio import read_capped, regular_file_problem
from .._errors import KurskMapError
from .dates import ISO_RE, dateline, find_full_date

#: Fills the rest of an entity's place (``&nbsp;`` -> one space and five FILL): not text, removed on reading.
FILL = "\x00"
#: Articles larger than this are refused (a news page is far smaller; this is a wrong file).
MAX_BYTES = 8 * 1024 * 1024


class ArticleError(KurskMapError, ValueError):
    """An article file cannot be read; the message names the file and says what to do."""


@dataclass(frozen=True)
class Article:
    """One article: its body text (same offsets as the file) and what its metadata says.

    Attributes
    ----------
    path : str
        The file as the user named it.
    text : str
        The body text; characters outside the body are blanks, so offsets are the file's.
    fmt : str
        ``"text"``, ``"markdown"`` or ``"html"``.
    title, url, site : str
        From HTML metadata or Markdown front matter (empty when not given).
    published : datetime.date or None
        The publication date given by the metadata or a dateline.
    published_how : str
        Where :attr:`published` comes from, for the note of every row.
    """

    path: str
    text: str
    fmt: str
    title: str = ""
    url: str = ""
    site: str = ""
    published: dt.date | None = None
    published_how: str = ""


def read_article(path: str | Path) -> Article:
    """Read one article file; raise :class:`ArticleError` (with the path) if it cannot be read."""
    p = Path(path)
    name = str(path)
    try:
        if p.is_dir():
            raise ArticleError(f"{name}: is a folder; give article files (.txt, .md, .html)")
        # only a regular file, and never more than the cap: a FIFO would wait, /dev/zero never end
        if (why := regular_file_problem(p, what="text, Markdown or HTML file")) is not None:
            raise ArticleError(f"{name}: {why}")
        raw = read_capped(p, MAX_BYTES)
    except FileNotFoundError:
        raise ArticleError(f"{name}: file not found; check the path") from None
    except OSError as exc:
        if exc.errno == 27:  # EFBIG from read_capped
            raise ArticleError(
                f"{name}: over {MAX_BYTES // 2**20} MiB, too large for an article; check that this is the page"
            ) from None
        raise ArticleError(f"{name}: cannot read: {exc.strerror or exc}") from None
    if b"\x00" in raw[:4096] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ArticleError(f"{name}: a binary file, not text; save the page as HTML or plain text")
    return parse_article(_decode(raw, name), path=name, suffix=p.suffix.lower())


def _decode(raw: bytes, name: str) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    head = raw[:2048].decode("ascii", "replace").lower()
    m = re.search(r"charset=[\"']?([a-z0-9_-]+)", head)
    for enc in ([m[1]] if m else []) + ["cp1251"]:
        try:
            return raw.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
    raise ArticleError(f"{name}: neither UTF-8 nor Windows-1251 text; re-save the page as UTF-8")


def parse_article(text: str, *, path: str = "<text>", suffix: str = "") -> Article:
    """Find the body and metadata of an article given as text (format from ``suffix`` or content).

    Examples
    --------
    >>> a = parse_article("<html><nav>Home</nav><article><p>Troops took Sudzha.</p></article></html>")
    >>> a.fmt, a.text.split()
    ('html', ['Troops', 'took', 'Sudzha.'])
    >>> a.text.index("Sudzha") == a.text.index("Sudzha")  # same offset as in the file
    True
    """
    fmt = _format(text, suffix)
    if fmt == "html":
        return _parse_html(text, path)
    if fmt == "markdown":
        return _parse_markdown(text, path)
    published, how = dateline(text)
    return Article(path, text, "text", title=_first_line(text), published=published, published_how=how)


def _format(text: str, suffix: str) -> str:
    if suffix in (".html", ".htm", ".xhtml"):
        return "html"
    if suffix in (".md", ".markdown"):
        return "markdown"
    head = text[:1000].lstrip().lower()
    if head.startswith(("<!doctype html", "<html", "<?xml")) or re.search(r"<(body|article|p|div)[\s>]", head):
        return "html"
    if suffix in (".txt", ".text"):
        return "text"
    if text.startswith("---\n") or re.search(r"^#{1,6} \S", text, re.MULTILINE):
        return "markdown"
    return "text"


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:200]
    return ""


def _date_value(value: str) -> dt.date | None:
    value = value.strip()
    m = ISO_RE.match(value)
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
    hit = find_full_date(value)
    return hit[0] if hit else None


# --- Markdown ------------------------------------------------------------------------------------

_FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)
_MD_MARKUP = [
    re.compile(r"^```.*?^```", re.DOTALL | re.MULTILINE),  # code blocks
    re.compile(r"!\[[^\]]*\]\([^)]*\)"),  # images
    re.compile(r"<[^>\n]+>"),  # inline HTML
]
_MD_LINK = re.compile(r"\[([^\]]*)\]\(([^)]*)\)")
_MD_CHARS = re.compile(
    r"^\s{0,3}(#{1,6}|>|[*+-](?=\s)|\d+\.(?=\s))|\*\*|__|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)|`", re.M
)


def _blank(s: str) -> str:
    """The same number of characters, each a space (newlines kept)."""
    return re.sub(r"[^\n]", " ", s)


def _parse_markdown(text: str, path: str) -> Article:
    meta: dict[str, str] = {}
    body = text
    m = _FRONT.match(text)
    if m:
        for line in m[1].splitlines():
            key, sep, value = line.partition(":")
            if sep:
                meta[key.strip().lower()] = value.strip().strip("'\"")
        body = _blank(m[0]) + text[m.end() :]
    for rx in _MD_MARKUP:
        body = rx.sub(lambda x: _blank(x[0]), body)
    body = _MD_LINK.sub(lambda x: " " + x[1] + _blank(x[2]) + "  ", body)
    body = _MD_CHARS.sub(lambda x: _blank(x[0]), body)
    published, how = None, ""
    for key in ("published", "date", "pubdate", "published_at"):
        if key in meta and (d := _date_value(meta[key])):
            published, how = d, f"front matter {key}: {meta[key]}"
            break
    if published is None:
        published, how = dateline(body)
    title = meta.get("title") or _first_line(body)
    return Article(
        path,
        body,
        "markdown",
        title=title,
        url=meta.get("url", "") or meta.get("source_url", ""),
        site=meta.get("site", "") or meta.get("source", ""),
        published=published,
        published_how=how,
    )


# --- HTML ----------------------------------------------------------------------------------------

#: Elements whose text is never article text.
_SKIP = frozenset(
    [
        "script",
        "style",
        "noscript",
        "template",
        "nav",
        "header",
        "footer",
        "aside",
        "form",
        "button",
        "select",
        "option",
        "svg",
        "canvas",
        "iframe",
        "figure",
        "figcaption",
        "menu",
        "dialog",
        "head",
        "title",
    ]
)
_VOID = frozenset(
    ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"]
)
_BLOCK = frozenset(
    [
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "section",
        "article",
        "main",
        "tr",
        "td",
        "th",
        "table",
        "dd",
        "dt",
        "pre",
        "hr",
    ]
)
_BODY_CLASS = re.compile(r"article[-_]?(body|text|content)|story[-_]?body|post[-_]?(content|body)|entry[-_]?content")
_DATE_META = (
    "article:published_time",
    "datepublished",
    "og:published_time",
    "pubdate",
    "publishdate",
    "publish-date",
    "date",
    "dc.date",
    "dc.date.issued",
    "dcterms.created",
    "parsely-pub-date",
    "sailthru.date",
    "article.published",
)


class _Scanner(HTMLParser):
    """Collect every text run with its offset and the elements around it, and the metadata."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self.source = source
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self.stack: list[tuple[str, str]] = []  # (tag, role): role in {"skip", "article", "main", "body", ""}
        self.runs: list[tuple[int, str, frozenset[str]]] = []  # (offset, text, roles)
        self.blocks: list[int] = []  # offsets of block-level tags
        self.meta: dict[str, str] = {}
        self.title = ""
        self.time_values: list[str] = []
        self.jsonld: list[str] = []
        self._in_title = False
        self._in_jsonld = False

    def _pos(self) -> int:
        line, col = self.getpos()
        return self._line_starts[line - 1] + col

    def _roles(self) -> frozenset[str]:
        return frozenset(r for _, r in self.stack if r)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta":
            key = (a.get("property") or a.get("name") or a.get("itemprop") or "").lower()
            if key and a.get("content"):
                self.meta.setdefault(key, a["content"])
        elif tag == "link" and "canonical" in a.get("rel", "").lower().split():
            self.meta.setdefault("canonical", a.get("href", ""))
        elif tag == "time" and a.get("datetime"):
            self.time_values.append(a["datetime"])
        if tag in _BLOCK:
            self.blocks.append(self._pos())
        if tag in _VOID:
            return
        role = ""
        if tag in _SKIP or a.get("role") in ("navigation", "banner", "contentinfo", "complementary") or "hidden" in a:
            role = "skip"
        elif tag == "article" or a.get("itemprop") == "articleBody":
            role = "article"
        elif tag == "main" or a.get("role") == "main":
            role = "main"
        elif _BODY_CLASS.search(a.get("class", "") + " " + a.get("id", "")):
            role = "body"
        self.stack.append((tag, role))
        self._in_title = tag == "title"
        self._in_jsonld = tag == "script" and "ld+json" in a.get("type", "")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK:
            self.blocks.append(self._pos())
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break
        self._in_title = self._in_jsonld = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        if self._in_jsonld:
            self.jsonld.append(data)
        self.runs.append((self._pos(), data, self._roles()))

    def _ref(self, raw: str) -> None:
        start = self._pos()
        if self.source.startswith(raw + ";", start):
            raw += ";"
        text = html.unescape(raw)
        if self._in_title:
            self.title += text
        # the decoded character takes the entity's first place; FILL marks the rest (squashed away later)
        self.runs.append((start, text + FILL * (len(raw) - len(text)), self._roles()))

    def handle_entityref(self, name: str) -> None:
        self._ref("&" + name)

    def handle_charref(self, name: str) -> None:
        self._ref("&#" + name)


def _parse_html(source: str, path: str) -> Article:
    sc = _Scanner(source)
    try:
        sc.feed(source)
        sc.close()
    except (AssertionError, ValueError) as exc:  # html.parser raises these on broken markup
        raise ArticleError(f"{path}: cannot read the HTML ({exc}); save the page again or as plain text") from None
    chars = [" " if ch != "\n" else "\n" for ch in source]
    runs = [r for r in sc.runs if "skip" not in r[2]]
    for role in ("article", "main", "body"):
        inside = [r for r in runs if role in r[2]]
        if sum(len(t.strip()) for _, t, _ in inside) >= 200:
            runs = inside
            break
    for off, text, _ in runs:
        chars[off : off + len(text)] = list(text)
    for off in sc.blocks:  # a tag is at least three characters: "<p>"
        chars[off : off + 2] = "\n\n"
    body = "".join(chars)
    published, how = _html_date(sc)
    if published is None:
        published, how = dateline(body)
    url = sc.meta.get("canonical") or sc.meta.get("og:url", "")
    title = sc.meta.get("og:title") or html.unescape(" ".join(sc.title.split()))
    return Article(
        path,
        body,
        "html",
        title=title,
        url=url,
        site=sc.meta.get("og:site_name", ""),
        published=published,
        published_how=how,
    )


def _html_date(sc: _Scanner) -> tuple[dt.date | None, str]:
    for key in _DATE_META:
        if key in sc.meta and (d := _date_value(sc.meta[key])):
            return d, f"page metadata {key}={sc.meta[key]}"
    for blob in sc.jsonld:
        try:
            data = json.loads(blob)
        except ValueError:
            continue
        items = data if isinstance(data, list) else [data]
        for item in items:
            if isinstance(item, dict) and isinstance(item.get("datePublished"), str):
                d = _date_value(item["datePublished"])
                if d:
                    return d, f"page metadata datePublished={item['datePublished']}"
    for value in sc.time_values:
        if d := _date_value(value):
            return d, f"page <time datetime={value}>"
    return None, ""
