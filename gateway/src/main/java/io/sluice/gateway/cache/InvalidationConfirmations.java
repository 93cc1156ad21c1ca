package io.sluice.gateway.cache;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * How a write learns that every replica holding entries in memory has dropped the resource it
 * changed, before its response is sent. The invalidation notice names the writing replica and a
 * sequence number; each replica that hears it forgets the resource, then confirms on the writer's
 * own channel. Redis's {@code PUBLISH} says how many subscribers were handed the notice, so the
 * writer knows how many confirmations to wait for.
 *
 * <p>A replica that does not confirm (paused, overloaded, its connection lost) may still hold the
 * old entry, but never for longer than the near cache's TTL after the new generation was written: a
 * replica ages what it learnt from the moment its lookup started, and a lookup that saw the old
 * generation started before the write's script ran. So the writer waits at most that TTL.
 */
final class InvalidationConfirmations {

  /** Confirmations to a replica arrive on this prefix followed by the replica's id. */
  static final String CHANNEL_PREFIX = RedisResponseCacheStore.INVALIDATIONS + ":confirmed:";

  private final String replica;
  private final AtomicLong sequence = new AtomicLong();
  private final Map<Long, Pending> pending = new ConcurrentHashMap<>();

  /**
   * @param replica this replica's id: no spaces (a UUID)
   */
  InvalidationConfirmations(String replica) {
    if (replica.isEmpty() || replica.indexOf(' ') >= 0) {
      throw new IllegalArgumentException("a replica id must be non-empty without spaces");
    }
    this.replica = replica;
  }

  /** The channel this replica's confirmations arrive on. */
  String channel() {
    return CHANNEL_PREFIX + replica;
  }

  /** Starts waiting for the confirmations of a notice about {@code tag}, before it is sent. */
  Pending expect(String tag) {
    long number = sequence.incrementAndGet();
    Pending waiting = new Pending(number, replica + " " + number + " " + tag);
    pending.put(number, waiting);
    return waiting;
  }

  /** A message on {@link #channel()}: one replica dropped the resource of that notice. */
  void confirmed(String message) {
    long number;
    try {
      number = Long.parseLong(message);
    } catch (NumberFormatException notOurs) {
      return;
    }
    Pending waiting = pending.get(number);
    if (waiting != null) {
      waiting.confirm();
    }
  }

  /** Notices this replica is still waiting on. */
  int waiting() {
    return pending.size();
  }

  /**
   * An invalidation notice as received.
   *
   * @param tag the resource tag to forget
   * @param confirmTo the channel to confirm on, or {@code null} when nobody waits (a retried
   *     invalidation, or a replica of an older release, which publishes the bare tag)
   * @param sequence what to confirm with
   */
  record Notice(String tag, String confirmTo, String sequence) {

    static Notice parse(String message) {
      // Tags start with '{' (Redis Cluster hash tags); a replica id never does.
      if (message.startsWith("{")) {
        return new Notice(message, null, null);
      }
      String[] parts = message.split(" ", 3);
      if (parts.length < 3) {
        return new Notice(message, null, null);
      }
      return new Notice(parts[2], CHANNEL_PREFIX + parts[0], parts[1]);
    }
  }

  /** One notice's confirmations. */
  final class Pending {

    private final long number;
    private final String notice;
    private final AtomicLong confirmations = new AtomicLong();
    private volatile long expected = Long.MAX_VALUE;
    private final Sinks.Empty<Void> complete = Sinks.empty();

    private Pending(long number, String notice) {
      this.number = number;
      this.notice = notice;
    }

    /** The message to publish. */
    String notice() {
      return notice;
    }

    private void confirm() {
      confirmations.incrementAndGet();
      settle();
    }

    /**
     * Completes with {@code true} once {@code receivers} replicas confirmed, or with {@code false}
     * after {@code deadline} (then the entries they may hold have expired by themselves).
     */
    Mono<Boolean> await(long receivers, Duration deadline) {
      expected = receivers;
      settle();
      return complete
          .asMono()
          .thenReturn(true)
          .timeout(deadline, Mono.just(false))
          .doFinally(signal -> abandon());
    }

    /** Stops waiting (the notice was not sent, or the write went away). */
    void abandon() {
      pending.remove(number, this);
    }

    private void settle() {
      if (confirmations.get() >= expected) {
        // Racing callers: one emission wins, the other finds the sink already complete.
        complete.tryEmitEmpty();
      }
    }
  }
}
