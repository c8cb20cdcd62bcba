"""A small HTML tokenizer for reading mail bodies: tag names and text, nothing else.

`html.parser.HTMLParser` parses every attribute of every tag, and a newsletter has thousands
of them; turning HTML into readable text needs only which element starts or ends and the
text in between. This tokenizer finds those with a few regular expressions and yields the
events the standard parser gives a text reader: start tags (names lower-cased), self-closing
tags, end tags, and text with its character references decoded (for every HTML body of the
shared MIME corpus the events are the same; tests/test_mail_html_tokens.py). Comments,
declarations (`<!DOCTYPE>`, `<![endif]>`), processing instructions and the raw content of
`<script>` and `<style>` yield nothing; a `<` that starts no markup is text. Two deliberate
differences, both as in a browser: an unterminated comment hides the rest of the document,
and `<!-->` is an empty comment.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Generator, Iterator
from html import unescape


class Token(enum.Enum):
    START = "start"
    START_END = "start_end"
    END = "end"
    TEXT = "text"


# Elements whose content is raw text up to their end tag, never markup: where that ends.
_RAW_TEXT_END = {
    name: re.compile(rf"</{name}[\s/>]", re.IGNORECASE) for name in ("script", "style")
}

# A start tag up to its closing ">" or "/>": the tolerant pattern of `html.parser`, so a
# quote counts only after "=", and a stray one (style="a; color="red">) ends nothing.
_START_TAG = re.compile(
    r"""
    <([a-zA-Z][^\t\n\r\f />\x00]*)     # tag name
    (?:[\s/]*                          # optional whitespace before attribute name
      (?:(?<=['"\s/])[^\s/>][^\s/=>]*  # attribute name
        (?:\s*=+\s*                    # value indicator
          (?:'[^']*'                   # LITA-enclosed value
            |"[^"]*"                   # LIT-enclosed value
            |(?!['"])[^>\s]*           # bare value
           )
          \s*                          # possibly followed by a space
         )?(?:\s|/(?!>))*
       )*
     )?
    \s*                                # trailing whitespace
    (/?>)?
    """,
    re.VERBOSE,
)
_END_TAG = re.compile(r"</\s*([a-zA-Z][^\t\n\r\f />\x00]*)[^>]*>")
_COMMENT_END = re.compile(r"--!?>")


def html_tokens(html: str) -> Iterator[tuple[Token, str]]:
    """(kind, value) events of `html`: a lower-cased tag name, or decoded text."""
    position, size = 0, len(html)
    while position < size:
        opening = html.find("<", position)
        if opening < 0:
            yield Token.TEXT, unescape(html[position:])
            return
        if opening > position:
            yield Token.TEXT, unescape(html[position:opening])
        position = yield from _markup(html, opening)


def _markup(html: str, at: int) -> Generator[tuple[Token, str], None, int]:
    """Events of the markup starting at `at` (a "<"); returns where the text goes on."""
    if html.startswith("<!--", at):
        # Searched from the opener's own dashes: "<!-->" and "<!--->" are whole empty
        # comments in a browser. An unterminated comment hides the rest, as in a browser.
        end = _COMMENT_END.search(html, at + 2)
        return end.end() if end else len(html)
    if html.startswith(("<!", "<?"), at):
        return _after_gt(html, at)
    if html.startswith("</", at):
        found = _END_TAG.match(html, at)
        if found is None:
            # "</3" and the like: a bogus comment up to the next ">".
            return _after_gt(html, at)
        yield Token.END, found.group(1).lower()
        return found.end()
    found = _START_TAG.match(html, at)
    if found is None:
        yield Token.TEXT, "<"
        return at + 1
    name = found.group(1).lower()
    end = found.end() if found.group(2) else _after_gt(html, found.end() - 1)
    # Self-closing is how the tag ends ("<br/>", "<br />"), wherever the "/" was matched.
    if html.startswith("/>", end - 2):
        yield Token.START_END, name
        return end
    yield Token.START, name
    raw_text_end = _RAW_TEXT_END.get(name)
    if raw_text_end is not None:
        # Everything up to the element's own end tag is script or style, not markup.
        closing = raw_text_end.search(html, found.end())
        return closing.start() if closing else len(html)
    return end


def _after_gt(html: str, at: int) -> int:
    end = html.find(">", at + 1)
    return end + 1 if end >= 0 else len(html)
