"""The browser-test fixtures (see wattwerk/core/tests/browser.py) for this app's tests."""

from wattwerk.core.tests.browser import *  # noqa: F403
