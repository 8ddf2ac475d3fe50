#!/usr/bin/env python3
"""Drive a real browser through every pagecount page and check what it shows.

Each page keeps its count in a different place (a cookie, a server-side
session, a signed cookie, the URL, a hidden form field, the browser's
cache); this script checks, in headless Chromium, that:

- the index lists the pages (the list every other check walks is read
  from the index's links, which come from the server's route table);
- every counter goes 1, 2, 3 (and back to 1 after "start over"), its
  heading names the mechanism, and its picture names this exchange's
  values: the state that came (e.g. count=2) and the state that goes back
  (count=3), marked;
- the ETag counter counts 1, 2, 3 in a browser that blocks cookies;
- Back after posting the hidden-field form shows the previous page, not
  the browser's "Confirm Form Resubmission" error;
- the cookie lab sets and deletes cookies with attributes: HttpOnly ones
  are invisible to document.cookie, Max-Age=0 ones are gone, the curl-style
  /cookies/set?NAME=VALUE works, and a broken name is refused;
- no page prints the HttpOnly sessionid whole, not even /inspect/'s JSON
  fetched by a script in the page;
- no page is wider than the window at 1280 and 400 px, and the picture's
  text is at least as large as the body text;
- /count_view (no final slash) lands on the counter.

It talks to chromedriver with the W3C WebDriver HTTP protocol directly, so
it needs only the Python standard library, /usr/bin/chromedriver and
/usr/bin/chromium.

    python3 .ci/browser-check.py [BASE_URL]                 # a running server
    python3 .ci/browser-check.py --server target/debug/pagecount
    python3 .ci/browser-check.py --server target/debug/pagecount --screenshots .ci/screenshots

--server starts that binary on a free port and stops it afterwards;
--screenshots saves a full-page PNG of every listed page at 1280 and 400
px wide (each after a second visit, so the picture shows a returning
visitor). It prints one PASS or FAIL line per check and a summary, and
exits 1 if any check failed.
"""

import argparse
import base64
import json
import os
import re
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
WIDTHS = (1280, 400)
WINDOW_HEIGHT = 900

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
    "--hide-scrollbars",
]

# Chromium's setting that blocks every site's cookies.
BLOCK_COOKIES = {"profile.default_content_setting_values.cookies": 2}

# The one listed page that shows a request rather than an exchange.
PAGES_WITHOUT_PICTURE = {"/inspect/"}


class CheckFailed(Exception):
    """A check saw something other than what it expected."""


class WebDriverError(Exception):
    """chromedriver answered a command with an error."""

    def __init__(self, error, message):
        super().__init__(f"{error}: {message.splitlines()[0] if message else ''}")
        self.error = error
        self.message = message


