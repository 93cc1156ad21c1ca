-- Users. Ids are UUIDv7 assigned by the service, so ordering by id is ordering by creation time
-- and keyset pagination over the primary key is stable under concurrent inserts.
create table users (
    id         uuid         primary key,
    email      varchar(254) not null,
    name       varchar(100) not null check (char_length(name) >= 1),
    created_at timestamptz  not null,
    updated_at timestamptz  not null,
    version    bigint       not null
);

-- Emails are stored as given but unique case-insensitively; the index, not a check-then-insert,
-- is what makes concurrent creates of one address yield exactly one row. It also serves the
-- case-insensitive email filter.
create unique index users_email_lower_key on users (lower(email));
