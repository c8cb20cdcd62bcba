"""HTML bodies turned into the text a person reads."""

from __future__ import annotations

from intake.mail import html_to_text


def test_script_style_and_head_are_dropped() -> None:
    html = (
        "<html><head><title>Newsletter</title><style>p {color: red}</style></head>"
        "<body><script>alert('x')</script><p>Dzień dobry</p></body></html>"
    )
    assert html_to_text(html) == "Dzień dobry"


def test_paragraphs_and_divs_become_lines_and_br_a_line_break() -> None:
    html = "<p>First paragraph</p><p>Second<br>line two</p><div>Block</div><div>Next block</div>"
    assert html_to_text(html) == "First paragraph\n\nSecond\nline two\n\nBlock\nNext block"


def test_list_items_start_with_a_dash() -> None:
    html = "<p>Problems:</p><ul><li>no wifi</li><li>app <b>crashes</b></li></ul><p>Thanks</p>"
    assert html_to_text(html) == "Problems:\n\n- no wifi\n- app crashes\n\nThanks"


def test_table_cells_are_separated_and_rows_are_lines() -> None:
    html = "<table><tr><th>Order</th><th>Status</th></tr><tr><td>ORD-5531907</td><td>late</td></tr>"
    assert html_to_text(html) == "Order\tStatus\nORD-5531907\tlate"


def test_entities_are_decoded_and_whitespace_collapsed() -> None:
    html = "<p>Price:&nbsp;1&#160;299&nbsp;z&#322;   &amp;\n\n   free    delivery &lt;3</p>"
    assert html_to_text(html) == "Price: 1 299 zł & free delivery <3"


def test_link_text_is_kept_without_the_address() -> None:
    html = 'See <a href="https://vistula.example/club">Vistula Club rules</a>.'
    assert html_to_text(html) == "See Vistula Club rules."


def test_preformatted_text_keeps_its_layout() -> None:
    html = "<p>Log:</p><pre>error  42\n  retry</pre><p>end</p>"
    assert html_to_text(html) == "Log:\n\nerror  42\n  retry\n\nend"


def test_head_left_open_does_not_swallow_the_body() -> None:
    assert html_to_text("<html><head><title>x</title><div>Hello</div>") == "Hello"
    assert html_to_text("<head><meta charset='utf-8'>Hello <i>there</i>") == "Hello there"


def test_comments_and_outlook_conditionals_are_ignored() -> None:
    html = "<!--[if mso]><p>hidden</p><![endif]--><p>Visible</p><!-- note -->"
    assert html_to_text(html) == "Visible"


def test_broken_markup_still_gives_its_text() -> None:
    assert html_to_text("<div><p>Unclosed <b>bold <i>text</div> after <") == (
        "Unclosed bold text\nafter <"
    )


def test_empty_document_gives_empty_text() -> None:
    assert html_to_text("") == ""
    assert html_to_text("<html><body></body></html>") == ""
