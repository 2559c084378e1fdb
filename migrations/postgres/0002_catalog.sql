-- The event catalog: the declared spec (teams, services, topics, their tags,
-- relations and their consumer groups), replaced whole on apply, and what the
-- broker observed. Owner and team columns hold "" when unset; the catalog
-- validates references before it writes, so only relations carry foreign
-- keys, which ReplaceSpec's delete order respects.
CREATE TABLE teams (
    name        TEXT PRIMARY KEY,
    description TEXT NOT NULL DEFAULT '',
    email       TEXT NOT NULL DEFAULT '',
    chat        TEXT NOT NULL DEFAULT '',
    oncall      TEXT NOT NULL DEFAULT ''
);

CREATE TABLE services (
    name        TEXT PRIMARY KEY,
    team        TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    repository  TEXT NOT NULL DEFAULT '',
    lifecycle   TEXT NOT NULL DEFAULT ''
);

CREATE TABLE topics (
    name           TEXT PRIMARY KEY,
    description    TEXT NOT NULL DEFAULT '',
    owner          TEXT NOT NULL DEFAULT '',
    key_subject    TEXT NOT NULL DEFAULT '',
    value_subject  TEXT NOT NULL DEFAULT '',
    classification TEXT NOT NULL DEFAULT ''
);

CREATE TABLE topic_tags (
    topic TEXT NOT NULL REFERENCES topics (name) ON DELETE CASCADE,
    tag   TEXT NOT NULL,
    PRIMARY KEY (topic, tag)
);

CREATE TABLE relations (
    service TEXT NOT NULL REFERENCES services (name) ON DELETE CASCADE,
    topic   TEXT NOT NULL REFERENCES topics (name) ON DELETE CASCADE,
    kind    TEXT NOT NULL, -- produces | consumes
    PRIMARY KEY (topic, kind, service)
);

CREATE TABLE relation_groups (
    service  TEXT NOT NULL,
    topic    TEXT NOT NULL,
    kind     TEXT NOT NULL,
    group_id TEXT NOT NULL,
    PRIMARY KEY (topic, kind, service, group_id),
    FOREIGN KEY (topic, kind, service) REFERENCES relations (topic, kind, service) ON DELETE CASCADE
);

-- What the broker saw: producers by client ID, consumers by group ID.
CREATE TABLE observations (
    topic      TEXT        NOT NULL,
    kind       TEXT        NOT NULL, -- produces | consumes
    client     TEXT        NOT NULL,
    first_seen TIMESTAMPTZ NOT NULL,
    last_seen  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (topic, kind, client)
);
