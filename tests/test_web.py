"""The web page in a real headless Chromium (Debian's chromium + chromium-driver, driven by Selenium)
against a real `samestory serve` process on loopback.

Screenshots are kept in test-artifacts/screenshots/ (one per test, taken at the end of it).
"""

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from .conftest import DEMO, ROOT

pytestmark = pytest.mark.browser

SHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")

# An article written to attack the page: markup and script in its title, text and outlet.
HOSTILE = {"title": '<img src=x onerror="window.__pwned=1">Ferry <b>strike</b> ends',
           "outlet": '<script>window.__pwned=2</script>evil.example',
           "text": 'Ferry crews in Rostock ended a three-day strike on Tuesday. <script>window.__pwned=3</script> '
                   'The operator agreed to a 6 percent pay rise, the union said. <img src=x onerror="window.__pwned=4"> '
                   'Services resume on Wednesday morning, and the full timetable is back by the weekend.'}
FERRY = ("Harbour ferry strike ends\n\nFerry crews in Rostock ended a three-day strike on Tuesday after the operator "
         "agreed to a 6 percent pay rise, the union said. Services will resume on Wednesday morning, and the operator "
         "expects a full timetable by the weekend.")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory, demo):
    from samestory.group.store import Store

    path = tmp_path_factory.mktemp("web-store")
    with Store(path) as store:
        for name in sorted(demo):
            store.add(demo[name])
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "samestory.present.cli", "serve", "--store", str(path), "--port", str(port),
                             "--quiet", "--no-cache"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    while True:
        try:
            urllib.request.urlopen(f"{url}/v1/health", timeout=2)
            break
        except OSError:
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                pytest.fail(f"samestory serve did not start:\n{proc.stdout.read().decode()}")
            time.sleep(0.3)
    yield url
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip("Chromium not found: install Debian's chromium and chromium-driver (make test does it with apt-get)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1100", "--lang=en"):
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=opts, service=Service(CHROMEDRIVER))
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


@pytest.fixture
def page(browser, server, request):
    yield browser
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SHOTS / f"{request.node.name}.png"))


def _wait(driver, css: str, timeout: float = 60):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, timeout).until(lambda d: any(e.is_displayed() for e in d.find_elements(By.CSS_SELECTOR, css)))
    return driver.find_elements(By.CSS_SELECTOR, css)


def _paste(driver, side: str, text: str, form: str = "auto") -> None:
    from selenium.webdriver.support.ui import Select

    box = driver.find_element("id", f"text-{side}")
    driver.execute_script("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input'))", box, text)
    Select(driver.find_element("id", f"format-{side}")).select_by_visible_text(form)


def _compare(driver) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    driver.find_element("id", "compare-button").click()
    WebDriverWait(driver, 120).until(lambda d: d.find_element("id", "view-compare").get_attribute("aria-busy") == "false")


def _severe_console_errors(driver) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def test_compare_side_by_side_with_linked_sentences(page, server):
    from selenium.webdriver.common.action_chains import ActionChains

    page.get(server + "/#compare")
    page.find_element("id", "file-a").send_keys(str(DEMO / "bridge_coastal-herald.md"))  # a real upload
    _paste(page, "b", (DEMO / "bridge_reprint_daily-post.html").read_text(encoding="utf-8"), "html")
    _compare(page)
    assert page.find_element("id", "relation").text.lower() == "duplicate"
    assert page.find_element("id", "title-a").text.startswith("Footbridge")
    assert len(page.find_elements("css selector", "#scores tbody tr")) == 6
    shared = [e.text for e in page.find_elements("css selector", "#entities .chips-shared .chip")]
    assert any("Lindqvist" in s for s in shared)
    aligned_a = page.find_elements("css selector", "#sentences-a li.aligned")
    assert len(aligned_a) >= 5 and page.find_elements("css selector", "#sentences-b li.aligned")

    # hovering a sentence highlights it and the sentence it is aligned with, and only while hovered
    first = aligned_a[0]
    ActionChains(page).move_to_element(first).perform()
    lit = page.find_elements("css selector", "li.hl")
    assert first in lit and any(e.get_attribute("data-side") == "b" for e in lit)
    ActionChains(page).move_to_element(page.find_element("id", "relation")).perform()
    assert not page.find_elements("css selector", "li.hl")
    assert not _severe_console_errors(page)


