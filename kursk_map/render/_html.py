"""Escaping for every text that reaches a page. No folium here, so index pages can use it too."""

from __future__ import annotations

import functools
import html
import json
import re
from urllib.parse import urlsplit

_BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def esc(text: object) -> str:
    """Escape text for HTML element content and attributes, and for JS template literals.

    Backticks and ``$`` are escaped too (folium puts popup and tooltip text inside JavaScript
    template literals, where ``${...}`` would run), braces as well (branca re-reads rendered
    scripts as Jinja templates, where ``{{ ... }}`` would run at build time), and Unicode direction
    overrides are made visible instead of silently reordering the text.

    Examples
    --------
    >>> esc("<img src=x onerror=alert(1)> `${x}` {{ 7*7 }} \u202e")
    '&lt;img src=x onerror=alert(1)&gt; &#96;&#36;&#123;x&#125;&#96; &#123;&#123; 7*7 &#125;&#125; [U+202E]'
    """
    return _esc("" if text is None else str(text))


@functools.lru_cache(maxsize=1 << 16)
def _esc(s: str) -> str:
    s = html.escape(s, quote=True).replace("`", "&#96;").replace("$", "&#36;")
    # Braces too: branca compiles every rendered script as a Jinja template, so a "{{ ... }}" in a
    # claim would otherwise be evaluated (in Python, at build time) instead of shown.
    s = s.replace("{", "&#123;").replace("}", "&#125;")
    return _BIDI.sub(lambda m: f"[U+{ord(m.group()):04X}]", s)


def safe_url(url: object) -> str | None:
    """Return ``url`` escaped for an ``href`` if it is http(s), else ``None``.

    Examples
    --------
    >>> safe_url("https://example.org/a?b=1&c=2"), safe_url("javascript:alert(1)")
    ('https://example.org/a?b=1&amp;c=2', None)
    """
    s = "" if url is None else str(url).strip()
    parts = urlsplit(s)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return esc(s)


def link(url: object, text: object) -> str:
    """An external link that opens in a new tab, or the plain escaped text if the URL is unsafe."""
    href = safe_url(url)
    if href is None:
        return esc(text)
    return f'<a href="{href}" target="_blank" rel="noopener noreferrer">{esc(text)}</a>'


_SCRIPT_UNSAFE = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "'": "\\u0027",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def script_json(data: object) -> str:
    r"""Compact JSON that is safe inside a ``<script>`` element (UTF-8 kept, markup characters escaped).

    Examples
    --------
    >>> print(script_json({"a": "</script><b>Суджа</b>"}))
    {"a":"\u003c/script\u003e\u003cb\u003eСуджа\u003c/b\u003e"}
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    # str.replace runs in C; translate with a mapping calls back per character (10x slower on MBs).
    for char, repl in _SCRIPT_UNSAFE.items():
        if char in text:
            text = text.replace(char, repl)
    return text
