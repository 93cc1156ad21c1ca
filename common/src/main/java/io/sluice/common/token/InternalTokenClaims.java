package io.sluice.common.token;

import java.time.Duration;

/**
 * The internal gateway-to-service token: a JWT signed with HS256 using {@code
 * INTERNAL_AUTH_SECRET}, sent as {@code Authorization: Bearer}. This class names its claims and
 * fixed values; each side builds or checks it with its own JWT library.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7519">RFC 7519</a>
 */
public final class InternalTokenClaims {

  /** {@code iss}: always {@link #ISSUER}. */
  public static final String ISSUER_CLAIM = "iss";

  /** {@code aud}: the service the token is for, e.g. {@link #USER_SERVICE_AUDIENCE}. */
  public static final String AUDIENCE_CLAIM = "aud";

  /** {@code sub}: the id of the API key the gateway authenticated. */
  public static final String SUBJECT_CLAIM = "sub";

  /** {@code exp}: at most {@link #MAX_LIFETIME} after {@code iat}. */
  public static final String EXPIRES_AT_CLAIM = "exp";

  public static final String ISSUED_AT_CLAIM = "iat";

  /** {@code plan}: the caller's plan name ({@code free}, {@code standard}, {@code partner}). */
  public static final String PLAN_CLAIM = "plan";

  /** {@code scope}: space-separated subset of {@link Scopes}. */
  public static final String SCOPE_CLAIM = "scope";

  public static final String ISSUER = "sluice-gateway";

  public static final String USER_SERVICE_AUDIENCE = "user-service";

  /** The longest a token may live: the contract caps {@code exp} at 60 s ahead. */
  public static final Duration MAX_LIFETIME = Duration.ofSeconds(60);

  /** The shortest acceptable HMAC secret: HS256 needs a key at least as long as its output. */
  public static final int MIN_SECRET_BYTES = 32;

  private InternalTokenClaims() {}

  /** The scopes a token can carry. */
  public static final class Scopes {
    public static final String USERS_READ = "users:read";
    public static final String USERS_WRITE = "users:write";
    public static final String KEYS_ADMIN = "keys:admin";

    private Scopes() {}
  }
}
