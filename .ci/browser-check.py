#!/usr/bin/env python3
"""Drive a real browser through every pagecount page and check what it shows.

Each page keeps its count in a different place (a cookie, a server-side
session, a signed cookie, the URL, a hidden form field); this script checks,
in headless Chromium, that the number on the page goes 1, 2, 3 and that
"start over", "forget me" and a tampered signed cookie behave as the pages
say. It also checks the cookie test pages and the links on the index.

It talks to chromedriver with the W3C WebDriver HTTP protocol directly, so
it needs only the Python standard library, /usr/bin/chromedriver and
/usr/bin/chromium.

Run it against a running server:

    cargo run --release                  # serves http://127.0.0.1:8000
    python3 .ci/browser-check.py [BASE_URL]

It prints one PASS or FAIL line per check and a summary, and exits 1 if any
check failed.
"""

import json
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

CHROMEDRIVER = "/usr/bin/chromedriver"
CHROMIUM = "/usr/bin/chromium"
DEFAULT_BASE_URL = "http://127.0.0.1:8000"
ELEMENT_KEY = "element-6066-11e4-a52e-4f735466cecf"
WAIT_SECONDS = 5.0

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]

INDEX_LINKS = [
    "/count_view/",
    "/test_cookie/",
    "/url_count/",
    "/form_count/",
    "/session_count/",
    "/signed_count/",
    "/inspect/",
]


class CheckFailed(Exception):
    """A check saw something other than what it expected."""


class WebDriverError(Exception):
    """chromedriver answered a command with an error."""

    def __init__(self, error, message):
        super().__init__(f"{error}: {message.splitlines()[0] if message else ''}")
        self.error = error
        self.message = message