def test_a_pasted_address_is_fetched_by_the_service(page, server):
    """A side holding only an http(s) address is sent as a url; the service fetches the page (a real local
    news site) and the page shows it like pasted text."""
    from .newsite import NewsSite

    site = NewsSite()
    try:
        herald = site.url + site.publish("bridge_coastal-herald.md")
        page.get(server + "/#compare")
        _paste(page, "a", f"  {herald}\n")
        _paste(page, "b", (DEMO / "bridge_baltic-wire.txt").read_text(encoding="utf-8"))
        _compare(page)
        assert site.hits.get("/news/bridge_coastal-herald.html") == 1
        assert page.find_element("id", "title-a").text.startswith("Footbridge")
        assert page.find_element("id", "relation").text.lower().replace(" ", "_") == "same_story"
        assert not _severe_console_errors(page)
    finally:
        site.close()


def test_article_markup_is_shown_as_text_never_run(page, server):
    page.get(server + "/#compare")
    _paste(page, "a", FERRY, "text")
    _paste(page, "b", json.dumps(HOSTILE), "json")
    _compare(page)
    assert page.find_element("id", "result").is_displayed()
    assert page.execute_script("return window.__pwned === undefined")
    assert page.find_element("id", "title-b").text == HOSTILE["title"]  # the markup, literally
    assert any("<script>" in li.text for li in page.find_elements("css selector", "#sentences-b li"))
    assert not page.find_elements("css selector", "#result img, #result script, #result b")

    # the same article stored, then listed and opened on the stories pages
    req = json.dumps({"articles": [{"content": HOSTILE}]}).encode()
    urllib.request.urlopen(urllib.request.Request(server + "/v1/articles", req, {"Content-Type": "application/json"}), timeout=120)
    page.get(server + "/#stories")
    _wait(page, "#view-stories[aria-busy=false] #stories-table tbody tr")
    link = next(a for a in page.find_elements("css selector", "#stories-table a") if "Ferry" in a.text)
    assert link.text == HOSTILE["title"]
    link.click()
    _wait(page, "#view-story[aria-busy=false] #timeline .lane")
    assert page.find_element("css selector", "#timeline .outlet").text == HOSTILE["outlet"]
    assert not page.find_elements("css selector", "main img, main b, main script")
    assert page.execute_script("return window.__pwned === undefined")


def test_stories_timeline_lineage_and_compare_from_a_story(page, server):
    page.get(server + "/#stories")
    rows = _wait(page, "#view-stories[aria-busy=false] #stories-table tbody tr")
    assert len(rows) >= 4
    top = rows[0]
    assert top.find_elements("css selector", "td")[1].text == "5"
    top.find_element("css selector", "a").click()
    _wait(page, "#view-story[aria-busy=false] #timeline .lane")
    assert "2 independent sources" in page.find_element("id", "story-summary").text
    assert len(page.find_elements("css selector", "#timeline .dot")) == 5
    lanes = [e.get_attribute("data-outlet") for e in page.find_elements("css selector", "#timeline .lane")]
    assert "coastal-herald.example" in lanes and len(lanes) == len(set(lanes))
    edges = [e.text for e in page.find_elements("css selector", "#lineage li.edge")]
    assert len(edges) >= 3 and any("duplicate" in e for e in edges)
    assert len(page.find_elements("css selector", "#timeline .dot.copy")) >= 2

    boxes = page.find_elements("css selector", "#story-articles input[type=checkbox]")
    assert not page.find_element("id", "compare-selected").is_enabled()
    boxes[0].click()
    boxes[1].click()
    page.find_element("id", "compare-selected").click()
    _wait(page, "#view-compare[aria-busy=false] #result", timeout=120)
    assert page.find_element("id", "relation").text.lower() in ("duplicate", "rewrite", "same story")
    assert page.find_element("id", "ref-a").text.startswith("stored article")
    assert not _severe_console_errors(page)


def test_an_error_is_shown_with_the_services_message(page, server):
    page.get(server + "/#compare")
    _paste(page, "a", "   ", "text")
    _paste(page, "b", FERRY, "text")
    _compare(page)
    status = page.find_element("id", "compare-status")
    assert "error" in status.get_attribute("class") and "empty input" in status.text
    assert not page.find_element("id", "result").is_displayed()
