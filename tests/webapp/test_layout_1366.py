"""No truncated labels at 1366 px: every page of the home page's menu, as admin (and the
main ones as planner and viewer), in Chinese and English, in a real Chromium at 1366×768.

A page fails when a label, button, heading, table header, menu item or tile clips its text
(scrollWidth beyond clientWidth, an ellipsis that actually cuts), a select is too narrow for
the option it shows (`browser.cut_choices`), or something reaches past the
viewport's right edge — except inside a deliberate scroll container (the term timeline, a
wide table's wrapper), which scrolls on its own.
"""

from __future__ import annotations

import pytest
from browser import browser_page, cut_choices, sign_in
from edittools import published_template
from webtools import PASSWORDS, LiveServer

TEXT = "label, button, h1, h2, h3, th, nav a, a.button, .tile, summary, legend, dt, .flash"
FIND = """(selector) => {
  const width = document.documentElement.clientWidth;
  const scrolls = (el) => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      const x = getComputedStyle(p).overflowX;
      if ((x === 'auto' || x === 'scroll') && p !== document.documentElement && p !== document.body)
        return true;
    }
    return false;
  };
  const bad = [];
  for (const el of document.querySelectorAll(selector)) {
    const text = (el.innerText || '').trim();
    const box = el.getBoundingClientRect();
    if (!text || box.width === 0 || scrolls(el)) continue;
    const style = getComputedStyle(el);
    const name = el.tagName.toLowerCase() + ' “' + text.slice(0, 40) + '”';
    if (style.display !== 'inline' && el.scrollWidth > el.clientWidth + 1)
      bad.push(name + ' clipped: ' + el.scrollWidth + ' > ' + el.clientWidth);
    else if (box.right > width + 1) bad.push(name + ' past the right edge: ' + Math.round(box.right));
  }
  if (document.documentElement.scrollWidth > width + 1)
    bad.push('the page scrolls sideways: ' + document.documentElement.scrollWidth + ' > ' + width);
  return bad;
}"""
# One step deeper from a menu page: the import page, a plan version, an examiner.
DEEPER = ("a[href$='/examiners/import']", "#versions a[href$='/plans/1']",
          "table.examiners tbody tr:first-child td:nth-child(2) a")  # fmt: skip
# Every link of these lists: the records and settings pages, a plan's term views.
EVERY = ("#records-index a", "#term-links a")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory):
    """S loaded, solved and published as v1, with users of every role."""
    return published_template(tmp_path_factory.mktemp("layout") / "published.db")


def menu_pages(page, language_switch: bool, every: tuple[str, ...]) -> dict[str, list[str]]:
    """Click home, then every menu item in turn and the links it leads to most; what each
    page clips, by its address."""
    found: dict[str, list[str]] = {}
    if language_switch:
        page.click("form.lang button")
        page.wait_for_load_state()
    page.click("header.top .brand")
    page.wait_for_load_state()
    found[page.url] = problems_on(page)
    for index in range(page.locator("nav.menu a").count()):
        page.locator("nav.menu a").nth(index).click()
        page.wait_for_load_state()
        found[page.url] = problems_on(page)
        follow(page, found, every)
        for link in DEEPER:
            if page.locator(link).count():
                page.locator(link).first.click()
                page.wait_for_load_state()
                found[page.url] = problems_on(page)
                follow(page, found, every)
                page.go_back()
                page.wait_for_load_state()  # else the next click races the way back
    return found


def problems_on(page) -> list[str]:
    """What this page clips: labels and the like, and selects too narrow for their choice."""
    found: list[str] = page.evaluate(FIND, TEXT)
    return found + cut_choices(page)


def follow(page, found: dict[str, list[str]], selectors: tuple[str, ...]) -> None:
    """Click each link of `selectors` on this page in turn (coming back after each)."""
    for selector in selectors:
        for index in range(page.locator(selector).count()):
            page.locator(selector).nth(index).click()
            page.wait_for_load_state()
            found[page.url] = problems_on(page)
            page.go_back()
            page.wait_for_load_state()


@pytest.mark.parametrize("role", ["admin", "planner", "viewer"])
def test_no_label_is_truncated_at_1366_px(app, role: str) -> None:
    problems: dict[str, list[str]] = {}
    visited: list[str] = []
    with LiveServer(app) as server, browser_page(server.url) as page:
        page.set_viewport_size({"width": 1366, "height": 768})
        sign_in(page, server.url, role, PASSWORDS[role])
        for english in (False, True):
            every = EVERY if role == "admin" else EVERY[1:]  # the others: the main pages
            for url, bad in menu_pages(page, english, every).items():
                visited.append(url)
                if bad:
                    problems[f"{'en' if english else 'zh'} {url}"] = bad
    assert problems == {}
    assert len(visited) >= 10 and any("/plans/1" in url for url in visited)
    assert any(url.endswith("/timeline") for url in visited)
    if role == "admin":
        assert any(url.endswith("/users") for url in visited)


def test_the_check_sees_a_clipped_button_and_a_page_too_wide(app) -> None:
    with browser_page("about:blank") as page:
        page.set_viewport_size({"width": 1366, "height": 768})
        page.set_content(
            "<style>button{width:40px;overflow:hidden;white-space:nowrap;text-overflow:ellipsis}"
            "h1{width:2000px}</style><button>导入无误的行</button><h1>标题</h1>"
        )
        bad = page.evaluate(FIND, TEXT)
    assert any("button “导入无误的行” clipped" in b for b in bad)
    assert any("h1 “标题” past the right edge" in b for b in bad)
    assert any("scrolls sideways" in b for b in bad)


def test_the_check_sees_a_select_too_narrow_for_its_choice() -> None:
    with browser_page("about:blank") as page:
        page.set_content(
            "<style>select{width:80px}</style><select><option>S0009 2026-12-18 08:30 "
            "常州交通技师学院考点</option></select><select><option>—</option></select>"
        )
        bad = cut_choices(page)
    assert len(bad) == 1 and "S0009" in bad[0]
