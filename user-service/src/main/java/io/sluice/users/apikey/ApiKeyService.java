package io.sluice.users.apikey;

import io.sluice.users.apikey.ApiKeyInput.NewApiKey;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.r2dbc.core.R2dbcEntityTemplate;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/** What can be done to API keys, independent of HTTP: create, read, page, revoke and verify. */
@Service
class ApiKeyService {

  private static final Logger log = LoggerFactory.getLogger(ApiKeyService.class);

  private final ApiKeyRepository repository;
  private final R2dbcEntityTemplate template;
  private final ApiKeySecrets secrets;
  private final Clock clock;

  ApiKeyService(ApiKeyRepository repository, R2dbcEntityTemplate template, ApiKeySecrets secrets) {
    this.repository = repository;
    this.template = template;
    this.secrets = secrets;
    this.clock = Clock.systemUTC();
  }

  /** A key just created and its plaintext, which exists only in this value. */
  record Created(ApiKey key, String plaintext) {

    @Override
    public String toString() {
      return "Created[" + key + "]";
    }
  }

  /** One page in id order, and whether more rows follow it. */
  record Page(List<ApiKey> keys, boolean more) {}

  Mono<Created> create(NewApiKey request) {
    return Mono.defer(
        () -> {
          ApiKeySecrets.NewKey secret = secrets.generate();
          // PostgreSQL keeps microseconds; truncating makes the response equal what a GET returns.
          Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
          ApiKey key =
              new ApiKey(
                  ApiKeyIds.next(),
                  request.name(),
                  request.plan(),
                  request.scopes(),
                  secret.hash(),
                  secret.prefix(),
                  now,
                  null,
                  null);
          // 256 random bits: a hash collision (a unique-index violation) is not a real case.
          return template
              .insert(key)
              .doOnNext(
                  saved ->
                      log.info(
                          "API key {} created (prefix {}, plan {}, scopes {})",
                          saved.id(),
                          saved.keyPrefix(),
                          saved.plan(),
                          saved.scopes()))
              .map(saved -> new Created(saved, secret.plaintext()));
        });
  }

  Mono<ApiKey> find(UUID id) {
    return repository.findById(id).switchIfEmpty(Mono.error(() -> ApiKeyProblems.notFound(id)));
  }

  Mono<Page> page(UUID after, int limit) {
    // One row more than asked tells whether there is a next page without a count query.
    return repository
        .findPage(after, limit + 1)
        .collectList()
        .map(
            keys ->
                keys.size() > limit
                    ? new Page(keys.subList(0, limit), true)
                    : new Page(keys, false));
  }

  /** Revokes the key; revoking a revoked key succeeds and changes nothing. */
  Mono<Void> revoke(UUID id) {
    return repository
        .revoke(id)
        .flatMap(
            found -> {
              if (found == 0) {
                return Mono.error(ApiKeyProblems.notFound(id));
              }
              log.info("API key {} revoked", id);
              return Mono.empty();
            });
  }

  /** The active key whose SHA-256 is {@code keyHash}, marking it used; 404 when there is none. */
  Mono<ApiKeyVerification> verify(String keyHash) {
    return repository.verify(keyHash).switchIfEmpty(Mono.error(ApiKeyProblems::noActiveKey));
  }
}
