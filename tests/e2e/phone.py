"""What a phone-sized page must hold to, measured in the browser: nothing scrolls sideways, header links and buttons
are big enough to tap, and no id is used twice."""

PHONE = {"width": 360, "height": 800}
# WCAG 2.2's minimum target size (2.5.8), in CSS pixels.
MIN_TAP_PX = 24

# [element, width, height] of every visible element matched by the selector that is smaller than a tap target.
SMALL_TARGETS = """([selector, minimum]) => [...document.querySelectorAll(selector)]
  .map((element) => [element, element.getBoundingClientRect()])
  .filter(([, box]) => box.width > 0 && box.height > 0 && (box.width < minimum || box.height < minimum))
  .map(([element, box]) => [element.textContent.trim(), Math.round(box.width), Math.round(box.height)])"""

DUPLICATE_IDS = """() => {
  const ids = [...document.querySelectorAll("[id]")].map((element) => element.id);
  return [...new Set(ids.filter((id, index) => ids.indexOf(id) !== index))];
}"""


# The elements reaching past the right edge of the window, for the failure message.
TOO_WIDE = """() => [...document.querySelectorAll("body *")]
  .filter((element) => element.getBoundingClientRect().right > window.innerWidth + 0.5)
  .slice(0, 5)
  .map((element) => `${element.tagName}.${element.className}: ${element.getBoundingClientRect().right}`)"""


def wait_until(page, script, arg=None, timeout_ms=5_000):
    """Poll `script` (a function of `arg`) until it returns something true; Playwright's wait_for_function would
    evaluate strings with eval, which the shop's CSP refuses."""
    for _ in range(timeout_ms // 50):
        if page.evaluate(script, arg):
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"still false after {timeout_ms} ms: {script}")


def sideways_overflow(page):
    """How many CSS pixels the page is wider than the window (0 when nothing scrolls sideways)."""
    width, window = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    return max(0, width - window)


def small_targets(page, selector=".site-header a, .site-header button"):
    return page.evaluate(SMALL_TARGETS, [selector, MIN_TAP_PX])


def assert_fits_a_phone(page):
    """The page once loaded (its stylesheet applied): no sideways scrolling, tappable header, unique ids."""
    page.wait_for_load_state("load")
    overflow = sideways_overflow(page)
    assert overflow == 0, f"{page.url} scrolls sideways by {overflow} px: {page.evaluate(TOO_WIDE)}"
    small = small_targets(page)
    assert small == [], f"{page.url}: header targets under {MIN_TAP_PX} px: {small}"
    repeated = page.evaluate(DUPLICATE_IDS)
    assert repeated == [], f"{page.url} repeats ids: {repeated}"
