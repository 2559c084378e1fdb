-- Registration asks, under the subject's lock, which live versions of the
-- subject already carry a schema ID. This index answers that with a lookup
-- whatever the length of the subject's history; versions_by_schema would scan
-- every subject using the schema, and the primary key every version of the
-- subject.
CREATE INDEX versions_by_subject_schema ON versions (subject, schema_id);
