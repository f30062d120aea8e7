"""The clock, submission and role rollups get a copy per client and day
(Rollup.CLIENT_DAYS): the client scorecards read the days of a window outside its whole
weeks from them, a few rows per client, rather than every role's row of those days. The
copies are filled from the detailed rows already there, and the rollups' write function
(metrics.rollups.write_function_sql) now adds to them too."""

import django.db.models.deletion
from django.db import migrations, models

from lib.row_level_security import EnableRowLevelSecurity
from lib.tenancy import ORGANIZATION_SETTING

# Each of those rollups summed into its copy per client and day: (copy, detailed, extra
# key columns, counters), the sums `rebuild_metrics` writes.
CLIENT_DAYS = [
    (
        "metrics_clockclientdays",
        "metrics_clockrollup",
        [],
        ["open", "on_time", "late", "missed", "cancelled", "late_seconds", "late_credit"],
    ),
    (
        "metrics_submissionclientdays",
        "metrics_submissionrollup",
        [],
        [
            "submitted",
            "reached_interviewing",
            "reached_offer",
            "reached_hired",
            "rejected",
            "withdrawn",
            "lost",
        ],
    ),
    (
        "metrics_roleclientdays",
        "metrics_rolerollup",
        [],
        [
            "hired",
            "hire_seconds",
            "left_submitted",
            "submitted_seconds",
            "left_hm_review",
            "hm_review_seconds",
            "left_interviewing",
            "interviewing_seconds",
            "left_offer",
            "offer_seconds",
            "lost",
            "withdrawn",
            "checkins",
            "first_submissions",
            "intake_to_submit_seconds",
        ],
    ),
]


