-- The schema registry: schemas by (context, id), subject versions, the
-- reference graph, per-context ID sequences, and per-scope config and mode.
CREATE TABLE schemas (
    context     TEXT    NOT NULL,
    id          INTEGER NOT NULL,
    fingerprint TEXT    NOT NULL,
    schema_type TEXT    NOT NULL,
    schema_text TEXT    NOT NULL,
    refs        TEXT    NOT NULL DEFAULT '[]', -- JSON [{name,subject,version}], in order
    metadata    TEXT,
    rule_set    TEXT,
    PRIMARY KEY (context, id),
    UNIQUE (context, fingerprint)
);

CREATE TABLE versions (
    subject    TEXT    NOT NULL,
    version    INTEGER NOT NULL,
    context    TEXT    NOT NULL,
    schema_id  INTEGER NOT NULL,
    deleted    INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL, -- Unix milliseconds
    PRIMARY KEY (subject, version)
);
CREATE INDEX versions_by_schema ON versions (context, schema_id);

-- One row per reference of a version's schema, for referencedby.
CREATE TABLE schema_references (
    context     TEXT    NOT NULL,
    schema_id   INTEGER NOT NULL,
    ref_subject TEXT    NOT NULL,
    ref_version INTEGER NOT NULL,
    PRIMARY KEY (ref_subject, ref_version, context, schema_id)
);

-- The highest ID ever allocated per context: IDs are never reused, even
-- after the schema carrying the highest one is permanently deleted.
CREATE TABLE id_sequences (
    context TEXT    PRIMARY KEY,
    max_id  INTEGER NOT NULL
);

CREATE TABLE configs (
    scope  TEXT PRIMARY KEY,
    config TEXT NOT NULL -- JSON
);

CREATE TABLE modes (
    scope TEXT PRIMARY KEY,
    mode  TEXT NOT NULL
);
