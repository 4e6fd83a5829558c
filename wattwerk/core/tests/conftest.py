"""The browser-test fixtures (see browser.py) for core's tests."""

from wattwerk.core.tests.browser import *  # noqa: F403