def fill_client_days(apps, schema_editor):
    """Sum the existing detailed rows into the new copies, one organization at a time
    under its own row-level security context (as the client weeks' migration does), in
    the order of the key, as the rebuild writes them."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT id FROM accounts_organization")
        for (organization_id,) in cursor.fetchall():
            cursor.execute(
                "SELECT set_config(%s, %s, true)", [ORGANIZATION_SETTING, str(organization_id)]
            )
            for copy, detailed, keys, counters in CLIENT_DAYS:
                grouped = ", ".join(["organization_id", "client_id", "day", *keys])
                sums = ", ".join(f"sum({name})" for name in counters)
                cursor.execute(
                    f"INSERT INTO {copy} ({grouped}, {', '.join(counters)}, created_at, "  # noqa: S608 - names above
                    f"updated_at) SELECT {grouped}, {sums}, now(), now() FROM {detailed} "
                    f"WHERE organization_id = %s GROUP BY {grouped} ORDER BY {grouped}",
                    [organization_id],
                )
        cursor.execute("SELECT set_config(%s, '', true)", [ORGANIZATION_SETTING])
        # Statistics now, rather than at autovacuum's next pass: without them the
        # planner takes the new tables for empty and reads them the wrong way.
        for copy, *_ in CLIENT_DAYS:
            cursor.execute(f"ANALYZE {copy}")


# metrics.rollups.write_function_sql() with the copies per client and day.
WRITE = """CREATE OR REPLACE FUNCTION rapport_rollups_add(organization uuid, changes jsonb)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock_shared(7301, hashtext(organization::text));
    IF changes ? 'metrics_clockclientdays' THEN
        INSERT INTO metrics_clockclientdays AS t (organization_id, client_id, day, open, on_time, late, missed, cancelled, late_seconds, late_credit, created_at, updated_at)
        SELECT organization, r.client_id, r.day, r.open, r.on_time, r.late, r.missed, r.cancelled, r.late_seconds, r.late_credit, now(), now()
        FROM jsonb_to_recordset(changes -> 'metrics_clockclientdays') AS r (client_id bigint, day date, open integer, on_time integer, late integer, missed integer, cancelled integer, late_seconds bigint, late_credit bigint)
        ON CONFLICT ON CONSTRAINT metrics_clock_client_days_grain DO UPDATE SET open = t.open + EXCLUDED.open, on_time = t.on_time + EXCLUDED.on_time, late = t.late + EXCLUDED.late, missed = t.missed + EXCLUDED.missed, cancelled = t.cancelled + EXCLUDED.cancelled, late_seconds = t.late_seconds + EXCLUDED.late_seconds, late_credit = t.late_credit + EXCLUDED.late_credit, updated_at = EXCLUDED.updated_at;
    END IF;
    IF changes ? 'metrics_clockclientweeks' THEN
        INSERT INTO metrics_clockclientweeks AS t (organization_id, client_id, week, open, on_time, late, missed, cancelled, late_seconds, late_credit, created_at, updated_at)
        SELECT organization, r.client_id, r.week, r.open, r.on_time, r.late, r.missed, r.cancelled, r.late_seconds, r.late_credit, now(), now()
        FROM jsonb_to_recordset(changes -> 'metrics_clockclientweeks') AS r (client_id bigint, week date, open integer, on_time integer, late integer, missed integer, cancelled integer, late_seconds bigint, late_credit bigint)
        ON CONFLICT ON CONSTRAINT metrics_clock_client_weeks_grain DO UPDATE SET open = t.open + EXCLUDED.open, on_time = t.on_time + EXCLUDED.on_time, late = t.late + EXCLUDED.late, missed = t.missed + EXCLUDED.missed, cancelled = t.cancelled + EXCLUDED.cancelled, late_seconds = t.late_seconds + EXCLUDED.late_seconds, late_credit = t.late_credit + EXCLUDED.late_credit, updated_at = EXCLUDED.updated_at;
    END IF;
    IF changes ? 'metrics_clockrollup' THEN
        INSERT INTO metrics_clockrollup AS t (organization_id, client_id, role_id, contact_id, owed_by, day, open, on_time, late, missed, cancelled, late_seconds, late_credit, created_at, updated_at)
        SELECT organization, r.client_id, r.role_id, r.contact_id, r.owed_by, r.day, r.open, r.on_time, r.late, r.missed, r.cancelled, r.late_seconds, r.late_credit, now(), now()
        FROM jsonb_to_recordset(changes -> 'metrics_clockrollup') AS r (client_id bigint, role_id bigint, contact_id bigint, owed_by varchar(20), day date, open integer, on_time integer, late integer, missed integer, cancelled integer, late_seconds bigint, late_credit bigint)
        ON CONFLICT ON CONSTRAINT metrics_clock_grain DO UPDATE SET open = t.open + EXCLUDED.open, on_time = t.on_time + EXCLUDED.on_time, late = t.late + EXCLUDED.late, missed = t.missed + EXCLUDED.missed, cancelled = t.cancelled + EXCLUDED.cancelled, late_seconds = t.late_seconds + EXCLUDED.late_seconds, late_credit = t.late_credit + EXCLUDED.late_credit, updated_at = EXCLUDED.updated_at;
    END IF;
    IF changes ? 'metrics_clocktotals' THEN
        INSERT INTO metrics_clocktotals AS t (organization_id, day, open, on_time, late, missed, cancelled, late_seconds, late_credit, created_at, updated_at)
        SELECT organization, r.day, r.open, r.on_time, r.late, r.missed, r.cancelled, r.late_seconds, r.late_credit, now(), now()
        FROM jsonb_to_recordset(changes -> 'metrics_clocktotals') AS r (day date, open integer, on_time integer, late integer, missed integer, cancelled integer, late_seconds bigint, late_credit bigint)
        ON CONFLICT ON CONSTRAINT metrics_clock_totals_grain DO UPDATE SET open = t.open + EXCLUDED.open, on_time = t.on_time + EXCLUDED.on_time, late = t.late + EXCLUDED.late, missed = t.missed + EXCLUDED.missed, cancelled = t.cancelled + EXCLUDED.cancelled, late_seconds = t.late_seconds + EXCLUDED.late_seconds, late_credit = t.late_credit + EXCLUDED.late_credit, updated_at = EXCLUDED.updated_at;
    END IF;
    IF changes ? 'metrics_durationclientweeks' THEN
        INSERT INTO metrics_durationclientweeks AS t (organization_id, client_id, week, measure, bucket, n, created_at, updated_at)
        SELECT organization, r.client_id, r.week, r.measure, r.bucket, r.n, now(), now()
        FROM jsonb_to_recordset(changes -> 'metrics_durationclientweeks') AS r (client_id bigint, week date, measure varchar(12), bucket smallint, n integer)
        ON CONFLICT ON CONSTRAINT metrics_duration_client_weeks_grain DO UPDATE SET n = t.n + EXCLUDED.n, updated_at = EXCLUDED.updated_at;
    END IF;
    IF changes ? 'metrics_durationrollup' THEN
        INSERT INTO metrics_durationrollup AS t (organization_id, client_id, role_id, contact_id, day, measure, bucket, n, created_at, updated_at)
        SELECT organization, r.client_id, r.role_id, r.contact_id, r.day, r.measure, r.bucket, r.n, now(), now()
        FROM jsonb_to_recordset(changes -> 'metrics_durationrollup') AS r (client_id bigint, role_id bigint, contact_id bigint, day date, measure varchar(12), bucket smallint, n integer)
        ON CONFLICT ON CONSTRAINT metrics_duration_grain DO UPDATE SET n = t.n + EXCLUDED.n, updated_at = EXCLUDED.updated_at;
    END IF;
    IF changes ? 'metrics_durationtotals' THEN
        INSERT INTO metrics_durationtotals AS t (organization_id, day, measure, bucket, n, created_at, updated_at)
        SELECT organization, r.day, r.measure, r.bucket, r.n, now(), now()
        FROM jsonb_to_recordset(changes -> 'metrics_durationtotals') AS r (day date, measure varchar(12), bucket smallint, n integer)
        ON CONFLICT ON CONSTRAINT metrics_duration_totals_grain DO UPDATE SET n = t.n + EXCLUDED.n, updated_at = EXCLUDED.updated_at;
    END IF;
    IF changes ? 'metrics_feedbackclientweeks' THEN
        INSERT INTO metrics_feedbackclientweeks AS t (organization_id, client_id, week, answered, business_seconds, calendar_seconds, created_at, updated_at)
        SELECT organization, r.client_id, r.week, r.answered, r.business_seconds, r.calendar_seconds, now(), now()
        FROM jsonb_to_recordset(changes -> 'metrics_feedbackclientweeks') AS r (client_id bigint, week date, answered integer, business_seconds bigint, calendar_seconds bigint)
        ON CONFLICT ON CONSTRAINT metrics_feedback_client_weeks_grain DO UPDATE SET answered = t.answered + EXCLUDED.answered, business_seconds = t.business_seconds + EXCLUDED.business_seconds, calendar_seconds = t.calendar_seconds + EXCLUDED.calendar_seconds, updated_at = EXCLUDED.updated_at;
    END IF;
    IF changes ? 'metrics_feedbackrollup' THEN
        INSERT INTO metrics_feedbackrollup AS t (organization_id, client_id, role_id, contact_id, day, answered, business_seconds, calendar_seconds, created_at, updated_at)
        SELECT organization, r.client_id, r.role_id, r.contact_id, r.day, r.answered, r.business_seconds, r.calendar_seconds, now(), now()
        FROM jsonb_to_recordset(changes -> 'metrics_feedbackrollup') AS r (client_id bigint, role_id bigint, contact_id bigint, day date, answered integer, business_seconds bigint, calendar_seconds bigint)
        ON CONFLICT ON CONSTRAINT metrics_feedback_grain DO UPDATE SET answered = t.answered + EXCLUDED.answered, business_seconds = t.business_seconds + EXCLUDED.business_seconds, calendar_seconds = t.calendar_seconds + EXCLUDED.calendar_seconds, updated_at = EXCLUDED.updated_at;
    END IF;
    IF changes ? 'metrics_feedbacktotals' THEN
        INSERT INTO metrics_feedbacktotals AS t (organization_id, day, answered, business_seconds, calendar_seconds, created_at, updated_at)
        SELECT organization, r.day, r.answered, r.business_seconds, r.calendar_seconds, now(), now()
        FROM jsonb_to_recordset(changes -> 'metrics_feedbacktotals') AS r (day date, answered integer, business_seconds bigint, calendar_seconds bigint)
        ON CONFLICT ON CONSTRAINT metrics_feedback_totals_grain DO UPDATE SET answered = t.answered + EXCLUDED.answered, business_seconds = t.business_seconds + EXCLUDED.business_seconds, calendar_seconds = t.calendar_seconds + EXCLUDED.calendar_seconds, updated_at = EXCLUDED.updated_at;
    END IF;
    IF changes ? 'metrics_roleclientdays' THEN
        INSERT INTO metrics_roleclientdays AS t (organization_id, client_id, day, hired, hire_seconds, left_submitted, submitted_seconds, left_hm_review, hm_review_seconds, left_interviewing, interviewing_seconds, left_offer, offer_seconds, lost, withdrawn, checkins, first_submissions, intake_to_submit_seconds, created_at, updated_at)
        SELECT organization, r.client_id, r.day, r.hired, r.hire_seconds, r.left_submitted, r.submitted_seconds, r.left_hm_review, r.hm_review_seconds, r.left_interviewing, r.interviewing_seconds, r.left_offer, r.offer_seconds, r.lost, r.withdrawn, r.checkins, r.first_submissions, r.intake_to_submit_seconds, now(), now()
        FROM jsonb_to_recordset(changes -> 'metrics_roleclientdays') AS r (client_id bigint, day date, hired integer, hire_seconds bigint, left_submitted integer, submitted_seconds bigint, left_hm_review integer, hm_review_seconds bigint, left_interviewing integer, interviewing_seconds bigint, left_offer integer, offer_seconds bigint, lost integer, withdrawn integer, checkins integer, first_submissions integer, intake_to_submit_seconds bigint)
        ON CONFLICT ON CONSTRAINT metrics_role_client_days_grain DO UPDATE SET hired = t.hired + EXCLUDED.hired, hire_seconds = t.hire_seconds + EXCLUDED.hire_seconds, left_submitted = t.left_submitted + EXCLUDED.left_submitted, submitted_seconds = t.submitted_seconds + EXCLUDED.submitted_seconds, left_hm_review = t.left_hm_review + EXCLUDED.left_hm_review, hm_review_seconds = t.hm_review_seconds + EXCLUDED.hm_review_seconds, left_interviewing = t.left_interviewing + EXCLUDED.left_interviewing, interviewing_seconds = t.interviewing_seconds + EXCLUDED.interviewing_seconds, left_offer = t.left_offer + EXCLUDED.left_offer, offer_seconds = t.offer_seconds + EXCLUDED.offer_seconds, lost = t.lost + EXCLUDED.lost, withdrawn = t.withdrawn + EXCLUDED.withdrawn, checkins = t.checkins + EXCLUDED.checkins, first_submissions = t.first_submissions + EXCLUDED.first_submissions, intake_to_submit_seconds = t.intake_to_submit_seconds + EXCLUDED.intake_to_submit_seconds, updated_at = EXCLUDED.updated_at;
    END IF;
    IF changes ? 'metrics_roleclientweeks' THEN
        INSERT INTO metrics_roleclientweeks AS t (organization_id, client_id, week, hired, hire_seconds, left_submitted, submitted_seconds, left_hm_review, hm_review_seconds, left_interviewing, interviewing_seconds, left_offer, offer_seconds, lost, withdrawn, checkins, first_submissions, intake_to_submit_seconds, created_at, updated_at)
        SELECT organization, r.client_id, r.week, r.hired, r.hire_seconds, r.left_submitted, r.submitted_seconds, r.left_hm_review, r.hm_review_seconds, r.left_interviewing, r.interviewing_seconds, r.left_offer, r.offer_seconds, r.lost, r.withdrawn, r.checkins, r.first_submissions, r.intake_to_submit_seconds, now(), now()
        FROM jsonb_to_recordset(changes -> 'metrics_roleclientweeks') AS r (client_id bigint, week date, hired integer, hire_seconds bigint, left_submitted integer, submitted_seconds bigint, left_hm_review integer, hm_review_seconds bigint, left_interviewing integer, interviewing_seconds bigint, left_offer integer, offer_seconds bigint, lost integer, withdrawn integer, checkins integer, first_submissions integer, intake_to_submit_seconds bigint)
        ON CONFLICT ON CONSTRAINT metrics_role_client_weeks_grain DO UPDATE SET hired = t.hired + EXCLUDED.hired, hire_seconds = t.hire_seconds + EXCLUDED.hire_seconds, left_submitted = t.left_submitted + EXCLUDED.left_submitted, submitted_seconds = t.submitted_seconds + EXCLUDED.submitted_seconds, left_hm_review = t.left_hm_review + EXCLUDED.left_hm_review, hm_review_seconds = t.hm_review_seconds + EXCLUDED.hm_review_seconds, left_interviewing = t.left_interviewing + EXCLUDED.left_interviewing, interviewing_seconds = t.interviewing_seconds + EXCLUDED.interviewing_seconds, left_offer = t.left_offer + EXCLUDED.left_offer, offer_seconds = t.offer_seconds + EXCLUDED.offer_seconds, lost = t.lost + EXCLUDED.lost, withdrawn = t.withdrawn + EXCLUDED.withdrawn, checkins = t.checkins + EXCLUDED.checkins, first_submissions = t.first_submissions + EXCLUDED.first_submissions, intake_to_submit_seconds = t.intake_to_submit_seconds + EXCLUDED.intake_to_submit_seconds, updated_at = EXCLUDED.updated_at;
    END IF;
    IF changes ? 'metrics_rolerollup' THEN
        INSERT INTO metrics_rolerollup AS t (organization_id, client_id, role_id, day, hired, hire_seconds, left_submitted, submitted_seconds, left_hm_review, hm_review_seconds, left_interviewing, interviewing_seconds, left_offer, offer_seconds, lost, withdrawn, checkins, first_submissions, intake_to_submit_seconds, created_at, updated_at)
        SELECT organization, r.client_id, r.role_id, r.day, r.hired, r.hire_seconds, r.left_submitted, r.submitted_seconds, r.left_hm_review, r.hm_review_seconds, r.left_interviewing, r.interviewing_seconds, r.left_offer, r.offer_seconds, r.lost, r.withdrawn, r.checkins, r.first_submissions, r.intake_to_submit_seconds, now(), now()
        FROM jsonb_to_recordset(changes -> 'metrics_rolerollup') AS r (client_id bigint, role_id bigint, day date, hired integer, hire_seconds bigint, left_submitted integer, submitted_seconds bigint, left_hm_review integer, hm_review_seconds bigint, left_interviewing integer, interviewing_seconds bigint, left_offer integer, offer_seconds bigint, lost integer, withdrawn integer, checkins integer, first_submissions integer, intake_to_submit_seconds bigint)
        ON CONFLICT ON CONSTRAINT metrics_role_grain DO UPDATE SET hired = t.hired + EXCLUDED.hired, hire_seconds = t.hire_seconds + EXCLUDED.hire_seconds, left_submitted = t.left_submitted + EXCLUDED.left_submitted, submitted_seconds = t.submitted_seconds + EXCLUDED.submitted_seconds, left_hm_review = t.left_hm_review + EXCLUDED.left_hm_review, hm_review_seconds = t.hm_review_seconds + EXCLUDED.hm_review_seconds, left_interviewing = t.left_interviewing + EXCLUDED.left_interviewing, interviewing_seconds = t.interviewing_seconds + EXCLUDED.interviewing_seconds, left_offer = t.left_offer + EXCLUDED.left_offer, offer_seconds = t.offer_seconds + EXCLUDED.offer_seconds, lost = t.lost + EXCLUDED.lost, withdrawn = t.withdrawn + EXCLUDED.withdrawn, checkins = t.checkins + EXCLUDED.checkins, first_submissions = t.first_submissions + EXCLUDED.first_submissions, intake_to_submit_seconds = t.intake_to_submit_seconds + EXCLUDED.intake_to_submit_seconds, updated_at = EXCLUDED.updated_at;
    END IF;
    IF changes ? 'metrics_roletotals' THEN
        INSERT INTO metrics_roletotals AS t (organization_id, day, hired, hire_seconds, left_submitted, submitted_seconds, left_hm_review, hm_review_seconds, left_interviewing, interviewing_seconds, left_offer, offer_seconds, lost, withdrawn, checkins, first_submissions, intake_to_submit_seconds, created_at, updated_at)
        SELECT organization, r.day, r.hired, r.hire_seconds, r.left_submitted, r.submitted_seconds, r.left_hm_review, r.hm_review_seconds, r.left_interviewing, r.interviewing_seconds, r.left_offer, r.offer_seconds, r.lost, r.withdrawn, r.checkins, r.first_submissions, r.intake_to_submit_seconds, now(), now()
        FROM jsonb_to_recordset(changes -> 'metrics_roletotals') AS r (day date, hired integer, hire_seconds bigint, left_submitted integer, submitted_seconds bigint, left_hm_review integer, hm_review_seconds bigint, left_interviewing integer, interviewing_seconds bigint, left_offer integer, offer_seconds bigint, lost integer, withdrawn integer, checkins integer, first_submissions integer, intake_to_submit_seconds bigint)
        ON CONFLICT ON CONSTRAINT metrics_role_totals_grain DO UPDATE SET hired = t.hired + EXCLUDED.hired, hire_seconds = t.hire_seconds + EXCLUDED.hire_seconds, left_submitted = t.left_submitted + EXCLUDED.left_submitted, submitted_seconds = t.submitted_seconds + EXCLUDED.submitted_seconds, left_hm_review = t.left_hm_review + EXCLUDED.left_hm_review, hm_review_seconds = t.hm_review_seconds + EXCLUDED.hm_review_seconds, left_interviewing = t.left_interviewing + EXCLUDED.left_interviewing, interviewing_seconds = t.interviewing_seconds + EXCLUDED.interviewing_seconds, left_offer = t.left_offer + EXCLUDED.left_offer, offer_seconds = t.offer_seconds + EXCLUDED.offer_seconds, lost = t.lost + EXCLUDED.lost, withdrawn = t.withdrawn + EXCLUDED.withdrawn, checkins = t.checkins + EXCLUDED.checkins, first_submissions = t.first_submissions + EXCLUDED.first_submissions, intake_to_submit_seconds = t.intake_to_submit_seconds + EXCLUDED.intake_to_submit_seconds, updated_at = EXCLUDED.updated_at;
    END IF;
    IF changes ? 'metrics_submissionclientdays' THEN
        INSERT INTO metrics_submissionclientdays AS t (organization_id, client_id, day, submitted, reached_interviewing, reached_offer, reached_hired, rejected, withdrawn, lost, created_at, updated_at)
        SELECT organization, r.client_id, r.day, r.submitted, r.reached_interviewing, r.reached_offer, r.reached_hired, r.rejected, r.withdrawn, r.lost, now(), now()
        FROM jsonb_to_recordset(changes -> 'metrics_submissionclientdays') AS r (client_id bigint, day date, submitted integer, reached_interviewing integer, reached_offer integer, reached_hired integer, rejected integer, withdrawn integer, lost integer)
        ON CONFLICT ON CONSTRAINT metrics_submission_client_days_grain DO UPDATE SET submitted = t.submitted + EXCLUDED.submitted, reached_interviewing = t.reached_interviewing + EXCLUDED.reached_interviewing, reached_offer = t.reached_offer + EXCLUDED.reached_offer, reached_hired = t.reached_hired + EXCLUDED.reached_hired, rejected = t.rejected + EXCLUDED.rejected, withdrawn = t.withdrawn + EXCLUDED.withdrawn, lost = t.lost + EXCLUDED.lost, updated_at = EXCLUDED.updated_at;
    END IF;
    IF changes ? 'metrics_submissionclientweeks' THEN
        INSERT INTO metrics_submissionclientweeks AS t (organization_id, client_id, week, submitted, reached_interviewing, reached_offer, reached_hired, rejected, withdrawn, lost, created_at, updated_at)
        SELECT organization, r.client_id, r.week, r.submitted, r.reached_interviewing, r.reached_offer, r.reached_hired, r.rejected, r.withdrawn, r.lost, now(), now()
        FROM jsonb_to_recordset(changes -> 'metrics_submissionclientweeks') AS r (client_id bigint, week date, submitted integer, reached_interviewing integer, reached_offer integer, reached_hired integer, rejected integer, withdrawn integer, lost integer)
        ON CONFLICT ON CONSTRAINT metrics_submission_client_weeks_grain DO UPDATE SET submitted = t.submitted + EXCLUDED.submitted, reached_interviewing = t.reached_interviewing + EXCLUDED.reached_interviewing, reached_offer = t.reached_offer + EXCLUDED.reached_offer, reached_hired = t.reached_hired + EXCLUDED.reached_hired, rejected = t.rejected + EXCLUDED.rejected, withdrawn = t.withdrawn + EXCLUDED.withdrawn, lost = t.lost + EXCLUDED.lost, updated_at = EXCLUDED.updated_at;
    END IF;
    IF changes ? 'metrics_submissionrollup' THEN
        INSERT INTO metrics_submissionrollup AS t (organization_id, client_id, role_id, day, submitted, reached_interviewing, reached_offer, reached_hired, rejected, withdrawn, lost, created_at, updated_at)
        SELECT organization, r.client_id, r.role_id, r.day, r.submitted, r.reached_interviewing, r.reached_offer, r.reached_hired, r.rejected, r.withdrawn, r.lost, now(), now()
        FROM jsonb_to_recordset(changes -> 'metrics_submissionrollup') AS r (client_id bigint, role_id bigint, day date, submitted integer, reached_interviewing integer, reached_offer integer, reached_hired integer, rejected integer, withdrawn integer, lost integer)
        ON CONFLICT ON CONSTRAINT metrics_submission_grain DO UPDATE SET submitted = t.submitted + EXCLUDED.submitted, reached_interviewing = t.reached_interviewing + EXCLUDED.reached_interviewing, reached_offer = t.reached_offer + EXCLUDED.reached_offer, reached_hired = t.reached_hired + EXCLUDED.reached_hired, rejected = t.rejected + EXCLUDED.rejected, withdrawn = t.withdrawn + EXCLUDED.withdrawn, lost = t.lost + EXCLUDED.lost, updated_at = EXCLUDED.updated_at;
    END IF;
    IF changes ? 'metrics_submissiontotals' THEN
        INSERT INTO metrics_submissiontotals AS t (organization_id, day, submitted, reached_interviewing, reached_offer, reached_hired, rejected, withdrawn, lost, created_at, updated_at)
        SELECT organization, r.day, r.submitted, r.reached_interviewing, r.reached_offer, r.reached_hired, r.rejected, r.withdrawn, r.lost, now(), now()
        FROM jsonb_to_recordset(changes -> 'metrics_submissiontotals') AS r (day date, submitted integer, reached_interviewing integer, reached_offer integer, reached_hired integer, rejected integer, withdrawn integer, lost integer)
        ON CONFLICT ON CONSTRAINT metrics_submission_totals_grain DO UPDATE SET submitted = t.submitted + EXCLUDED.submitted, reached_interviewing = t.reached_interviewing + EXCLUDED.reached_interviewing, reached_offer = t.reached_offer + EXCLUDED.reached_offer, reached_hired = t.reached_hired + EXCLUDED.reached_hired, rejected = t.rejected + EXCLUDED.rejected, withdrawn = t.withdrawn + EXCLUDED.withdrawn, lost = t.lost + EXCLUDED.lost, updated_at = EXCLUDED.updated_at;
    END IF;
