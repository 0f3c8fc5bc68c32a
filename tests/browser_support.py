"""Headless Chromium (Debian's package) driven by Playwright; axe-core comes with axe-playwright-python."""

from axe_playwright_python.sync_playwright import Axe

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def axe_violations(page) -> list[str]:
    """Every WCAG 2.1 A/AA violation axe finds on the page, as 'rule: [targets]'."""
    response = Axe().run(page, options=WCAG_21_AA).response
    return [
        f"{violation['id']}: {[node['target'] for node in violation['nodes']]}"
        for violation in response["violations"]
    ]


def log_in(page, live_server, user) -> None:
    """Sign `user` in in the page's browser context: a session made by Django's test client, as a cookie."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


def open_form(page, url: str):
    """Open a page with a form; it must answer 200 with the headers the site really sends (the production
    Content-Security-Policy and Referrer-Policy: same-origin, which keeps the Origin header on our posts)."""
    from config.middleware import ContentSecurityPolicyMiddleware

    response = page.goto(url)
    assert response.status == 200, f"{url}: {response.status}"
    assert response.header_value("content-security-policy") == ContentSecurityPolicyMiddleware.POLICY, url
    assert response.header_value("referrer-policy") == "same-origin", url
    return response


def submit(page, button):
    """Click a submit button (selector or locator) and wait for the page she lands on. The form's POST must
    carry this site's Origin, as a browser sends it, and must not be refused (403): returns the landing
    page's response."""
    from urllib.parse import urlsplit

    own = "{0.scheme}://{0.netloc}".format(urlsplit(page.url))
    locator = page.locator(button) if isinstance(button, str) else button
    with page.expect_navigation() as navigation:
        locator.click()
    landed = navigation.value
    post = landed.request
    while post.redirected_from is not None:
        post = post.redirected_from
    assert post.method == "POST", post.url
    assert post.response().status != 403, f"POST {post.url} was refused (403): {page.content()[:500]}"
    assert post.header_value("origin") == own, f"POST {post.url} sent Origin {post.header_value('origin')}"
    assert landed.status != 403, landed.url
    return landed


# What sticks out: the elements whose box leaves the viewport on either side, for the failure message.
OVERFLOWING = """() => {
  const width = window.innerWidth;
  return [...document.querySelectorAll('body *')].filter(element => {
    const box = element.getBoundingClientRect();
    return box.width > 0 && (box.right > width + 0.5 || box.left < -0.5);
  }).slice(-3).map(element => element.tagName.toLowerCase() + (element.className ? '.' + element.className : '')
    + ' ' + Math.round(element.getBoundingClientRect().width) + 'px: ' + (element.textContent || '').trim().slice(0, 60));
}"""


def check_staff_page(page, user, url: str | None = None) -> None:
    """The staff page now open (at `url` when it was rendered by a POST): no axe WCAG 2.1 AA violation at its current size in German; no horizontal
    scrolling at 320 px in Arabic (right to left, as her back-office language) and German. Leaves the page
    on the same address at 1280 px in German."""
    from accounts.services import set_staff_language

    url = url or page.url
    assert axe_violations(page) == [], url
    page.set_viewport_size({"width": 320, "height": 800})
    for language in ("ar", "de"):
        set_staff_language(user=user, language=language)
        page.goto(url)
        assert page.locator("html").get_attribute("lang") == language
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"{url} in {language}: {width} px wide: {page.evaluate(OVERFLOWING)}"
    page.set_viewport_size({"width": 1280, "height": 900})
