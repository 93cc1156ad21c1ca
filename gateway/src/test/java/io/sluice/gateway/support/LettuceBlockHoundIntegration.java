package io.sluice.gateway.support;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Lettuce guards each connection's command writers with {@code SharedLock}, a short {@code
 * ReentrantLock} section taken when two event loops write to one connection at once. BlockHound
 * reports the park as blocking and, worse, throws inside the lock: the lock is then never released
 * and the next writer spins forever (lettuce#3804), which hung a whole test JVM. The section does
 * no I/O, so it is allowed here (tests only; installed via ServiceLoader).
 */
public class LettuceBlockHoundIntegration implements BlockHoundIntegration {

  private static final String SHARED_LOCK = "io.lettuce.core.protocol.SharedLock";

  @Override
  public void applyTo(BlockHound.Builder builder) {
    builder.allowBlockingCallsInside(SHARED_LOCK, "incrementWriters");
    builder.allowBlockingCallsInside(SHARED_LOCK, "decrementWriters");
    builder.allowBlockingCallsInside(SHARED_LOCK, "doExclusive");
  }
}
