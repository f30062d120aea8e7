from datetime import UTC, datetime

import pytest

from metrics.tests.history import History

# Monday 2 November 2026, 08:00 in London (GMT, so UTC): the agreement comes into force.
AGREED = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


@pytest.fixture
def history(organization, client_company, recruiter, hiring_manager, hr, hm_contact, hr_contact):
    return History(
        organization=organization,
        client=client_company,
        recruiter=recruiter,
        hiring_manager=hiring_manager,
        hr=hr,
        hm_contact=hm_contact,
        hr_contact=hr_contact,
        agreed_at=AGREED,
    )
