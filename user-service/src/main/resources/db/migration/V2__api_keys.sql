-- API keys. The plaintext key is never stored: only its SHA-256 (the gateway hashes what a client
-- sends and asks for the key by hash) and its first 12 characters, which are not secret and let
-- administrators recognise a key. Ids are UUIDv7 assigned by the service, so listing in id order
-- is listing in creation order, with keyset pagination over the primary key.
create table api_keys (
    id           uuid         primary key,
    name         varchar(100) not null check (char_length(name) >= 1),
    -- Plans are configuration (sluice.api-keys.plans), checked by the service, not here.
    plan         varchar(64)  not null check (char_length(plan) >= 1),
    scopes       text[]       not null
                 check (scopes <@ array['users:read', 'users:write', 'keys:admin']::text[]),
    key_hash     varchar(64)  not null check (key_hash ~ '^[0-9a-f]{64}$'),
    key_prefix   varchar(12)  not null,
    created_at   timestamptz  not null,
    last_used_at timestamptz,
    revoked_at   timestamptz,
    -- Also the index of the gateway's verification, the hot path: one unique-index lookup.
    constraint api_keys_key_hash_key unique (key_hash)
);

-- Finding a key from the prefix an administrator sees in a log or a client's configuration.
create index api_keys_key_prefix_idx on api_keys (key_prefix);
