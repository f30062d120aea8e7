"""The terms a role is worked under: its agreement in force, or the defaults.

Submissions and reviews follow the role's agreement (its response times, must-haves
and interview stages). The role points at the version in force (`Role.agreement`);
reading its fields here keeps the recruiting rules below the intake app that writes
agreements.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Terms:
    """What the services need of an agreement; defaults apply before one is agreed."""

    hm_review_sla_hours: int = 16
    hr_approval_sla_hours: int = 8
    interview_feedback_sla_hours: int = 24
    offer_decision_sla_hours: int = 48
    culture_notes_need_hr_approval: bool = True
    must_haves: list[str] = field(default_factory=list)
    interview_stages: list[dict] = field(default_factory=list)
    # The agreement in force (an intake ExpectationAgreement), when there is one.
    agreement: object | None = None


def role_terms(role) -> Terms:
    """The terms of the agreement in force for `role`, or the defaults."""
    agreement = role.agreement
    if agreement is None:
        return Terms()
    return Terms(
        hm_review_sla_hours=agreement.hm_review_sla_hours,
        hr_approval_sla_hours=agreement.hr_approval_sla_hours,
        interview_feedback_sla_hours=agreement.interview_feedback_sla_hours,
        offer_decision_sla_hours=agreement.offer_decision_sla_hours,
        culture_notes_need_hr_approval=agreement.culture_notes_need_hr_approval,
        must_haves=list(agreement.must_haves),
        interview_stages=list(agreement.interview_stages),
        agreement=agreement,
    )
