"""The education library's text markup: a tiny, safe Markdown subset, rendered to HTML.

Partners write pages in plain text with a few marks, so there is no raw HTML to sanitise:
every character is escaped, and only the marks below become tags.

    ## Heading            (### for a smaller one; the page title is the only h1)
    - item  or  * item   (a bulleted list; 1. item for a numbered one)
    **words**            (bold)
    [words](https://…)   (a link: https, http, mailto and tel, or a path on this site)

A blank line ends a paragraph or list. A link to any other scheme (javascript:, data:)
is shown as its words only. No images, tables or embedded content: a page must read the
same on a phone, in print and in a screen reader, and load nothing from elsewhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

SAFE_SCHEMES = ("https://", "http://", "mailto:", "tel:")
_INLINE = re.compile(r"\[(?P<text>[^\]\n]+)\]\((?P<url>[^)\s]+)\)|\*\*(?P<bold>[^*\n]+)\*\*")
_BULLET = re.compile(r"^\s*[-*]\s+(.*)$")
_NUMBER = re.compile(r"^\s*\d{1,3}[.)]\s+(.*)$")
_HEADING = re.compile(r"^(#{2,3})\s+(.*)$")


@dataclass(frozen=True)
class Heading:
    level: int
    text: str


def safe_url(url: str) -> str | None:
    """The link's address if it is one a reader may follow safely, else None."""
    candidate = url.strip()
    lowered = candidate.lower()
    if lowered.startswith(SAFE_SCHEMES):
        return candidate
    if candidate.startswith("/") and not candidate.startswith("//"):
        return candidate
    return None


def render_inline(text: str) -> str:
    """One line's words with links and bold as tags, everything else escaped."""
    out: list[str] = []
    position = 0
    for match in _INLINE.finditer(text):
        out.append(escape(text[position : match.start()]))
        if match.group("bold") is not None:
            out.append(f"<strong>{escape(match.group('bold'))}</strong>")
        else:
            words = escape(match.group("text"))
            url = safe_url(match.group("url"))
            out.append(f'<a href="{escape(url)}">{words}</a>' if url else words)
        position = match.end()
    out.append(escape(text[position:]))
    return "".join(out)


def _blocks(source: str) -> list[list[str]]:
    blocks: list[list[str]] = [[]]
    for line in source.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if line.strip():
            blocks[-1].append(line.rstrip())
        elif blocks[-1]:
            blocks.append([])
    return [block for block in blocks if block]


def _render_block(lines: list[str]) -> list[str]:
    html: list[str] = []
    paragraph: list[str] = []
    items: list[str] = []
    list_tag = ""

    def flush() -> None:
        nonlocal list_tag
        if paragraph:
            html.append(f"<p>{render_inline(' '.join(s.strip() for s in paragraph))}</p>")
            paragraph.clear()
        if items:
            inner = "".join(f"<li>{render_inline(item)}</li>" for item in items)
            html.append(f"<{list_tag}>{inner}</{list_tag}>")
            items.clear()
            list_tag = ""

    for line in lines:
        heading = _HEADING.match(line)
        bullet = _BULLET.match(line)
        number = _NUMBER.match(line)
        if heading:
            flush()
            level = len(heading.group(1))
            html.append(f"<h{level}>{render_inline(heading.group(2).strip())}</h{level}>")
        elif bullet or number:
            tag = "ul" if bullet else "ol"
            if paragraph or (list_tag and list_tag != tag):
                flush()
            list_tag = tag
            items.append((bullet or number).group(1).strip())  # type: ignore[union-attr]
        elif items and line.startswith((" ", "\t")):
            items[-1] = f"{items[-1]} {line.strip()}"  # a list item wrapped onto more lines
        else:
            if items:
                flush()
            paragraph.append(line)
    flush()
    return html


def render(source: str) -> SafeString:
    """The page body as HTML. Safe by construction: see the module's docstring."""
    html: list[str] = []
    for block in _blocks(source or ""):
        html.extend(_render_block(block))
    return mark_safe("\n".join(html))  # noqa: S308 - every piece was escaped above


def headings(source: str) -> list[Heading]:
    """The page's headings, in order (for the plain-text and outline checks)."""
    found = []
    for line in (source or "").splitlines():
        match = _HEADING.match(line.rstrip())
        if match:
            found.append(Heading(len(match.group(1)), match.group(2).strip()))
    return found


def plain_text(source: str) -> str:
    """The words a reader reads, without marks (for readability measures and search)."""
    lines = []
    for line in (source or "").splitlines():
        text = line.strip()
        for pattern in (_HEADING, _BULLET, _NUMBER):
            match = pattern.match(text)
            if match:
                text = match.groups()[-1]
                break
        text = _INLINE.sub(lambda m: m.group("text") or m.group("bold") or "", text)
        lines.append(text)
    return "\n".join(lines)
