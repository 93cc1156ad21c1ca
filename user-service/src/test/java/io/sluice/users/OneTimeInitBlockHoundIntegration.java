package io.sluice.users;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * BlockHound allowances for this module's test JVMs (loaded through {@code ServiceLoader}): locks
 * that libraries take only while filling a cache for the first time. When the first requests of a
 * context arrive together, the losers park for those microseconds on an event loop. That is a
 * one-time wait, not I/O, so it is allowed here; everything else still fails the test.
 */
public class OneTimeInitBlockHoundIntegration implements BlockHoundIntegration {

  @Override
  public void applyTo(BlockHound.Builder builder) {
    // Spring Boot's repository metrics listener resolves the meter registry lazily, once.
    builder.allowBlockingCallsInside("org.springframework.util.function.SingletonSupplier", "get");
    // Jackson builds each type's deserializer once, under a lock, then serves it from its cache.
    builder.allowBlockingCallsInside(
        "tools.jackson.databind.deser.DeserializerCache", "_createAndCacheValueDeserializer");
  }
}
