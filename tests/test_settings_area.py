"""The Settings area: the owners' and admins' pages of the organization, gathered under
one set of tabs and reached from the user menu; nobody else gets in, and an admin of
another organization finds none of ours."""

import pytest

from tests.factories import UserFactory

# The settings pages and the `pages` fixture that gives each something to show.
from tests.test_templates_query_free import (  # noqa: F401 (`pages` is a fixture)
    OWNER_PAGES,
    pages,
)

SETTINGS_PAGES = ["/settings/", *OWNER_PAGES]
TABS = {
    "Organization": "/settings/organization/",
    "Members": "/settings/members/",
    "Security": "/settings/security/",
    "Nudges": "/settings/nudges/",
    "API keys": "/settings/api-keys/",
    "Webhooks": "/settings/webhooks/",
    "Data retention": "/settings/retention/",
    "Security log": "/settings/security-log/",
}
# The pages of one object of the organization (a member, an endpoint, a delivery).
OBJECT_PAGES = [page for page in OWNER_PAGES if "{" in page.split("?")[0]]


@pytest.mark.parametrize("cast", ["owner", "admin"])
def test_settings_opens_on_the_organization_page_for_owners_and_admins(client_for, request, cast):
    response = client_for(request.getfixturevalue(cast)).get("/settings/")
    assert response.status_code == 302
    assert response.url == "/settings/organization/"


@pytest.mark.parametrize("page", OWNER_PAGES)
def test_every_settings_page_shows_the_settings_tabs(request, client_for, admin, page):
    url = page.format(**request.getfixturevalue("pages"))
    html = client_for(admin).get(url).content.decode()
    assert '<nav class="subnav subnav--titled" aria-label="Settings">' in html
    for name, tab in TABS.items():
        assert f'href="{tab}"' in html, name


@pytest.mark.parametrize(
    ("page", "tab"),
    [
        ("/settings/organization/", "Organization"),
        ("/settings/members/", "Members"),
        ("/settings/security/", "Security"),
        ("/settings/nudges/", "Nudges"),
        ("/settings/api-keys/", "API keys"),
        ("/settings/webhooks/", "Webhooks"),
        ("/settings/retention/", "Data retention"),
        ("/settings/security-log/", "Security log"),
    ],
)
def test_the_tab_of_the_page_is_marked_current(client_for, admin, page, tab):
    html = client_for(admin).get(page).content.decode()
    assert f'<a href="{page}" aria-current="page">{tab}</a>' in html


def test_an_objects_page_marks_its_sections_tab(request, client_for, admin):
    objects = request.getfixturevalue("pages")
    html = client_for(admin).get(f"/settings/webhooks/{objects['endpoint']}/").content.decode()
    assert '<a href="/settings/webhooks/" aria-current="true">Webhooks</a>' in html


def test_the_user_menu_offers_settings_to_owners_and_admins_only(
    client_for, owner, admin, recruiter, hiring_manager, hr
):
    for member in (owner, admin):
        assert 'href="/settings/"' in client_for(member).get("/").content.decode()
    for member in (recruiter, hiring_manager, hr):
        html = client_for(member).get("/").content.decode()
        assert 'href="/settings/' not in html
        assert 'href="/accounts/email/"' in html  # the user menu is there, without Settings


@pytest.mark.parametrize("cast", ["recruiter", "hiring_manager", "hr"])
@pytest.mark.parametrize("page", SETTINGS_PAGES)
def test_no_settings_page_opens_for_anyone_but_owners_and_admins(request, client_for, cast, page):
    url = page.format(**request.getfixturevalue("pages"))
    assert client_for(request.getfixturevalue(cast)).get(url).status_code == 403


@pytest.mark.parametrize("page", SETTINGS_PAGES)
def test_a_user_of_no_organization_finds_no_settings(request, client, page):
    url = page.format(**request.getfixturevalue("pages"))
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("page", SETTINGS_PAGES)
def test_a_visitor_is_sent_to_sign_in(request, client, page):
    url = page.format(**request.getfixturevalue("pages"))
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


@pytest.mark.parametrize("page", OBJECT_PAGES)
def test_another_organizations_owner_gets_404_for_our_settings_objects(
    request, client_for, outsider, page
):
    url = page.format(**request.getfixturevalue("pages"))
    assert client_for(outsider).get(url).status_code == 404


def test_another_organizations_owner_sees_their_own_organization_in_settings(
    request, client_for, organization, outsider
):
    request.getfixturevalue("pages")
    theirs = client_for(outsider)
    organization_page = theirs.get("/settings/organization/").content.decode()
    assert f'value="{outsider.organization.name}"' in organization_page
    assert organization.name not in organization_page
    for page in (
        "/settings/members/",
        "/settings/api-keys/",
        "/settings/webhooks/",
        "/settings/security-log/",
    ):
        html = theirs.get(page).content.decode()
        assert "ATS sync" not in html  # our API key
        assert "hm@northwind.test" not in html  # our member
        assert "/settings/webhooks/" + str(request.getfixturevalue("pages")["endpoint"]) not in (
            html
        )
