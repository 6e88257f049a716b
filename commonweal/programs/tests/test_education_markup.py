"""The education library's markup: only its own marks become tags; everything else is text."""

from __future__ import annotations

from commonweal.programs import education_markup as markup


def test_it_shows_a_script_tag_as_text() -> None:
    html = markup.render("Hello <script>alert('x')</script> there")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html


def test_it_shows_raw_html_as_text_in_headings_lists_and_links() -> None:
    html = markup.render(
        '## <img src=x onerror=alert(1)>\n\n- <b>bold</b>\n\n[<i>x</i>](https://example.org/")'
    )
    assert "<img" not in html and "<b>" not in html and "<i>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert 'href="https://example.org/&quot;"' in html  # the quote cannot end the attribute


def test_it_drops_links_to_unsafe_schemes_and_keeps_their_words() -> None:
    html = markup.render("[click](javascript:void) [data](data:text/html,x) [p](//evil.org)")
    assert "href" not in html
    assert html == "<p>click data p</p>"


def test_it_links_web_mail_phone_and_site_addresses() -> None:
    html = markup.render(
        "[a](https://988lifeline.org) [b](mailto:x@y.org) [c](tel:988) [d](/events/)"
    )
    for url in ("https://988lifeline.org", "mailto:x@y.org", "tel:988", "/events/"):
        assert f'href="{url}"' in html


def test_it_renders_paragraphs_headings_lists_and_bold() -> None:
    source = (
        "First line\nstill the first paragraph.\n\n## Steps\n1. Ask\n2. Listen\n\n"
        "- one\n- **two**\n\n### Small\nLast."
    )
    assert markup.render(source) == (
        "<p>First line still the first paragraph.</p>\n<h2>Steps</h2>\n"
        "<ol><li>Ask</li><li>Listen</li></ol>\n<ul><li>one</li><li><strong>two</strong></li></ul>\n"
        "<h3>Small</h3>\n<p>Last.</p>"
    )


def test_it_never_makes_a_second_h1() -> None:
    html = markup.render("# Not a heading")
    assert "<h1>" not in html
    assert html == "<p># Not a heading</p>"


def test_it_gives_the_plain_words_for_measuring() -> None:
    text = markup.plain_text("## Help\n- Call **988** or [chat](https://988lifeline.org).")
    assert text == "Help\nCall 988 or chat."


def test_it_renders_nothing_for_empty_text() -> None:
    assert markup.render("") == ""
    assert markup.render("\n\n  \n") == ""
