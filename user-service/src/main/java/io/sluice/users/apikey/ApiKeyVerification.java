package io.sluice.users.apikey;

import java.util.UUID;

/**
 * What the gateway learns about a verified key: its id (the token's {@code sub}), its plan and its
 * scopes as the space-separated {@code scope} claim.
 */
record ApiKeyVerification(UUID id, String plan, String scope) {}
