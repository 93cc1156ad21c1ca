/**
 * API keys: administrators create, list and revoke them under {@code /api/keys} (scope {@code
 * keys:admin}); the gateway checks a client's key by its SHA-256 at {@code
 * /internal/api-keys/verify}. Only hashes and short prefixes are stored; the plaintext key is
 * returned once, on creation.
 */
package io.sluice.users.apikey;
