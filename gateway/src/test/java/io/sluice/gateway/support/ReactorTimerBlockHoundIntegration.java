package io.sluice.gateway.support;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Reactor's timers ({@code timeout}, {@code interval} on {@code Schedulers.parallel()}) live in a
 * {@code ScheduledThreadPoolExecutor} that removes a task from its queue when it is cancelled,
 * under the queue's short {@code ReentrantLock}. Reactor allows the lock in {@code offer} and
 * {@code take} but not in {@code remove}: when a Redis reply cancels its call's timer on a Lettuce
 * event loop while the timer thread holds the lock, BlockHound throws inside the lock's
 * acquisition, which leaves the lock broken; the timer thread then never runs again and every
 * timeout on it is lost, which hung a test JVM. The section does no I/O, so it is allowed here
 * (tests only; installed via ServiceLoader).
 */
public class ReactorTimerBlockHoundIntegration implements BlockHoundIntegration {

  @Override
  public void applyTo(BlockHound.Builder builder) {
    builder.allowBlockingCallsInside(
        "java.util.concurrent.ScheduledThreadPoolExecutor$DelayedWorkQueue", "remove");
  }
}
