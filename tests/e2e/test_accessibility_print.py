"""Print: a list of services (and a service page) prints black on white, without the site's
navigation, with every phone number and web address written out on the paper."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

pytestmark = pytest.mark.browser

# Every element that shows text, with its colour and the background behind it (the first
# ancestor that paints one; printers drop background colours, so none should be needed).
_INK = """() => {
  const painted = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const bg = getComputedStyle(e).backgroundColor;
      if (bg !== 'rgba(0, 0, 0, 0)' && bg !== 'transparent') return bg;
    }
    return 'rgb(255, 255, 255)';
  };
  const found = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (!el.checkVisibility() || ![...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())) continue;
    found.push({text: el.innerText.trim().slice(0, 40), color: getComputedStyle(el).color, background: painted(el)});
  }
  return found;
}"""


def rgb(css: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", css)[:3])


def not_black_on_white(page: Any) -> list[str]:
    problems = []
    for item in page.evaluate(_INK):
        # Near-black ink (the site's text is #1a1a1a, its grey #4a4a4a) on white paper.
        if max(rgb(item["color"])) > 0x4A or min(rgb(item["background"])) < 0xF0:
            problems.append(f"{item['text']!r}: {item['color']} on {item['background']}")
    return problems


# Web links whose address the paper would not show: a link prints its address after it.
_UNWRITTEN_LINKS = """() => [...document.querySelectorAll('main a[href^="http"]')]
  .filter((a) => a.checkVisibility() && !a.innerText.includes(a.href)
    && !getComputedStyle(a, '::after').content.includes(a.getAttribute('href')))
  .map((a) => a.getAttribute('href'))"""


def printed(page: Any, url: str) -> str:
    page.goto(url)
    page.emulate_media(media="print")
    return page.locator("body").inner_text()


@pytest.fixture
def listed(page, small_directory) -> Any:
    """The pantry on the visitor's list, as a navigator's client would have it."""
    page.goto(reverse("directory:search") + "?q=pantry")
    page.get_by_role("button", name=re.compile("^Add to my list")).click()
    page.get_by_text("On your list").first.wait_for()
    return small_directory


def test_the_list_prints_without_navigation_with_phones_and_addresses(page, listed) -> None:
    text = printed(page, reverse("directory:my_list_print"))
    for hidden in ["header.site-header", "footer.site-footer", ".skip-link", "aside.crisis-banner"]:
        assert not page.locator(hidden).is_visible(), f"{hidden} prints"
    assert "Weekend Food Pantry" in text
    assert "305-555-0100" in text
    assert "https://food.example.org/pantry" in text  # the service's website, written out
    assert listed.service.get_absolute_url() in text  # and its page here
    assert "988" in text and "741741" in text  # the list carries its own crisis lines
    assert not_black_on_white(page) == []


def test_a_service_page_prints_its_links_and_crisis_lines_legibly(page, small_directory) -> None:
    text = printed(page, small_directory.service.get_absolute_url())
    assert not page.locator("nav.site-nav ul").is_visible()
    assert "food.example.org/pantry" in text
    assert page.evaluate(_UNWRITTEN_LINKS) == []
    assert "988" in text and "911" in text
    # The crisis banner's white-on-red would print white on white: it prints in black.
    assert not_black_on_white(page) == []


def test_the_ink_check_would_catch_white_text_on_colour(page, site) -> None:
    page.set_content(
        '<html lang="en"><body><p style="color: #fff; background: #8a1111">Call 988</p>'
        '<p style="color: #000">Fine</p></body></html>'
    )
    assert not_black_on_white(page) == ["'Call 988': rgb(255, 255, 255) on rgb(138, 17, 17)"]