# --- chromedriver ---------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_chromedriver(port):
    return subprocess.Popen(
        [CHROMEDRIVER, f"--port={port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_until_ready(driver_url, process):
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"chromedriver exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(driver_url + "/status", timeout=2) as response:
                if json.load(response)["value"].get("ready"):
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError("chromedriver did not answer /status within 10 s")


def stop_chromedriver(process):
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# --- WebDriver commands ---------------------------------------------------


def call(driver_url, method, path, body=None):
    """Sends one WebDriver command and returns its "value"."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        driver_url + path,
        data=data,
        method=method,
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.load(response)["value"]
    except urllib.error.HTTPError as e:
        value = json.load(e)["value"]
        raise WebDriverError(value.get("error"), value.get("message", "")) from None


class Browser:
    """One WebDriver session: just the commands the checks need."""

    def __init__(self, driver_url, profile_dir):
        self.driver_url = driver_url
        options = {"binary": CHROMIUM, "args": CHROMIUM_ARGS + [f"--user-data-dir={profile_dir}"]}
        capabilities = {"alwaysMatch": {"goog:chromeOptions": options}}
        value = call(driver_url, "POST", "/session", {"capabilities": capabilities})
        self.session = f"/session/{value['sessionId']}"

    def _call(self, method, path, body=None):
        return call(self.driver_url, method, self.session + path, body)

    def quit(self):
        self._call("DELETE", "")

    def get(self, url):
        self._call("POST", "/url", {"url": url})

    def refresh(self):
        self._call("POST", "/refresh", {})

    def current_url(self):
        return self._call("GET", "/url")

    def find(self, using, value):
        return self._call("POST", "/element", {"using": using, "value": value})[ELEMENT_KEY]

    def find_all(self, using, value):
        found = self._call("POST", "/elements", {"using": using, "value": value})
        return [element[ELEMENT_KEY] for element in found]

    def text(self, element):
        return self._call("GET", f"/element/{element}/text")

    def attribute(self, element, name):
        return self._call("GET", f"/element/{element}/attribute/{name}")

    def click(self, element):
        self._call("POST", f"/element/{element}/click", {})

    def cookies(self):
        return self._call("GET", "/cookie")

    def add_cookie(self, cookie):
        self._call("POST", "/cookie", {"cookie": cookie})

    def delete_all_cookies(self):
        self._call("DELETE", "/cookie")


# --- reading pages --------------------------------------------------------


def is_gone(error):
    """Whether a WebDriver error says the element's page has been replaced
    (chromedriver words this several ways while a new page loads)."""
    return error.error in ("stale element reference", "no such element") or (
        error.error == "unknown error" and "does not belong to the document" in error.message
    )


def text_of(browser, selector):
    """The text of the first element matching selector, waiting for a page
    that is still replacing the last one."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        try:
            return browser.text(browser.find("css selector", selector))
        except WebDriverError as e:
            if not is_gone(e) or time.monotonic() > deadline:
                raise
        time.sleep(0.1)


def h1_text(browser):
    return text_of(browser, "h1")


def page_text(browser):
    return text_of(browser, "body")


def count_shown(browser):
    """The N of "Page Count is: N", or CheckFailed with what the h1 said."""
    heading = h1_text(browser)
    prefix = "Page Count is: "
    if not heading.startswith(prefix) or not heading[len(prefix) :].isdigit():
        raise CheckFailed(f"expected 'Page Count is: N', the h1 says {heading!r}")
    return int(heading[len(prefix) :])


def click_and_wait(browser, using, value):
    """Clicks an element, then waits until the old page is gone."""
    old_h1 = browser.find("css selector", "h1")
    browser.click(browser.find(using, value))
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        try:
            browser.text(old_h1)
        except WebDriverError as e:
            if is_gone(e):
                return
            raise
        time.sleep(0.1)
    raise CheckFailed(f"clicking {value!r} did not load a new page within {WAIT_SECONDS:.0f} s")


def expect_count(browser, expected, seen):
    """Reads the count, records it in seen, fails if it is not expected."""
    count = count_shown(browser)
    seen.append(count)
    if count != expected:
        raise CheckFailed(f"expected count {expected}, saw {seen}")


def expect_in_page(browser, phrase):
    text = page_text(browser)
    if phrase not in text:
        raise CheckFailed(f"page does not contain {phrase!r}; h1 is {h1_text(browser)!r}")


def load_and_reload_twice(browser, url):
    """Loads url and reloads it twice; the count must go 1, 2, 3."""
    seen = []
    browser.get(url)
    expect_count(browser, 1, seen)
    browser.refresh()
    expect_count(browser, 2, seen)
    browser.refresh()
    expect_count(browser, 3, seen)
    return seen


def find_cookie(browser, name):
    for cookie in browser.cookies():
        if cookie["name"] == name:
            return cookie
    return None


# --- the checks -----------------------------------------------------------
# Each returns a short detail for its PASS line, or raises CheckFailed.


def count_then_start_over(browser, base, path, action, button):
    """Counts 1, 2, 3 on path, presses the button of the form posting to
    action, and checks the count is back to 1. Gives the counts seen and
    the heading of the page the button led to."""
    seen = load_and_reload_twice(browser, base + path)
    click_and_wait(browser, "css selector", f'form[action="{action}"] button')
    heading = h1_text(browser)
    if not heading.startswith("Deleted:"):
        raise CheckFailed(f"after {button!r} the h1 says {heading!r}")
    browser.get(base + path)
    expect_count(browser, 1, seen)
    return seen, heading


def check_cookie_counter(browser, base):
    seen, heading = count_then_start_over(browser, base, "/count_view/", "/count_view/reset/", "Start over")
    return f"counts {seen[:3]}, {heading!r}, then {seen[3]}"


def check_session_cookie(browser, base):
    browser.get(base + "/session_count/")
    cookie = find_cookie(browser, "sessionid")
    if cookie is None:
        raise CheckFailed("no sessionid cookie after loading /session_count/")
    flags = {"httpOnly": cookie.get("httpOnly"), "sameSite": cookie.get("sameSite")}
    if flags != {"httpOnly": True, "sameSite": "Lax"}:
        raise CheckFailed(f"sessionid cookie has {flags}, expected httpOnly True, sameSite Lax")
    # Chromium reports a cookie sent without SameSite as "Lax" too, so also
    # read the Set-Cookie line the page prints.
    expect_in_page(browser, "; HttpOnly; SameSite=Lax")
    return f"sessionid cookie has {flags}, and the page shows '; HttpOnly; SameSite=Lax'"


def check_session_counter(browser, base):
    seen, heading = count_then_start_over(browser, base, "/session_count/", "/session_count/forget/", "Forget me")
    return f"counts {seen[:3]}, 'Forget me' gave {heading!r}, then {seen[3]}"


def check_signed_counter(browser, base):
    seen = load_and_reload_twice(browser, base + "/signed_count/")
    cookie = find_cookie(browser, "signed_count")
    if cookie is None:
        raise CheckFailed("no signed_count cookie after three loads")
    number, dot, code = cookie["value"].partition(".")
    if number != "3" or not dot or not code:
        raise CheckFailed(f"expected a cookie value '3.<code>', saw {cookie['value']!r}")
    tampered = f"1000.{code}"
    browser.add_cookie({"name": "signed_count", "value": tampered, "path": "/"})
    values = [c["value"] for c in browser.cookies() if c["name"] == "signed_count"]
    if values != [tampered]:
        raise CheckFailed(f"after overwriting, the browser holds signed_count {values}")
    browser.refresh()
    expect_in_page(browser, f"signed_count={tampered}")
    expect_count(browser, 1, seen)
    expect_in_page(browser, "was rejected")
    return f"counts {seen[:3]}, cookie set to '1000.<code>' was rejected, count back to {seen[3]}"


def check_url_rewriting(browser, base):
    seen = []
    browser.get(base + "/url_count/")
    expect_count(browser, 1, seen)
    click_and_wait(browser, "link text", "Visit again")
    expect_count(browser, 2, seen)
    click_and_wait(browser, "link text", "Visit again")
    expect_count(browser, 3, seen)
    # The URL carries the count the previous page handed out (?count=41
    # shows 42, as the README says); the link carries the next one.
    url = browser.current_url()
    if not url.endswith("/url_count/?count=2"):
        raise CheckFailed(f"the page showing 3 is at {url!r}, expected .../url_count/?count=2")
    link = browser.attribute(browser.find("link text", "Visit again"), "href")
    if link != "/url_count/?count=3":
        raise CheckFailed(f"the page showing 3 links to {link!r}, expected /url_count/?count=3")
    return f"counts {seen}, URL {url}, next link {link}"


def check_hidden_field(browser, base):
    seen = []
    button = 'form[action="/form_count/"][method="post"] button'
    browser.get(base + "/form_count/")
    expect_count(browser, 1, seen)
    click_and_wait(browser, "css selector", button)
    expect_count(browser, 2, seen)
    click_and_wait(browser, "css selector", button)
    expect_count(browser, 3, seen)
    return f"counts {seen}"


def check_test_cookie(browser, base):
    browser.get(base + "/test_cookie/")
    click_and_wait(browser, "link text", "Check whether the cookie came back")
    expect_in_page(browser, "Your browser accepts cookies")
    browser.get(base + "/test_cookie/check/")
    expect_in_page(browser, "did not send the test cookie back")
    return "the cookie came back once, and was gone on the second check"


def check_index_links(browser, base):
    browser.get(base + "/")
    hrefs = {browser.attribute(a, "href") for a in browser.find_all("css selector", "a[href]")}
    missing = [path for path in INDEX_LINKS if path not in hrefs]
    if missing:
        raise CheckFailed(f"no link to {missing}; links found: {sorted(hrefs)}")
    return f"links to all {len(INDEX_LINKS)} pages"


CHECKS = [
    ("cookie counter", check_cookie_counter),
    ("session cookie flags", check_session_cookie),
    ("session counter", check_session_counter),
    ("signed cookie", check_signed_counter),
    ("url rewriting", check_url_rewriting),
    ("hidden form field", check_hidden_field),
    ("cookie test", check_test_cookie),
    ("index links", check_index_links),
]


# --- running them ---------------------------------------------------------


def start_clean(browser, base):
    """Opens the site and drops its cookies, so no check sees another's."""
    browser.get(base + "/inspect/")
    browser.delete_all_cookies()


def run_checks(browser, base):
    failures = 0
    for name, check in CHECKS:
        try:
            start_clean(browser, base)
            print(f"PASS {name}: {check(browser, base)}")
        except (CheckFailed, WebDriverError, OSError) as e:
            failures += 1
            print(f"FAIL {name}: {e}")
        sys.stdout.flush()
    print(f"{len(CHECKS) - failures} passed, {failures} failed, of {len(CHECKS)} checks")
    return failures


def run_browser(base, profile_dir):
    """Starts chromedriver and a browser, runs the checks, stops both."""
    port = free_port()
    driver_url = f"http://127.0.0.1:{port}"
    driver = start_chromedriver(port)
    browser = None
    try:
        wait_until_ready(driver_url, driver)
        browser = Browser(driver_url, profile_dir)
        return run_checks(browser, base)
    finally:
        if browser is not None:
            try:
                browser.quit()
            except (OSError, WebDriverError) as e:
                print(f"could not end the browser session: {e}", file=sys.stderr)
        stop_chromedriver(driver)


def main():
    if any(arg in ("-h", "--help") for arg in sys.argv[1:]):
        print(__doc__)
        return
    base = (sys.argv[1] if len(sys.argv) > 1 else DEFAULT_BASE_URL).rstrip("/")
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as profile_dir:
        try:
            failures = run_browser(base, profile_dir)
        except (OSError, RuntimeError, WebDriverError) as e:
            print(f"FAIL browser: could not run the checks: {e}")
            return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
