"""The rollups' write as a database function (metrics.rollups.write_function_sql):
the shared lock and every table's upsert in one call, whose plans each connection
keeps, instead of a dozen statements parsed and planned on every write."""

from django.db import migrations

WRITE = """CREATE OR REPLACE FUNCTION rapport_rollups_add(organization uuid, changes jsonb)
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
    dependencies = [("metrics", "0005_rollups_client_index")]

    operations = [
        migrations.RunSQL(WRITE, "DROP FUNCTION rapport_rollups_add(uuid, jsonb)"),
    ]
