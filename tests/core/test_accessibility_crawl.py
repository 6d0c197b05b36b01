"""Every page every role can reach, found by following links, checked by axe-core (critical, serious and moderate
findings fail) at 320 px wide, where each page must also reflow: no sideways scrolling of the page itself (a wide
table may scroll inside its own container, as WCAG 1.4.10 allows for data tables).

The crawl signs in as each demo user on the small demo council and follows every same-site link breadth first,
one page per URL shape (numbers in the path and query values stand for any), so a new page is checked as soon as
a link leads to it, without a test naming it."""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command

from accounts.demo import DEMO_PASSWORD, DEMO_USERS
from accounts.models import User

pytestmark = [pytest.mark.browser, pytest.mark.crawl]

CRAWL_IMPACTS = {"critical", "serious", "moderate"}
NARROW = {"width": 320, "height": 800}
MAX_PAGES_PER_ROLE = 120
# Not pages: files, sign-out (a POST form, but never follow it), the admin site (Django's own, for system
# administrators only and outside the service's design) and the static files.
SKIP = re.compile(r"^/(static/|admin/|accounts/sign-out/)|/download/|/export|\.(pdf|csv|zip)$|[?&]format=csv")


# The innermost elements that reach past the right edge, to say what does not reflow.
WIDEST = """[...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && e.children.length === 0)
  .slice(0, 3).map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ').join('.') : ''))"""


def _shape(path: str, query: str) -> str:
    """One page per path shape: numbers stand for any record, and a query (a filter, a tab, a page number, where to
    return to) shows the same template."""
    return re.sub(r"\d+", "N", path)


class _Hrefs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def _links(base_url: str, html: str, origin: str) -> list[str]:
    parser = _Hrefs()
    parser.feed(html)
    found = []
    for href in parser.hrefs:
        parts = urlsplit(urljoin(base_url, href))
        local = parts.path + ("?" + parts.query if parts.query else "")
        if f"{parts.scheme}://{parts.netloc}" == origin and not SKIP.search(local):
            found.append(local)
    return found


def _crawl(page: Any, origin: str, axe: Any, checked: set[str]) -> tuple[int, list[str]]:
    """Follows every link from the home page breadth first. A page shape another role has already had checked is
    followed for its links but not checked again, except each role's home page, which is each role's own."""
    seen_shapes: set[str] = set()
    queue: deque[str] = deque(["/"])
    visited = 0
    problems: list[str] = []
    while queue and visited < MAX_PAGES_PER_ROLE:
        url = queue.popleft()
        parts = urlsplit(url)
        shape = _shape(parts.path, parts.query)
        if shape in seen_shapes:
            continue
        seen_shapes.add(shape)
        if shape not in checked or shape == "/":
            # A page not yet checked: loaded in the browser and checked.
            response = page.goto(origin + url)
            status, html = (response.status if response else 0), page.content()
            if status == 200 and page.url.startswith(origin):
                checked.add(shape)
                problems.extend(_check(page, url, axe))
        else:
            # Checked already, as another role: only its links are wanted, so the HTML is fetched, not rendered.
            fetched = page.request.get(origin + url)
            status, html = fetched.status, fetched.text()
        if status != 200:
            problems.append(f"{url}: answered {status}")
            continue
        visited += 1
        queue.extend(_links(origin + url, html, origin))
    return visited, problems


def _check(page: Any, url: str, axe: Any) -> list[str]:
    problems = []
    for violation in axe.run(page).response.get("violations", []):
        if violation.get("impact") in CRAWL_IMPACTS:
            targets = [n.get("target") for n in violation.get("nodes", [])][:3]
            problems.append(f"{url}: {violation['impact']} {violation['id']}: {violation['help']} {targets}")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    if overflow > 0:
        problems.append(f"{url}: does not reflow at 320 px ({overflow} px too wide: {page.evaluate(WIDEST)})")
    return problems


def test_every_page_every_role_reaches_passes_axe_and_reflows(chromium, live_server, sign_in, transactional_db):
    from axe_playwright_python.sync_playwright import Axe

    call_command("seed_demo", scale="small", verbosity=0)
    axe = Axe()
    checked: set[str] = set()
    report: list[str] = []
    problems: list[str] = []
    for demo in DEMO_USERS:
        context = chromium.new_context(viewport=NARROW, locale="en-GB", timezone_id="Europe/London")
        context.set_default_timeout(15_000)
        page = context.new_page()
        try:
            sign_in(page, User.objects.get(email=demo.email), password=DEMO_PASSWORD)
            visited, found = _crawl(page, live_server.url, axe, checked)
        finally:
            context.close()
        report.append(f"{demo.email}: {visited} pages")
        assert visited >= 3, report
        problems.extend(f"{demo.email} {p}" for p in found)
    print("\n".join(report), f"\n{len(checked)} page shapes checked")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
