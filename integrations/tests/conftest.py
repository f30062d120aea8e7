"""The API tests' key fixtures (tests/api/conftest.py), for the integrations' API tests."""

from tests.api.conftest import api, api_for  # noqa: F401 - fixtures, found by name