END
$$"""

# The function as migration 0006 made it, to go back to.
PREVIOUS = """CREATE OR REPLACE FUNCTION rapport_rollups_add(organization uuid, changes jsonb)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock_shared(7301, hashtext(organization::text));
    IF changes ? 'metrics_clockclientweeks' THEN
        INSERT INTO metrics_clockclientweeks AS t (organization_id, client_id, week, open, on_time, late, missed, cancelled, late_seconds, late_credit, created_at, updated_at)
        SELECT organization, r.client_id, r.week, r.open, r.on_time, r.late, r.missed, r.cancelled, r.late_seconds, r.late_credit, now(), now()
        FROM jsonb_to_recordset(changes -> 'metrics_clockclientweeks') AS r (client_id bigint, week date, open integer, on_time integer, late integer, missed integer, cancelled integer, late_seconds bigint, late_credit bigint)
        ON CONFLICT ON CONSTRAINT metrics_clock_client_weeks_grain DO UPDATE SET open = t.open + EXCLUDED.open, on_time = t.on_time + EXCLUDED.on_time, late = t.late + EXCLUDED.late, missed = t.missed + EXCLUDED.missed, cancelled = t.cancelled + EXCLUDED.cancelled, late_seconds = t.late_seconds + EXCLUDED.late_seconds, late_credit = t.late_credit + EXCLUDED.late_credit, updated_at = EXCLUDED.updated_at;
    END IF;
    IF changes ? 'metrics_clockrollup' THEN
        INSERT INTO metrics_clockrollup AS t (organization_id, client_id, role_id, contact_id, owed_by, day, open, on_time, late, missed, cancelled, late_seconds, late_credit, created_at, updated_at)
        SELECT organization, r.client_id, r.role_id, r.contact_id, r.owed_by, r.day, r.open, r.on_time, r.late, r.missed, r.cancelled, r.late_seconds, r.late_credit, now(), now()
        FROM jsonb_to_recordset(changes -> 'metrics_clockrollup') AS r (client_id bigint, role_id bigint, contact_id bigint, owed_by varchar(20), day date, open integer, on_time integer, late integer, missed integer, cancelled integer, late_seconds bigint, late_credit bigint)
        ON CONFLICT ON CONSTRAINT metrics_clock_grain DO UPDATE SET open = t.open + EXCLUDED.open, on_time = t.on_time + EXCLUDED.on_time, late = t.late + EXCLUDED.late, missed = t.missed + EXCLUDED.missed, cancelled = t.cancelled + EXCLUDED.cancelled, late_seconds = t.late_seconds + EXCLUDED.late_seconds, late_credit = t.late_credit + EXCLUDED.late_credit, updated_at = EXCLUDED.updated_at;
    END IF;
    IF changes ? 'metrics_clocktotals' THEN
        INSERT INTO metrics_clocktotals AS t (organization_id, day, open, on_time, late, missed, cancelled, late_seconds, late_credit, created_at, updated_at)
        SELECT organization, r.day, r.open, r.on_time, r.late, r.missed, r.cancelled, r.late_seconds, r.late_credit, now(), now()
        FROM jsonb_to_recordset(changes -> 'metrics_clocktotals') AS r (day date, open integer, on_time integer, late integer, missed integer, cancelled integer, late_seconds bigint, late_credit bigint)
        ON CONFLICT ON CONSTRAINT metrics_clock_totals_grain DO UPDATE SET open = t.open + EXCLUDED.open, on_time = t.on_time + EXCLUDED.on_time, late = t.late + EXCLUDED.late, missed = t.missed + EXCLUDED.missed, cancelled = t.cancelled + EXCLUDED.cancelled, late_seconds = t.late_seconds + EXCLUDED.late_seconds, late_credit = t.late_credit + EXCLUDED.late_credit, updated_at = EXCLUDED.updated_at;
    END IF;
    IF changes ? 'metrics_durationclientweeks' THEN
        INSERT INTO metrics_durationclientweeks AS t (organization_id, client_id, week, measure, bucket, n, created_at, updated_at)
        SELECT organization, r.client_id, r.week, r.measure, r.bucket, r.n, now(), now()
        FROM jsonb_to_recordset(changes -> 'metrics_durationclientweeks') AS r (client_id bigint, week date, measure varchar(12), bucket smallint, n integer)
        ON CONFLICT ON CONSTRAINT metrics_duration_client_weeks_grain DO UPDATE SET n = t.n + EXCLUDED.n, updated_at = EXCLUDED.updated_at;
    END IF;
    IF changes ? 'metrics_durationrollup' THEN
        INSERT INTO metrics_durationrollup AS t (organization_id, client_id, role_id, contact_id, day, measure, bucket, n, created_at, updated_at)
        SELECT organization, r.client_id, r.role_id, r.contact_id, r.day, r.measure, r.bucket, r.n, now(), now()
        FROM jsonb_to_recordset(changes -> 'metrics_durationrollup') AS r (client_id bigint, role_id bigint, contact_id bigint, day date, measure varchar(12), bucket smallint, n integer)
        ON CONFLICT ON CONSTRAINT metrics_duration_grain DO UPDATE SET n = t.n + EXCLUDED.n, updated_at = EXCLUDED.updated_at;
    END IF;
    IF changes ? 'metrics_durationtotals' THEN
        INSERT INTO metrics_durationtotals AS t (organization_id, day, measure, bucket, n, created_at, updated_at)
        SELECT organization, r.day, r.measure, r.bucket, r.n, now(), now()
        FROM jsonb_to_recordset(changes -> 'metrics_durationtotals') AS r (day date, measure varchar(12), bucket smallint, n integer)
        ON CONFLICT ON CONSTRAINT metrics_duration_totals_grain DO UPDATE SET n = t.n + EXCLUDED.n, updated_at = EXCLUDED.updated_at;
    END IF;
    IF changes ? 'metrics_feedbackclientweeks' THEN
        INSERT INTO metrics_feedbackclientweeks AS t (organization_id, client_id, week, answered, business_seconds, calendar_seconds, created_at, updated_at)
        SELECT organization, r.client_id, r.week, r.answered, r.business_seconds, r.calendar_seconds, now(), now()
        FROM jsonb_to_recordset(changes -> 'metrics_feedbackclientweeks') AS r (client_id bigint, week date, answered integer, business_seconds bigint, calendar_seconds bigint)
        ON CONFLICT ON CONSTRAINT metrics_feedback_client_weeks_grain DO UPDATE SET answered = t.answered + EXCLUDED.answered, business_seconds = t.business_seconds + EXCLUDED.business_seconds, calendar_seconds = t.calendar_seconds + EXCLUDED.calendar_seconds, updated_at = EXCLUDED.updated_at;
    END IF;
    IF changes ? 'metrics_feedbackrollup' THEN
        INSERT INTO metrics_feedbackrollup AS t (organization_id, client_id, role_id, contact_id, day, answered, business_seconds, calendar_seconds, created_at, updated_at)
        SELECT organization, r.client_id, r.role_id, r.contact_id, r.day, r.answered, r.business_seconds, r.calendar_seconds, now(), now()
        FROM jsonb_to_recordset(changes -> 'metrics_feedbackrollup') AS r (client_id bigint, role_id bigint, contact_id bigint, day date, answered integer, business_seconds bigint, calendar_seconds bigint)
        ON CONFLICT ON CONSTRAINT metrics_feedback_grain DO UPDATE SET answered = t.answered + EXCLUDED.answered, business_seconds = t.business_seconds + EXCLUDED.business_seconds, calendar_seconds = t.calendar_seconds + EXCLUDED.calendar_seconds, updated_at = EXCLUDED.updated_at;
    END IF;
    IF changes ? 'metrics_feedbacktotals' THEN
        INSERT INTO metrics_feedbacktotals AS t (organization_id, day, answered, business_seconds, calendar_seconds, created_at, updated_at)
        SELECT organization, r.day, r.answered, r.business_seconds, r.calendar_seconds, now(), now()
        FROM jsonb_to_recordset(changes -> 'metrics_feedbacktotals') AS r (day date, answered integer, business_seconds bigint, calendar_seconds bigint)
        ON CONFLICT ON CONSTRAINT metrics_feedback_totals_grain DO UPDATE SET answered = t.answered + EXCLUDED.answered, business_seconds = t.business_seconds + EXCLUDED.business_seconds, calendar_seconds = t.calendar_seconds + EXCLUDED.calendar_seconds, updated_at = EXCLUDED.updated_at;
    END IF;
    IF changes ? 'metrics_roleclientweeks' THEN
        INSERT INTO metrics_roleclientweeks AS t (organization_id, client_id, week, hired, hire_seconds, left_submitted, submitted_seconds, left_hm_review, hm_review_seconds, left_interviewing, interviewing_seconds, left_offer, offer_seconds, lost, withdrawn, checkins, first_submissions, intake_to_submit_seconds, created_at, updated_at)
        SELECT organization, r.client_id, r.week, r.hired, r.hire_seconds, r.left_submitted, r.submitted_seconds, r.left_hm_review, r.hm_review_seconds, r.left_interviewing, r.interviewing_seconds, r.left_offer, r.offer_seconds, r.lost, r.withdrawn, r.checkins, r.first_submissions, r.intake_to_submit_seconds, now(), now()
        FROM jsonb_to_recordset(changes -> 'metrics_roleclientweeks') AS r (client_id bigint, week date, hired integer, hire_seconds bigint, left_submitted integer, submitted_seconds bigint, left_hm_review integer, hm_review_seconds bigint, left_interviewing integer, interviewing_seconds bigint, left_offer integer, offer_seconds bigint, lost integer, withdrawn integer, checkins integer, first_submissions integer, intake_to_submit_seconds bigint)
        ON CONFLICT ON CONSTRAINT metrics_role_client_weeks_grain DO UPDATE SET hired = t.hired + EXCLUDED.hired, hire_seconds = t.hire_seconds + EXCLUDED.hire_seconds, left_submitted = t.left_submitted + EXCLUDED.left_submitted, submitted_seconds = t.submitted_seconds + EXCLUDED.submitted_seconds, left_hm_review = t.left_hm_review + EXCLUDED.left_hm_review, hm_review_seconds = t.hm_review_seconds + EXCLUDED.hm_review_seconds, left_interviewing = t.left_interviewing + EXCLUDED.left_interviewing, interviewing_seconds = t.interviewing_seconds + EXCLUDED.interviewing_seconds, left_offer = t.left_offer + EXCLUDED.left_offer, offer_seconds = t.offer_seconds + EXCLUDED.offer_seconds, lost = t.lost + EXCLUDED.lost, withdrawn = t.withdrawn + EXCLUDED.withdrawn, checkins = t.checkins + EXCLUDED.checkins, first_submissions = t.first_submissions + EXCLUDED.first_submissions, intake_to_submit_seconds = t.intake_to_submit_seconds + EXCLUDED.intake_to_submit_seconds, updated_at = EXCLUDED.updated_at;
    END IF;
    IF changes ? 'metrics_rolerollup' THEN
        INSERT INTO metrics_rolerollup AS t (organization_id, client_id, role_id, day, hired, hire_seconds, left_submitted, submitted_seconds, left_hm_review, hm_review_seconds, left_interviewing, interviewing_seconds, left_offer, offer_seconds, lost, withdrawn, checkins, first_submissions, intake_to_submit_seconds, created_at, updated_at)
        SELECT organization, r.client_id, r.role_id, r.day, r.hired, r.hire_seconds, r.left_submitted, r.submitted_seconds, r.left_hm_review, r.hm_review_seconds, r.left_interviewing, r.interviewing_seconds, r.left_offer, r.offer_seconds, r.lost, r.withdrawn, r.checkins, r.first_submissions, r.intake_to_submit_seconds, now(), now()
        FROM jsonb_to_recordset(changes -> 'metrics_rolerollup') AS r (client_id bigint, role_id bigint, day date, hired integer, hire_seconds bigint, left_submitted integer, submitted_seconds bigint, left_hm_review integer, hm_review_seconds bigint, left_interviewing integer, interviewing_seconds bigint, left_offer integer, offer_seconds bigint, lost integer, withdrawn integer, checkins integer, first_submissions integer, intake_to_submit_seconds bigint)
        ON CONFLICT ON CONSTRAINT metrics_role_grain DO UPDATE SET hired = t.hired + EXCLUDED.hired, hire_seconds = t.hire_seconds + EXCLUDED.hire_seconds, left_submitted = t.left_submitted + EXCLUDED.left_submitted, submitted_seconds = t.submitted_seconds + EXCLUDED.submitted_seconds, left_hm_review = t.left_hm_review + EXCLUDED.left_hm_review, hm_review_seconds = t.hm_review_seconds + EXCLUDED.hm_review_seconds, left_interviewing = t.left_interviewing + EXCLUDED.left_interviewing, interviewing_seconds = t.interviewing_seconds + EXCLUDED.interviewing_seconds, left_offer = t.left_offer + EXCLUDED.left_offer, offer_seconds = t.offer_seconds + EXCLUDED.offer_seconds, lost = t.lost + EXCLUDED.lost, withdrawn = t.withdrawn + EXCLUDED.withdrawn, checkins = t.checkins + EXCLUDED.checkins, first_submissions = t.first_submissions + EXCLUDED.first_submissions, intake_to_submit_seconds = t.intake_to_submit_seconds + EXCLUDED.intake_to_submit_seconds, updated_at = EXCLUDED.updated_at;
    END IF;
    IF changes ? 'metrics_roletotals' THEN
        INSERT INTO metrics_roletotals AS t (organization_id, day, hired, hire_seconds, left_submitted, submitted_seconds, left_hm_review, hm_review_seconds, left_interviewing, interviewing_seconds, left_offer, offer_seconds, lost, withdrawn, checkins, first_submissions, intake_to_submit_seconds, created_at, updated_at)
        SELECT organization, r.day, r.hired, r.hire_seconds, r.left_submitted, r.submitted_seconds, r.left_hm_review, r.hm_review_seconds, r.left_interviewing, r.interviewing_seconds, r.left_offer, r.offer_seconds, r.lost, r.withdrawn, r.checkins, r.first_submissions, r.intake_to_submit_seconds, now(), now()
        FROM jsonb_to_recordset(changes -> 'metrics_roletotals') AS r (day date, hired integer, hire_seconds bigint, left_submitted integer, submitted_seconds bigint, left_hm_review integer, hm_review_seconds bigint, left_interviewing integer, interviewing_seconds bigint, left_offer integer, offer_seconds bigint, lost integer, withdrawn integer, checkins integer, first_submissions integer, intake_to_submit_seconds bigint)
        ON CONFLICT ON CONSTRAINT metrics_role_totals_grain DO UPDATE SET hired = t.hired + EXCLUDED.hired, hire_seconds = t.hire_seconds + EXCLUDED.hire_seconds, left_submitted = t.left_submitted + EXCLUDED.left_submitted, submitted_seconds = t.submitted_seconds + EXCLUDED.submitted_seconds, left_hm_review = t.left_hm_review + EXCLUDED.left_hm_review, hm_review_seconds = t.hm_review_seconds + EXCLUDED.hm_review_seconds, left_interviewing = t.left_interviewing + EXCLUDED.left_interviewing, interviewing_seconds = t.interviewing_seconds + EXCLUDED.interviewing_seconds, left_offer = t.left_offer + EXCLUDED.left_offer, offer_seconds = t.offer_seconds + EXCLUDED.offer_seconds, lost = t.lost + EXCLUDED.lost, withdrawn = t.withdrawn + EXCLUDED.withdrawn, checkins = t.checkins + EXCLUDED.checkins, first_submissions = t.first_submissions + EXCLUDED.first_submissions, intake_to_submit_seconds = t.intake_to_submit_seconds + EXCLUDED.intake_to_submit_seconds, updated_at = EXCLUDED.updated_at;
    END IF;
    IF changes ? 'metrics_submissionclientweeks' THEN
        INSERT INTO metrics_submissionclientweeks AS t (organization_id, client_id, week, submitted, reached_interviewing, reached_offer, reached_hired, rejected, withdrawn, lost, created_at, updated_at)
        SELECT organization, r.client_id, r.week, r.submitted, r.reached_interviewing, r.reached_offer, r.reached_hired, r.rejected, r.withdrawn, r.lost, now(), now()
        FROM jsonb_to_recordset(changes -> 'metrics_submissionclientweeks') AS r (client_id bigint, week date, submitted integer, reached_interviewing integer, reached_offer integer, reached_hired integer, rejected integer, withdrawn integer, lost integer)
        ON CONFLICT ON CONSTRAINT metrics_submission_client_weeks_grain DO UPDATE SET submitted = t.submitted + EXCLUDED.submitted, reached_interviewing = t.reached_interviewing + EXCLUDED.reached_interviewing, reached_offer = t.reached_offer + EXCLUDED.reached_offer, reached_hired = t.reached_hired + EXCLUDED.reached_hired, rejected = t.rejected + EXCLUDED.rejected, withdrawn = t.withdrawn + EXCLUDED.withdrawn, lost = t.lost + EXCLUDED.lost, updated_at = EXCLUDED.updated_at;
    END IF;
    IF changes ? 'metrics_submissionrollup' THEN
        INSERT INTO metrics_submissionrollup AS t (organization_id, client_id, role_id, day, submitted, reached_interviewing, reached_offer, reached_hired, rejected, withdrawn, lost, created_at, updated_at)
        SELECT organization, r.client_id, r.role_id, r.day, r.submitted, r.reached_interviewing, r.reached_offer, r.reached_hired, r.rejected, r.withdrawn, r.lost, now(), now()
        FROM jsonb_to_recordset(changes -> 'metrics_submissionrollup') AS r (client_id bigint, role_id bigint, day date, submitted integer, reached_interviewing integer, reached_offer integer, reached_hired integer, rejected integer, withdrawn integer, lost integer)
        ON CONFLICT ON CONSTRAINT metrics_submission_grain DO UPDATE SET submitted = t.submitted + EXCLUDED.submitted, reached_interviewing = t.reached_interviewing + EXCLUDED.reached_interviewing, reached_offer = t.reached_offer + EXCLUDED.reached_offer, reached_hired = t.reached_hired + EXCLUDED.reached_hired, rejected = t.rejected + EXCLUDED.rejected, withdrawn = t.withdrawn + EXCLUDED.withdrawn, lost = t.lost + EXCLUDED.lost, updated_at = EXCLUDED.updated_at;
    END IF;
    IF changes ? 'metrics_submissiontotals' THEN
        INSERT INTO metrics_submissiontotals AS t (organization_id, day, submitted, reached_interviewing, reached_offer, reached_hired, rejected, withdrawn, lost, created_at, updated_at)
        SELECT organization, r.day, r.submitted, r.reached_interviewing, r.reached_offer, r.reached_hired, r.rejected, r.withdrawn, r.lost, now(), now()
        FROM jsonb_to_recordset(changes -> 'metrics_submissiontotals') AS r (day date, submitted integer, reached_interviewing integer, reached_offer integer, reached_hired integer, rejected integer, withdrawn integer, lost integer)
        ON CONFLICT ON CONSTRAINT metrics_submission_totals_grain DO UPDATE SET submitted = t.submitted + EXCLUDED.submitted, reached_interviewing = t.reached_interviewing + EXCLUDED.reached_interviewing, reached_offer = t.reached_offer + EXCLUDED.reached_offer, reached_hired = t.reached_hired + EXCLUDED.reached_hired, rejected = t.rejected + EXCLUDED.rejected, withdrawn = t.withdrawn + EXCLUDED.withdrawn, lost = t.lost + EXCLUDED.lost, updated_at = EXCLUDED.updated_at;
    END IF;
