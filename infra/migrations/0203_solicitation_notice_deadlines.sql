-- A cancellation notice repeats the solicitation's current deadline.
ALTER TABLE solicitation_notice_subjects
    ADD COLUMN IF NOT EXISTS submission_deadline timestamptz;
