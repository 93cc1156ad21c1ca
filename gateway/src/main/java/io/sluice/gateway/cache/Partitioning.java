package io.sluice.gateway.cache;

import java.util.List;
import java.util.Locale;

/**
 * How the variants of one request key are told apart, learnt from the response: by the caller's
 * scope when the response is not shareable between callers, by the caller's key when it varies on
 * {@code Authorization} (the gateway's internal token names the caller), and by the request headers
 * its {@code Vary} names. Stored as a marker under the request key; the variants live under keys
 * derived from it.
 *
 * @param byScope variants per caller scope
 * @param byCaller variants per caller (API key id)
 * @param varyHeaders lower-case request header names from {@code Vary}, sorted
 */
record Partitioning(boolean byScope, boolean byCaller, List<String> varyHeaders) {

  /** One variant for everyone. */
  static final Partitioning NONE = new Partitioning(false, false, List.of());

  Partitioning {
    varyHeaders =
        varyHeaders.stream().map(h -> h.toLowerCase(Locale.ROOT)).distinct().sorted().toList();
  }

  boolean isNone() {
    return !byScope && !byCaller && varyHeaders.isEmpty();
  }
}