END
$$"""


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0008_security_policies"),
        ("metrics", "0006_rollups_write_function"),
        ("recruiting", "0012_consent_records"),
    ]

    operations = [
        migrations.CreateModel(
            name="ClockClientDays",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("open", models.IntegerField(default=0)),
                ("on_time", models.IntegerField(default=0)),
                ("late", models.IntegerField(default=0)),
                ("missed", models.IntegerField(default=0)),
                ("cancelled", models.IntegerField(default=0)),
                ("late_seconds", models.BigIntegerField(default=0)),
                ("late_credit", models.BigIntegerField(default=0)),
                ("day", models.DateField()),
                (
                    "client",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="recruiting.client",
                    ),
                ),
                (
                    "organization",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="accounts.organization",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(fields=["organization", "day"], name="metrics_clock_days_idx")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("organization", "client", "day"),
                        name="metrics_clock_client_days_grain",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="RoleClientDays",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("hired", models.IntegerField(default=0)),
                ("hire_seconds", models.BigIntegerField(default=0)),
                ("left_submitted", models.IntegerField(default=0)),
                ("submitted_seconds", models.BigIntegerField(default=0)),
                ("left_hm_review", models.IntegerField(default=0)),
                ("hm_review_seconds", models.BigIntegerField(default=0)),
                ("left_interviewing", models.IntegerField(default=0)),
                ("interviewing_seconds", models.BigIntegerField(default=0)),
                ("left_offer", models.IntegerField(default=0)),
                ("offer_seconds", models.BigIntegerField(default=0)),
                ("lost", models.IntegerField(default=0)),
                ("withdrawn", models.IntegerField(default=0)),
                ("checkins", models.IntegerField(default=0)),
                ("first_submissions", models.IntegerField(default=0)),
                ("intake_to_submit_seconds", models.BigIntegerField(default=0)),
                ("day", models.DateField()),
                (
                    "client",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="recruiting.client",
                    ),
                ),
                (
                    "organization",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="accounts.organization",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(fields=["organization", "day"], name="metrics_role_days_idx")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("organization", "client", "day"),
                        name="metrics_role_client_days_grain",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="SubmissionClientDays",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("submitted", models.IntegerField(default=0)),
                ("reached_interviewing", models.IntegerField(default=0)),
                ("reached_offer", models.IntegerField(default=0)),
                ("reached_hired", models.IntegerField(default=0)),
                ("rejected", models.IntegerField(default=0)),
                ("withdrawn", models.IntegerField(default=0)),
                ("lost", models.IntegerField(default=0)),
                ("day", models.DateField()),
                (
                    "client",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="recruiting.client",
                    ),
                ),
                (
                    "organization",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="accounts.organization",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(fields=["organization", "day"], name="metrics_submission_days_idx")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("organization", "client", "day"),
                        name="metrics_submission_client_days_grain",
                    )
                ],
            },
        ),
        EnableRowLevelSecurity("clockclientdays"),
        EnableRowLevelSecurity("roleclientdays"),
        EnableRowLevelSecurity("submissionclientdays"),
        migrations.RunPython(fill_client_days, migrations.RunPython.noop),
        migrations.RunSQL(WRITE, PREVIOUS),
    ]
