package io.sluice.gateway.security;

import reactor.core.publisher.Mono;

/** Asks the owner of API keys who a key belongs to. */
interface ApiKeyLookup {

  /**
   * The identity of the active key with this hash; empty when the key is unknown or revoked; an
   * error when the owner could not answer.
   */
  Mono<ClientIdentity> find(String keyHash);
}
