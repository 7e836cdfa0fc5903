"""Browser tests: Debian's Chromium driven by Playwright, against Django's live server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# htmx reports a request it aborted on purpose (hx-sync="this:replace" drops the stale request
# when a newer keystroke arrives) as a console error; those are not errors of the page.
EXPECTED_HTMX_LOGS = ("htmx:sendAbort", "htmx:afterRequest")

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run where an
# event loop is running unless told that this is safe (tests run one thing at a time).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        message = f"Chromium is missing at {CHROMIUM}: install Debian's chromium (make browser)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    # bypass_csp lets the tests inject axe-core; the pages themselves keep their policy.
    context = browser.new_context(
        locale="en-GB", viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and not msg.text.startswith(EXPECTED_HTMX_LOGS)
            else None
        ),
    )
    page.js_errors = errors
    yield page
    context.close()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Serious and critical WCAG 2.1 A/AA violations axe-core finds on the current page."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}
        })"""
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def log_in(page: Any, base: str, email: str, password: str, next_path: str | None = None) -> None:
    """Signs in through the sign-in page, as a person would; waits for `next_path`."""
    sign_out = page.locator("form[action$='/logout/'] button")
    if sign_out.count():
        sign_out.click()
        page.wait_for_load_state()
    page.goto(f"{base}/en/accounts/login/" + (f"?next={next_path}" if next_path else ""))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    if next_path:
        page.wait_for_url(f"**{next_path}")
    else:
        page.wait_for_load_state()
