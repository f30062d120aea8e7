"""The pipeline's moves, written out cell by cell and checked against the service, the
API and the submission page.

The other stage tests derive what to expect from `STAGE_MOVES` itself, so a move
added to that table by mistake (submitted → hired, say) passes them. This matrix is
the agreed pipeline (submitted → hm_review → interviewing → offer → hired, or out to
rejected, withdrawn or lost from any open stage; nothing leaves a closed stage), and
only a deliberate edit here changes it.
"""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import MembershipRole
from lib.exceptions import ApplicationError, PermissionDenied
from lib.tenancy import organization_context
from recruiting import services
from recruiting.models import CultureStatus, LostReason, ReviewDecision, Stage, Submission
from recruiting.stages import (
    STAGE_MOVES,
    InvalidStageMove,
    stage_move_refusal,
    stage_move_targets,
)
from tests.api.conftest import issue_key, key_client
from tests.factories import AgreementFactory, RoleFactory, SubmissionFactory

# Y: a direct move. R: only through the hiring manager's skills review (a direct move
# is refused). -: refused.
MATRIX = """
from \\ to    submitted hm_review interviewing offer hired rejected withdrawn lost
submitted        -         Y          -         -     -       Y        Y       Y
hm_review        -         -          R         -     -       Y        Y       Y
interviewing     -         -          -         Y     -       Y        Y       Y
offer            -         -          -         -     Y       Y        Y       Y
hired            -         -          -         -     -       -        -       -
rejected         -         -          -         -     -       -        -       -
withdrawn        -         -          -         -     -       -        -       -
lost             -         -          -         -     -       -        -       -
"""


def _cells() -> dict[tuple[str, str], str]:
    header, *rows = MATRIX.strip().splitlines()
    targets = header.split()[3:]
    cells = {}
    for row in rows:
        source, *marks = row.split()
        cells.update({(source, target): mark for target, mark in zip(targets, marks, strict=True)})
    return cells


CELLS = _cells()
CELL_IDS = [f"{source}->{target}:{mark}" for (source, target), mark in CELLS.items()]


def test_the_matrix_covers_every_stage_in_both_directions():
    assert len(CELLS) == len(Stage) ** 2 == 64
    assert {source for source, _ in CELLS} == set(Stage.values)


def test_the_stage_table_allows_exactly_the_agreed_moves():
    agreed = {
        source: sorted(target for (s, target), mark in CELLS.items() if s == source and mark != "-")
        for source in Stage.values
    }
    assert {source: sorted(targets) for source, targets in STAGE_MOVES.items()} == agreed


@pytest.fixture
def role(organization, client_company):
    role = RoleFactory(organization=organization, client=client_company)
    agreement = AgreementFactory(organization=organization, role=role)
    with organization_context(organization.id):
        role.agreement = agreement
        role.save(update_fields=["agreement"])
    return role


def _in(role, stage: str) -> Submission:
    return SubmissionFactory(organization=role.organization, role=role, stage=stage)


def _stage(submission: Submission) -> str:
    with organization_context(submission.organization_id):
        return Submission.objects.get(pk=submission.pk).stage


def _move(actor, submission, target):
    return services.submission_move(
        actor=actor,
        submission=submission,
        to_stage=target,
        reason="Recorded for the client.",
        lost_reason=LostReason.OTHER,
    )


# --- The service ----------------------------------------------------------------------


@pytest.mark.parametrize(("cell", "mark"), CELLS.items(), ids=CELL_IDS)
def test_the_move_service_follows_the_matrix(role, owner, hiring_manager, cell, mark):
    source, target = cell
    submission = _in(role, source)
    with organization_context(role.organization_id):
        if mark == "Y":
            _move(owner, submission, target)
            assert _stage(submission) == target
            return
        # The owner may make every move the pipeline allows: a refusal here is the
        # pipeline's (or, for interviews, the rule that only a review leads there).
        with pytest.raises(PermissionDenied if target == Stage.INTERVIEWING else InvalidStageMove):
            _move(owner, submission, target)
        assert _stage(submission) == source
        if target == Stage.INTERVIEWING:
            _review_and_check(hiring_manager, submission, reaches_interviews=mark == "R")


def _review_and_check(hiring_manager, submission, *, reaches_interviews: bool) -> None:
    """The hiring manager's advancing review: the one road to interviews, from review only."""
    source = _stage(submission)

    def advance():
        services.skills_review_submit(
            actor=hiring_manager, submission=submission, decision=ReviewDecision.ADVANCE
        )

    if reaches_interviews:
        advance()
        assert _stage(submission) == Stage.INTERVIEWING
    else:
        with pytest.raises(ApplicationError, match="not awaiting review"):
            advance()
        assert _stage(submission) == source


# --- The API --------------------------------------------------------------------------


@pytest.mark.parametrize(("cell", "mark"), CELLS.items(), ids=CELL_IDS)
def test_the_api_move_follows_the_matrix(role, owner, cell, mark):
    source, target = cell
    submission = _in(role, source)
    response = key_client(issue_key(owner)).post(
        f"/api/v1/submissions/{submission.public_id}/move/",
        {"stage": target, "reason": "Recorded for the client.", "lost_reason": "other"},
        format="json",
    )
    if mark == "Y":
        expected = 200
    elif target == Stage.INTERVIEWING:
        expected = 403  # interviews only through the skills review
    else:
        expected = 409
    assert response.status_code == expected, response.content[:300]
    assert _stage(submission) == (target if mark == "Y" else source)


# --- The submission page --------------------------------------------------------------

MOVE_SELECT = re.compile(r'<select name="to_stage"[^>]*>(.*?)</select>', re.DOTALL)


@pytest.mark.parametrize("source", Stage.values)
def test_the_page_offers_exactly_the_direct_moves_of_the_matrix(role, owner, client_for, source):
    submission = _in(role, source)
    page = client_for(owner).get(f"/submissions/{submission.public_id}/").content.decode()
    offered = []
    found = MOVE_SELECT.search(page)
    if found:
        offered = [v for v in re.findall(r'<option value="([^"]*)"', found.group(1)) if v]
    assert offered == [target for target in Stage.values if CELLS[source, target] == "Y"]


@pytest.mark.parametrize(("cell", "mark"), CELLS.items(), ids=CELL_IDS)
def test_posting_a_move_on_the_page_follows_the_matrix(role, owner, client_for, cell, mark):
    source, target = cell
    submission = _in(role, source)
    client_for(owner).post(
        f"/submissions/{submission.public_id}/move/",
        {"to_stage": target, "reason": "Recorded for the client.", "lost_reason": "other"},
    )
    assert _stage(submission) == (target if mark == "Y" else source)


@given(
    role=st.sampled_from(MembershipRole.values),
    stage=st.sampled_from(Stage.values),
    culture_status=st.sampled_from(CultureStatus.values),
)
def test_the_offered_moves_are_exactly_those_the_refusal_allows(role, stage, culture_status):
    """`stage_move_targets` skips the stages that cannot follow without asking; what it
    offers is still what `stage_move_refusal` allows, for anyone in any state."""
    submission = Submission(stage=stage, culture_status=culture_status)
    allowed = [
        to_stage
        for to_stage in Stage.values
        if stage_move_refusal(role=role, submission=submission, to_stage=to_stage) is None
    ]
    assert stage_move_targets(role=role, submission=submission) == allowed
