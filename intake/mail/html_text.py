"""HTML mail bodies as the plain text a person would read in a mail client."""

from __future__ import annotations

import re

from intake.mail.html_tokens import Token, html_tokens

# Content that is never shown to the reader.
_HIDDEN = frozenset({"script", "style", "head", "title", "template", "noscript", "object"})
# Elements that start a new line.
_BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "caption", "center", "dd", "div", "dl", "dt",
        "fieldset", "figcaption", "figure", "footer", "form", "header", "hr", "main", "nav", "ol",
        "section", "table", "tbody", "tfoot", "thead", "tr", "ul",
    }
)  # fmt: skip
# Elements set off from their neighbours by a blank line.
_PARAGRAPHS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "pre"})
# What may appear inside <head>; anything else means the head was left open by mistake.
_HEAD_CONTENT = frozenset({"title", "meta", "link", "style", "script", "base", "noscript"})
_CELLS = frozenset({"td", "th"})
_VOID = frozenset({"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "wbr"})
_SPACES = re.compile(r"[ \t\n\r\f\v\u00a0]+")


def html_to_text(html: str) -> str:
    """Readable text of an HTML document: blocks on their own lines, list items as "- "."""
    reader = _TextReader()
    for kind, value in html_tokens(html):
        if kind is Token.TEXT:
            reader.handle_data(value)
        elif kind is Token.START:
            reader.handle_starttag(value)
        elif kind is Token.END:
            reader.handle_endtag(value)
        else:
            reader.handle_startendtag(value)
    return reader.text()


class _TextReader:
    def __init__(self) -> None:
        self._out: list[str] = []
        self._hidden: list[str] = []
        self._pre_depth = 0
        self._cell_in_row = 0

    # -- events -------------------------------------------------------------------------------

    def handle_starttag(self, tag: str) -> None:
        if tag == "body":
            # A <head> left open must not swallow the body.
            self._hidden.clear()
            return
        if self._hidden == ["head"] and tag not in _HEAD_CONTENT:
            self._hidden.clear()
        if tag in _HIDDEN:
            if tag not in _VOID:
                self._hidden.append(tag)
            return
        if self._hidden:
            return
        self._open(tag)

    def handle_startendtag(self, tag: str) -> None:
        if not self._hidden and tag not in _HIDDEN:
            self._open(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._hidden:
            if tag in self._hidden:
                # Close the hidden element and anything left open inside it.
                del self._hidden[len(self._hidden) - 1 - self._hidden[::-1].index(tag) :]
            return
        if tag in _PARAGRAPHS:
            if tag == "pre":
                self._pre_depth = max(0, self._pre_depth - 1)
            self._break(2)
        elif tag in _BLOCKS or tag == "li":
            self._break(1)

    def handle_data(self, data: str) -> None:
        if self._hidden == ["head"] and data.strip():
            self._hidden.clear()
        if self._hidden:
            return
        if self._pre_depth:
            self._out.append(data.replace("\r\n", "\n").replace("\u00a0", " "))
            return
        collapsed = _SPACES.sub(" ", data)
        if self._at_line_start():
            collapsed = collapsed.lstrip(" ")
        if collapsed:
            self._out.append(collapsed)

    # -- layout -------------------------------------------------------------------------------

    def _open(self, tag: str) -> None:
        if tag == "br":
            self._trim_line_end()
            self._out.append("\n")
        elif tag in _PARAGRAPHS:
            self._break(2)
            if tag == "pre":
                self._pre_depth += 1
        elif tag == "li":
            self._break(1)
            self._out.append("- ")
        elif tag == "tr":
            self._break(1)
            self._cell_in_row = 0
        elif tag in _CELLS:
            if self._cell_in_row:
                self._trim_line_end()
                self._out.append("\t")
            self._cell_in_row += 1
        elif tag in _BLOCKS:
            self._break(1)

    def _break(self, lines: int) -> None:
        """End the current line, leaving at least `lines` line breaks (none at the very start)."""
        self._trim_line_end()
        if not self._out:
            return
        trailing = len(self._tail()) - len(self._tail().rstrip("\n"))
        if trailing < lines:
            self._out.append("\n" * (lines - trailing))

    def _tail(self) -> str:
        return "".join(self._out[-4:])

    def _at_line_start(self) -> bool:
        return not self._out or self._tail().endswith(("\n", "\t", "- "))

    def _trim_line_end(self) -> None:
        while self._out and self._out[-1].endswith(" ") and not self._out[-1].endswith("- "):
            stripped = self._out[-1].rstrip(" ")
            if stripped:
                self._out[-1] = stripped
                return
            self._out.pop()

    def text(self) -> str:
        lines = "".join(self._out).split("\n")
        cleaned = [line.rstrip(" \t") for line in lines]
        joined = "\n".join(cleaned)
        return re.sub(r"\n{3,}", "\n\n", joined).strip("\n ")