# --- processes ------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(binary):
    """Starts pagecount on a free port; returns the process and its URL."""
    process = subprocess.Popen(
        [binary, "--bind", "127.0.0.1:0", "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    line = process.stdout.readline().strip()
    match = re.fullmatch(r"Listening on (http://\S+)/", line)
    if not match:
        stop(process)
        raise RuntimeError(f"{binary} printed {line!r}, not 'Listening on http://...'")
    return process, match.group(1)


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


def stop(process):
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

    def __init__(self, driver_url, profile_dir, prefs=None):
        self.driver_url = driver_url
        options = {"binary": CHROMIUM, "args": CHROMIUM_ARGS + [f"--user-data-dir={profile_dir}"]}
        if prefs:
            options["prefs"] = prefs
        capabilities = {"alwaysMatch": {"goog:chromeOptions": options}}
        value = call(driver_url, "POST", "/session", {"capabilities": capabilities})
        self.session = f"/session/{value['sessionId']}"
        self.set_width(WIDTHS[0])

    def _call(self, method, path, body=None):
        return call(self.driver_url, method, self.session + path, body)

    def quit(self):
        self._call("DELETE", "")

    def get(self, url):
        self._call("POST", "/url", {"url": url})

    def refresh(self):
        self._call("POST", "/refresh", {})

    def back(self):
        self._call("POST", "/back", {})

    def current_url(self):
        return self._call("GET", "/url")

    def source(self):
        return self._call("GET", "/source")

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

    def type(self, element, text):
        self._call("POST", f"/element/{element}/value", {"text": text})

    def script(self, source, *args):
        return self._call("POST", "/execute/sync", {"script": source, "args": list(args)})

    def async_script(self, source, *args):
        return self._call("POST", "/execute/async", {"script": source, "args": list(args)})

    def cookies(self):
        return self._call("GET", "/cookie")

    def add_cookie(self, cookie):
        self._call("POST", "/cookie", {"cookie": cookie})

    def delete_all_cookies(self):
        self._call("DELETE", "/cookie")

    def cdp(self, command, params):
        return self._call("POST", "/goog/cdp/execute", {"cmd": command, "params": params})

    def set_width(self, width):
        """Makes the viewport exactly width px wide (Chromium's device
        emulation, so that window decorations do not count)."""
        self.cdp(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": WINDOW_HEIGHT, "deviceScaleFactor": 1, "mobile": False},
        )

    def screenshot(self, path):
        """Saves the whole page, not only what fits the window, as a PNG."""
        width, height = self.script(
            "return [window.innerWidth, document.documentElement.scrollHeight]"
        )
        shot = self.cdp(
            "Page.captureScreenshot",
            {
                "format": "png",
                "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
            },
        )
        with open(path, "wb") as out:
            out.write(base64.b64decode(shot["data"]))


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


def texts_of(browser, selector):
    return [browser.text(element) for element in browser.find_all("css selector", selector)]


def h1_text(browser):
    return text_of(browser, "h1")


def page_text(browser):
    return text_of(browser, "body")


def count_shown(browser, title):
    """The N of "<title> · Page Count is: N", or CheckFailed with what the
    h1 said."""
    heading = h1_text(browser)
    match = re.fullmatch(r"(.+) · Page Count is: (\d+)", heading)
    if not match:
        raise CheckFailed(f"expected '{title} · Page Count is: N', the h1 says {heading!r}")
    if match.group(1) != title:
        raise CheckFailed(f"the heading names {match.group(1)!r}, the index calls the page {title!r}")
    return int(match.group(2))


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


def expect_in_page(browser, phrase):
    text = page_text(browser)
    if phrase not in text:
        raise CheckFailed(f"page does not contain {phrase!r}; h1 is {h1_text(browser)!r}")


def expect_picture(browser, sent, answered):
    """The picture's marked values: what came (sent, or None for nothing
    marked) and what goes back (answered), each a string the mark must
    equal or a function that must accept it."""
    marks = {
        "sent": texts_of(browser, "figure.exchange .sent mark"),
        "answered": texts_of(browser, "figure.exchange .back mark"),
    }
    for side, wanted in (("sent", sent), ("answered", answered)):
        got = marks[side]
        if wanted is None:
            ok = got == []
        elif callable(wanted):
            ok = len(got) == 1 and wanted(got[0])
        else:
            ok = got == [wanted]
        if not ok:
            raise CheckFailed(f"the picture marks {got} as {side}, expected {wanted!r}; all marks: {marks}")


def find_cookie(browser, name):
    for cookie in browser.cookies():
        if cookie["name"] == name:
            return cookie
    return None


class Site:
    """The pages the index lists: path and title, read from its links."""

    def __init__(self, browser, base):
        self.base = base
        browser.get(base + "/")
        links = browser.find_all("css selector", "ul.pages a")
        self.pages = [(browser.attribute(a, "href"), browser.text(a)) for a in links]
        if len(self.pages) < 2:
            raise RuntimeError(f"the index lists {self.pages}: no ul.pages links")

    def title(self, path):
        for here, title in self.pages:
            if here == path:
                return title
        raise CheckFailed(f"the index does not list {path}; it lists {[p for p, _ in self.pages]}")


# --- counting -------------------------------------------------------------


def counts(browser, site, path, steps, advance):
    """Loads path and advances it (reload, click) twice: the count must go
    1, 2, 3, and each picture must mark what came and what goes back, as
    steps[i] = (sent, answered) says. Returns the counts seen."""
    title = site.title(path)
    seen = []
    browser.get(site.base + path)
    for i, (sent, answered) in enumerate(steps):
        if i > 0:
            advance()
        seen.append(count_shown(browser, title))
        if seen[-1] != i + 1:
            raise CheckFailed(f"expected count {i + 1}, saw {seen}")
        expect_picture(browser, sent, answered)
    return seen


def start_over(browser, site, path, action, button):
    """Presses the button of the form posting to action; the next visit
    counts 1 again."""
    click_and_wait(browser, "css selector", f'form[action="{action}"] button')
    heading = h1_text(browser)
    if not heading.startswith("Deleted:"):
        raise CheckFailed(f"after {button!r} the h1 says {heading!r}")
    browser.get(site.base + path)
    count = count_shown(browser, site.title(path))
    if count != 1:
        raise CheckFailed(f"after {button!r} the count is {count}, not 1")
    return heading


def check_cookie_counter(browser, site):
    steps = [(None, "count=1"), ("count=1", "count=2"), ("count=2", "count=3")]
    seen = counts(browser, site, "/count_view/", steps, browser.refresh)
    heading = start_over(browser, site, "/count_view/", "/count_view/reset/", "Start over")
    return f"counts {seen}, pictures mark count=N-1 sent and count=N set, {heading!r}, then 1"


def check_session_counter(browser, site):
    browser.get(site.base + "/session_count/")
    cookie = find_cookie(browser, "sessionid")
    if cookie is None:
        raise CheckFailed("no sessionid cookie after loading /session_count/")
    flags = {"httpOnly": cookie.get("httpOnly"), "sameSite": cookie.get("sameSite")}
    if flags != {"httpOnly": True, "sameSite": "Lax"}:
        raise CheckFailed(f"sessionid cookie has {flags}, expected httpOnly True, sameSite Lax")
    # Chromium reports a cookie sent without SameSite as "Lax" too, so also
    # read the Set-Cookie line the picture shows.
    expect_in_page(browser, "; HttpOnly; SameSite=Lax")
    # The id goes back unchanged; what changes is the count in the store,
    # on the server's side of the picture.
    shown_id = f"sessionid={cookie['value'][:6]}…"
    for count in (2, 3):
        browser.refresh()
        if count_shown(browser, site.title("/session_count/")) != count:
            raise CheckFailed(f"expected count {count}")
        marks = texts_of(browser, "figure.exchange .sent mark") + texts_of(browser, "figure.exchange .srv mark")
        if marks != [shown_id, str(count)]:
            raise CheckFailed(f"the picture marks {marks}, expected {[shown_id, str(count)]}")
    logged_in = log_in(browser, site)
    heading = start_over(browser, site, "/session_count/", "/session_count/forget/", "Forget me")
    return (
        f"sessionid is {flags}, counts 1, 2, 3 with the id cut short and the store's count marked; "
        f"{logged_in}; {heading!r}, then 1"
    )


def log_in(browser, site):
    """Presses "Log in": the session moves to a new id with its count, and
    the old id opens nothing."""
    old_id = find_cookie(browser, "sessionid")["value"]
    click_and_wait(browser, "css selector", 'form[action="/session_count/cycle/"] button')
    heading = h1_text(browser)
    if heading != "Logged in: your session has a new id":
        raise CheckFailed(f"after 'Log in' the h1 says {heading!r}")
    new_id = find_cookie(browser, "sessionid")["value"]
    if new_id == old_id:
        raise CheckFailed("'Log in' kept the same session id")
    browser.get(site.base + "/session_count/")
    if count_shown(browser, site.title("/session_count/")) != 4:
        raise CheckFailed("after 'Log in' the count did not carry on to 4")
    browser.add_cookie({"name": "sessionid", "value": old_id, "path": "/"})
    browser.get(site.base + "/session_count/")
    if count_shown(browser, site.title("/session_count/")) != 1 or "not adopted" not in browser.source():
        raise CheckFailed("the id from before 'Log in' still opened the session")
    return "'Log in' moved the count to a new id (4 on the next visit) and the old id then opened nothing"


def check_signed_counter(browser, site):
    values = []
    steps = [
        (None, lambda m: m.startswith("signed_count=1.")),
        (lambda m: m == f"signed_count={values[-1]}", lambda m: m.startswith("signed_count=2.")),
        (lambda m: m == f"signed_count={values[-1]}", lambda m: m.startswith("signed_count=3.")),
    ]

    def reload():
        values.append(find_cookie(browser, "signed_count")["value"])
        browser.refresh()

    seen = counts(browser, site, "/signed_count/", steps, reload)
    cookie = find_cookie(browser, "signed_count")
    number, dot, code = cookie["value"].partition(".")
    if number != "3" or not dot or not code:
        raise CheckFailed(f"expected a cookie value '3.<code>', saw {cookie['value']!r}")
    tampered = f"1000.{code}"
    browser.add_cookie({"name": "signed_count", "value": tampered, "path": "/"})
    browser.refresh()
    expect_in_page(browser, f"signed_count={tampered}")
    if count_shown(browser, site.title("/signed_count/")) != 1:
        raise CheckFailed("a tampered cookie did not bring the count back to 1")
    expect_in_page(browser, "was rejected")
    expect_picture(browser, None, lambda m: m.startswith("signed_count=1."))
    return f"counts {seen}, the sent cookie marked only when its code matched; '1000.<code>' was rejected"


def check_url_rewriting(browser, site):
    steps = [(None, "count=1"), ("count=1", "count=2"), ("count=2", "count=3")]
    seen = counts(browser, site, "/url_count/", steps, lambda: click_and_wait(browser, "link text", "Visit again"))
    url = browser.current_url()
    if not url.endswith("/url_count/?count=2"):
        raise CheckFailed(f"the page showing 3 is at {url!r}, expected .../url_count/?count=2")
    link = browser.attribute(browser.find("link text", "Visit again"), "href")
    if link != "/url_count/?count=3":
        raise CheckFailed(f"the page showing 3 links to {link!r}, expected /url_count/?count=3")
    return f"counts {seen}, URL {url}, next link {link}"


def check_hidden_field(browser, site):
    button = 'form[action="/form_count/"][method="post"] button'
    steps = [(None, "1"), ("count=1", "2"), ("count=2", "3")]
    seen = counts(browser, site, "/form_count/", steps, lambda: click_and_wait(browser, "css selector", button))
    # Back must show the page that posted count=2 as it was, not the
    # browser's "Confirm Form Resubmission" error page.
    browser.back()
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        try:
            heading = h1_text(browser)
            if heading != f"{site.title('/form_count/')} · Page Count is: 3":
                break
        except WebDriverError as e:
            if not is_gone(e):
                raise
            heading = None
        if time.monotonic() > deadline:
            break
        time.sleep(0.1)
    if heading != f"{site.title('/form_count/')} · Page Count is: 2":
        text = page_text(browser)[:200].replace("\n", " ")
        raise CheckFailed(f"after Back the h1 is {heading!r}; the page begins {text!r}")
    return f"counts {seen}, Back shows the page that counted 2"


def check_test_cookie(browser, site):
    browser.get(site.base + "/test_cookie/")
    expect_picture(browser, None, "testcookie=worked")
    click_and_wait(browser, "link text", "Check whether the cookie came back")
    expect_in_page(browser, "Your browser accepts cookies")
    expect_picture(browser, "testcookie=worked", "testcookie=")
    browser.get(site.base + "/test_cookie/check/")
    expect_in_page(browser, "did not send the test cookie back")
    browser.add_cookie({"name": "other", "value": "1", "path": "/"})
    browser.get(site.base + "/test_cookie/check/")
    expect_in_page(browser, "this check was opened on its own")
    return "the cookie came back once and was deleted; alone, the check says so"


def check_etag_without_cookies(driver_url, site, profile_root):
    """In a second browser that blocks every cookie: the ETag counter
    counts, the cookie counter cannot."""
    with tempfile.TemporaryDirectory(dir=profile_root, ignore_cleanup_errors=True) as profile:
        browser = Browser(driver_url, profile, prefs=BLOCK_COOKIES)
        try:
            steps = [(None, '"1"'), ('"1"', '"2"'), ('"2"', '"3"')]
            seen = counts(browser, site, "/etag_count/", steps, browser.refresh)
            browser.get(site.base + "/count_view/")
            browser.refresh()
            cookie_count = count_shown(browser, site.title("/count_view/"))
            if cookie_count != 1 or browser.cookies():
                raise CheckFailed(f"cookies are not blocked: the cookie counter shows {cookie_count}")
        finally:
            browser.quit()
    return f"with cookies blocked, counts {seen} (If-None-Match \"N-1\" in, ETag \"N\" out); the cookie counter stays at 1"


def lab_form(browser, site, fields, checks=(), same_site=None, action="/cookies/set"):
    """Fills in and posts a cookie-lab form; waits for the lab again."""
    browser.get(site.base + "/cookies/")
    form = f'form[action="{action}"]'
    for name, text in fields.items():
        browser.type(browser.find("css selector", f'{form} [name="{name}"]'), text)
    for name in checks:
        browser.click(browser.find("css selector", f'{form} [name="{name}"]'))
    if same_site:
        browser.click(browser.find("css selector", f'{form} select[name="samesite"] option[value="{same_site}"]'))
    click_and_wait(browser, "css selector", f"{form} button")
    if not browser.current_url().endswith("/cookies/"):
        raise CheckFailed(f"the form led to {browser.current_url()}, not back to /cookies/")


def lab_names(browser):
    return [text for text in texts_of(browser, "table code") if text.startswith("lab_")]


def check_cookie_lab(browser, site):
    lab_form(browser, site, {"name": "lab_plain", "value": "v1", "max_age": "600"})
    lab_form(browser, site, {"name": "lab_hidden", "value": "v2"}, checks=["httponly"], same_site="Strict")
    document_cookie = browser.script("return document.cookie")
    hidden = find_cookie(browser, "lab_hidden")
    if hidden is None or not hidden.get("httpOnly") or hidden.get("sameSite") != "Strict":
        raise CheckFailed(f"lab_hidden is {hidden}, expected httpOnly and SameSite=Strict")
    if "lab_plain=v1" not in document_cookie or "lab_hidden" in document_cookie:
        raise CheckFailed(f"document.cookie is {document_cookie!r}: expected lab_plain, not lab_hidden")
    if "lab_hidden" not in texts_of(browser, "table code"):
        raise CheckFailed("the lab does not list lab_hidden, though the browser sends it")
    lab_form(browser, site, {"name": "lab_plain", "max_age": "0"})
    if find_cookie(browser, "lab_plain") is not None or "lab_plain" in lab_names(browser):
        raise CheckFailed("a Max-Age=0 cookie is still there")
    browser.get(site.base + "/cookies/set?lab_url=1&Path=/&Max-Age=60&SameSite=Lax")
    url_cookie = find_cookie(browser, "lab_url")
    if not browser.current_url().endswith("/cookies/") or url_cookie is None or "expiry" not in url_cookie:
        raise CheckFailed(f"/cookies/set?lab_url=1 led to {browser.current_url()} with {url_cookie}")
    click_and_wait(browser, "xpath", "//tr[td/code[text()='lab_url']]//button")
    if find_cookie(browser, "lab_url") is not None:
        raise CheckFailed("the Delete button left lab_url in place")
    browser.get(site.base + "/cookies/set?lab%3Bbad=1")
    heading = h1_text(browser)
    if not heading.startswith("400") or find_cookie(browser, "lab;bad") is not None:
        raise CheckFailed(f"a name with ';' gave {heading!r}")
    expect_in_page(browser, "must be a token")
    return (
        "form and /cookies/set set cookies with Max-Age, HttpOnly, SameSite; the HttpOnly one is listed "
        "but not in document.cookie; Max-Age=0 and Delete remove them; 'lab;bad' is a 400 naming the rule"
    )


def check_session_id_is_never_printed(browser, site):
    browser.get(site.base + "/session_count/")
    session_id = find_cookie(browser, "sessionid")["value"]
    for path, _ in site.pages:
        browser.get(site.base + path)
        if session_id in browser.source():
            raise CheckFailed(f"{path} prints the whole sessionid")
    fetched = browser.async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch('/inspect/?format=json').then(r => r.text()).then(done, e => done(String(e)));"
    )
    if session_id in fetched or '"masked": [\n    "sessionid"' not in fetched:
        raise CheckFailed(f"a script's fetch of /inspect/?format=json got {fetched[:300]!r}")
    return f"no listed page, nor the JSON a page script fetches, holds the id ({len(site.pages)} pages)"


def check_widths(browser, site):
    """Every page, with long values about, fits 1280 and 400 px."""
    browser.add_cookie({"name": "long", "value": "x" * 600, "path": "/"})
    paths = [path for path, _ in site.pages] + [
        "/",
        "/test_cookie/check/",
        "/inspect/?q=" + "y" * 400,
        "/cookies/set?bad%3B=1",
        "/url_count/?count=" + "9" * 300,
        "/no-such-page",
    ]
    too_wide = []
    for width in WIDTHS:
        browser.set_width(width)
        for path in paths:
            browser.get(site.base + path)
            inner, scroll = browser.script(
                "return [window.innerWidth, document.documentElement.scrollWidth]"
            )
            if scroll > inner:
                too_wide.append(f"{path[:30]} at {width}: {scroll} > {inner}")
            small = browser.script(
                "const pre = document.querySelector('figure.exchange pre');"
                "return pre && parseFloat(getComputedStyle(pre).fontSize)"
                " < parseFloat(getComputedStyle(document.body).fontSize);"
            )
            if small:
                too_wide.append(f"{path[:30]} at {width}: the picture's text is smaller than the body's")
    browser.set_width(WIDTHS[0])
    if too_wide:
        raise CheckFailed("; ".join(too_wide))
    return f"{len(paths)} pages fit {WIDTHS[0]} and {WIDTHS[1]} px, pictures as large as body text"


def check_pages_and_pictures(browser, site):
    """Every listed page loads; each but inspect draws its exchange."""
    missing = []
    for path, title in site.pages:
        browser.get(site.base + path)
        heading = h1_text(browser)
        if not heading.startswith(title):
            missing.append(f"{path} is headed {heading!r}")
        pictures = browser.find_all("css selector", "figure.exchange")
        if (len(pictures) == 1) == (path in PAGES_WITHOUT_PICTURE):
            missing.append(f"{path} has {len(pictures)} pictures")
    if missing:
        raise CheckFailed("; ".join(missing))
    return f"{len(site.pages)} pages, headed by their names, {len(site.pages) - 1} with a picture"


def check_no_slash(browser, site):
    browser.get(site.base + "/count_view")
    url = browser.current_url()
    if not url.endswith("/count_view/"):
        raise CheckFailed(f"/count_view led to {url}")
    count = count_shown(browser, site.title("/count_view/"))
    return f"/count_view landed on {url}, count {count}"


CHECKS = [
    ("pages and pictures", check_pages_and_pictures),
    ("cookie counter", check_cookie_counter),
    ("session counter", check_session_counter),
    ("signed cookie", check_signed_counter),
    ("url rewriting", check_url_rewriting),
    ("hidden form field and Back", check_hidden_field),
    ("cookie test", check_test_cookie),
    ("cookie lab", check_cookie_lab),
    ("sessionid never printed", check_session_id_is_never_printed),
    ("widths", check_widths),
    ("no final slash", check_no_slash),
]


# --- screenshots ----------------------------------------------------------


def slug(path):
    return path.strip("/").replace("/", "-") or "index"


def take_screenshots(browser, site, directory):
    """Every listed page, on a second visit, at each width."""
    os.makedirs(directory, exist_ok=True)
    second_visit = {
        "/url_count/": lambda: click_and_wait(browser, "link text", "Visit again"),
        "/form_count/": lambda: click_and_wait(browser, "css selector", 'form[action="/form_count/"] button'),
        "/test_cookie/": lambda: click_and_wait(browser, "link text", "Check whether the cookie came back"),
    }
    for path in ["/"] + [path for path, _ in site.pages]:
        for width in WIDTHS:
            # Each shot starts from the same cookies: a theme of the
            # visitor's own, and the count of a second visit.
            browser.delete_all_cookies()
            browser.get(site.base + "/cookies/set?theme=dark&Max-Age=3600")
            browser.set_width(width)
            browser.get(site.base + path)
            second_visit.get(path, browser.refresh)()
            browser.screenshot(os.path.join(directory, f"{slug(path)}-{width}.png"))
    browser.set_width(WIDTHS[0])
    print(f"screenshots of {len(site.pages) + 1} pages in {directory}")


# --- running them ---------------------------------------------------------


def start_clean(browser, base):
    """Opens the site and drops its cookies, so no check sees another's."""
    browser.get(base + "/inspect/")
    browser.delete_all_cookies()


def run_checks(driver_url, browser, base, profile_root, screenshots):
    site = Site(browser, base)
    print(f"the index lists {', '.join(path for path, _ in site.pages)}")
    checks = CHECKS + [("etag counter, cookies blocked", lambda _b, s: check_etag_without_cookies(driver_url, s, profile_root))]
    failures = 0
    for name, check in checks:
        try:
            start_clean(browser, base)
            print(f"PASS {name}: {check(browser, site)}")
        except (CheckFailed, WebDriverError, OSError, KeyError, TypeError) as e:
            failures += 1
            print(f"FAIL {name}: {type(e).__name__}: {e}")
        sys.stdout.flush()
    if screenshots:
        take_screenshots(browser, site, screenshots)
    print(f"browser: {len(checks) - failures} passed, {failures} failed")
    return failures


def run_browser(base, profile_root, screenshots):
    """Starts chromedriver and a browser, runs the checks, stops both."""
    port = free_port()
    driver_url = f"http://127.0.0.1:{port}"
    driver = start_chromedriver(port)
    browser = None
    try:
        wait_until_ready(driver_url, driver)
        browser = Browser(driver_url, os.path.join(profile_root, "main"))
        return run_checks(driver_url, browser, base, profile_root, screenshots)
    finally:
        if browser is not None:
            try:
                browser.quit()
            except (OSError, WebDriverError) as e:
                print(f"could not end the browser session: {e}", file=sys.stderr)
        stop(driver)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("base", nargs="?", default=DEFAULT_BASE_URL, help="a running server's URL")
    parser.add_argument("--server", metavar="BINARY", help="start this pagecount binary on a free port")
    parser.add_argument("--screenshots", metavar="DIR", help="save full-page PNGs of every page here")
    args = parser.parse_args()
    server = None
    try:
        if args.server:
            server, base = start_server(args.server)
        else:
            base = args.base.rstrip("/")
        with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as profile_root:
            failures = run_browser(base, profile_root, args.screenshots)
    except (OSError, RuntimeError, WebDriverError) as e:
        print(f"FAIL browser: could not run the checks: {e}")
        return 1
    finally:
        if server is not None:
            stop(server)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
