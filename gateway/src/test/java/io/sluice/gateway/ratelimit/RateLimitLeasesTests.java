package io.sluice.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The lease bookkeeping alone; the grants are what Redis would reply (see the integration tests).
 */
class RateLimitLeasesTests {

  private static final RateLimitProperties.Lease DEFAULTS = RateLimitProperties.Lease.DEFAULTS;
  private static final List<LimitSpec> THOUSAND_PER_SECOND =
      List.of(new LimitSpec("second", 1000, Duration.ofSeconds(1), 1000));

  private final AtomicLong clock = new AtomicLong(1_000_000_000L);
  private final RateLimitLeases leases = new RateLimitLeases(DEFAULTS, clock::get);

  @Test
  void theDefaultPlansLeaseOnlyWhenTheirRateFillsABatchWithinMaxAge() {
    Map<String, List<LimitSpec>> plans =
        new RateLimitProperties(
                true,
                RateLimitProperties.DegradedMode.LOCAL_FALLBACK,
                Duration.ofMillis(50),
                2,
                Duration.ofSeconds(10),
                Map.of())
            .resolvedPlans();
    // free: 10/s is one token per 100 ms, so no leasing; its day quota adds none in 100 ms.
    assertThat(leases.batchSize(plans.get("free"))).isLessThanOrEqualTo(1);
    // standard: 100/s would give 10, but 5,000,000/day adds only 5.8 tokens in 100 ms.
    assertThat(leases.batchSize(plans.get("standard"))).isEqualTo(5);
    assertThat(leases.batchSize(plans.get("standard").subList(0, 1))).isEqualTo(10);
    // partner: 10,000/s would give 1,000, capped by max-tokens.
    assertThat(leases.batchSize(plans.get("partner"))).isEqualTo(100);
  }

  @Test
  void theBatchFollowsMaxAgeAndMaxTokens() {
    RateLimitLeases longer =
        new RateLimitLeases(
            new RateLimitProperties.Lease(true, 40, Duration.ofSeconds(1)), clock::get);
    assertThat(longer.batchSize(List.of(LimitSpec.of("second", 25, Duration.ofSeconds(1)))))
        .isEqualTo(25);
    assertThat(longer.batchSize(THOUSAND_PER_SECOND)).isEqualTo(40);
    assertThat(longer.batchSize(List.of(LimitSpec.of("huge", Long.MAX_VALUE, Duration.ofDays(1)))))
        .isEqualTo(40);
  }

  @Test
  void disabledLeasingTakesOneTokenPerRequest() {
    RateLimitLeases disabled =
        new RateLimitLeases(
            new RateLimitProperties.Lease(false, 100, Duration.ofMillis(100)), clock::get);
    assertThat(disabled.batchSize(THOUSAND_PER_SECOND)).isEqualTo(1);
  }

  @Test
  void aRefillKeepsOneTokenAndLeasesTheRestUntilUsedUp() {
    RateLimitLeases.Refill refill = leases.claim("c", THOUSAND_PER_SECOND);
    RateLimitDecision first = refill.complete(grant(5, 900, 100_000));
    refill.end();
    assertThat(first.allowed()).isTrue();
    assertThat(first.source()).isEqualTo(RateLimitDecision.Source.LEASE);

    List<Long> remaining = new ArrayList<>();
    remaining.add(first.buckets().get(0).remaining());
    RateLimitDecision next;
    while ((next = leases.take("c", THOUSAND_PER_SECOND)) != null) {
      remaining.add(next.buckets().get(0).remaining());
    }
    // Redis's 900 plus the tokens still unused after each request.
    assertThat(remaining).containsExactly(904L, 903L, 902L, 901L, 900L);
  }

  @Test
  void aLeaseDecisionCountsDownTheResetAndKeepsRemainingWithinTheBurst() {
    RateLimitLeases.Refill refill = leases.claim("c", THOUSAND_PER_SECOND);
    BucketState first = refill.complete(grant(50, 990, 60_000)).buckets().get(0);
    assertThat(first.remaining()).isEqualTo(1000);
    assertThat(first.resetMicros()).isEqualTo(60_000);

    clock.addAndGet(Duration.ofMillis(40).toNanos());
    assertThat(leases.take("c", THOUSAND_PER_SECOND).buckets().get(0).resetMicros())
        .isEqualTo(20_000);
    clock.addAndGet(Duration.ofMillis(40).toNanos());
    assertThat(leases.take("c", THOUSAND_PER_SECOND).buckets().get(0).resetMicros()).isZero();
  }

  @Test
  void aLeaseExpiresMaxAgeAfterItsRefillStartedAndThenMayBeRefilled() {
    leases.claim("c", THOUSAND_PER_SECOND).complete(grant(100, 900, 100_000));
    clock.addAndGet(DEFAULTS.maxAge().toNanos() - 1);
    assertThat(leases.take("c", THOUSAND_PER_SECOND)).isNotNull();
    clock.addAndGet(1);
    assertThat(leases.take("c", THOUSAND_PER_SECOND)).isNull();
    assertThat(leases.claim("c", THOUSAND_PER_SECOND)).isNotNull();
  }

  @Test
  void onlyOneRefillPerClientIsInFlightAndALeaseWithTokensLeftIsNotReplaced() {
    RateLimitLeases.Refill refill = leases.claim("c", THOUSAND_PER_SECOND);
    assertThat(leases.claim("c", THOUSAND_PER_SECOND)).isNull();
    assertThat(leases.take("c", THOUSAND_PER_SECOND)).isNull();
    assertThat(leases.claim("other", THOUSAND_PER_SECOND)).isNotNull();

    refill.complete(grant(3, 900, 100_000));
    refill.end();
    assertThat(leases.claim("c", THOUSAND_PER_SECOND)).isNull();
    leases.take("c", THOUSAND_PER_SECOND);
    leases.take("c", THOUSAND_PER_SECOND);
    assertThat(leases.claim("c", THOUSAND_PER_SECOND)).isNotNull();
  }

  @Test
  void aDeniedOrFailedRefillLeavesNothingBehind() {
    RateLimitLeases.Refill refill = leases.claim("c", THOUSAND_PER_SECOND);
    RateLimitDecision denied =
        new RateLimitDecision(
            false,
            1_000,
            List.of(new BucketState(THOUSAND_PER_SECOND.get(0), 0, 1_000_000)),
            RateLimitDecision.Source.REDIS);
    assertThat(refill.complete(new RateLimiterStore.Grant(0, denied))).isSameAs(denied);
    refill.end();
    assertThat(leases.size()).isZero();

    leases.claim("c", THOUSAND_PER_SECOND).end();
    assertThat(leases.size()).isZero();
    assertThat(leases.claim("c", THOUSAND_PER_SECOND)).isNotNull();
  }

  @Test
  void concurrentRequestsNeverTakeMoreTokensThanTheLeaseHolds() throws Exception {
    leases.claim("c", THOUSAND_PER_SECOND).complete(grant(10_001, 0, 100_000));
    ExecutorService threads = Executors.newFixedThreadPool(4);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Integer>> counts = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      counts.add(
          threads.submit(
              () -> {
                start.await();
                int taken = 0;
                for (int i = 0; i < 5_000; i++) {
                  taken += leases.take("c", THOUSAND_PER_SECOND) != null ? 1 : 0;
                }
                return taken;
              }));
    }
    start.countDown();
    int taken = 0;
    for (Future<Integer> count : counts) {
      taken += count.get();
    }
    threads.shutdown();
    assertThat(taken).isEqualTo(10_000);
  }

  @Test
  void expiredLeasesAreSweptAndTheirNumberIsCapped() {
    for (int i = 0; i < RateLimitLeases.MAX_LEASES + 500; i++) {
      RateLimitLeases.Refill refill = leases.claim("client-" + i, THOUSAND_PER_SECOND);
      if (refill != null) {
        refill.complete(grant(100, 900, 100_000));
      }
    }
    assertThat(leases.size()).isEqualTo(RateLimitLeases.MAX_LEASES);
    assertThat(leases.claim("one-more", THOUSAND_PER_SECOND)).isNull();

    clock.addAndGet(DEFAULTS.maxAge().toNanos());
    leases.sweep(clock.get());
    assertThat(leases.size()).isZero();
    assertThat(leases.claim("one-more", THOUSAND_PER_SECOND)).isNotNull();
  }

  @Test
  void refillsSweepExpiredLeasesByThemselves() {
    for (int i = 0; i < 100; i++) {
      leases.claim("old-" + i, THOUSAND_PER_SECOND).complete(grant(100, 900, 100_000));
    }
    clock.addAndGet(DEFAULTS.maxAge().toNanos());
    for (int i = 0; i < 2_048; i++) {
      RateLimitLeases.Refill refill = leases.claim("new-" + (i % 10), THOUSAND_PER_SECOND);
      if (refill != null) {
        refill.end();
      }
    }
    assertThat(leases.size()).isZero();
  }

  /** What Redis replies to a batch: {@code tokens} taken, {@code remaining} left after them. */
  /** Collects the renewals the leases hand out instead of asking Redis. */
  private static final class Renewals implements RateLimitLeases.Renewer {
    final List<RateLimitLeases.Refill> handed = new ArrayList<>();

    @Override
    public void renew(String client, List<LimitSpec> limits, RateLimitLeases.Refill renewal) {
      handed.add(renewal);
    }
  }

  /**
   * Client "c" refills its lease with {@code tokens} granted: one for the request, the rest leased.
   */
  private void leaseFromRedis(long tokens, long remaining) {
    RateLimitLeases.Refill refill = leases.claim("c", THOUSAND_PER_SECOND);
    refill.complete(grant(tokens, remaining, 100_000));
    refill.end();
  }

  private int takeAll(String client, Renewals renewals) {
    int taken = 0;
    while (leases.take(client, THOUSAND_PER_SECOND, renewals) != null) {
      taken++;
    }
    return taken;
  }

  @Test
  void aLeaseRenewsAheadOnceAtItsLowWaterMarkAndTheNextBatchIsUsedAfterWhatIsLeft() {
    leaseFromRedis(101, 800);
    Renewals renewals = new Renewals();
    // 100 leased: the renewal is handed out by the take that leaves 25 (a quarter).
    for (int i = 0; i < 74; i++) {
      assertThat(leases.take("c", THOUSAND_PER_SECOND, renewals)).isNotNull();
    }
    assertThat(renewals.handed).isEmpty();
    assertThat(leases.take("c", THOUSAND_PER_SECOND, renewals)).isNotNull();
    assertThat(renewals.handed).hasSize(1);
    renewals.handed.get(0).extend(grant(100, 700, 100_000));
    // The 25 left, then the new 100; the new batch renews once at its own low-water mark.
    assertThat(takeAll("c", renewals)).isEqualTo(125);
    assertThat(renewals.handed).hasSize(2);
  }

  @Test
  void aLeaseThatRunsDryWhileItsRenewalIsInFlightWaitsForItInsteadOfRefilling() {
    leaseFromRedis(9, 900);
    Renewals renewals = new Renewals();
    assertThat(takeAll("c", renewals)).isEqualTo(8);
    assertThat(renewals.handed).hasSize(1);
    // Dry, but the renewal is on its way: requests take single tokens instead of refilling, which
    // would crowd the renewal out and lose its batch.
    assertThat(leases.claim("c", THOUSAND_PER_SECOND)).isNull();
    renewals.handed.get(0).extend(grant(50, 850, 100_000));
    assertThat(takeAll("c", new Renewals())).isEqualTo(50);
  }

  @Test
  void anAbandonedRenewalLetsTheLeaseBeRefilledAsUsual() {
    leaseFromRedis(9, 900);
    Renewals renewals = new Renewals();
    assertThat(takeAll("c", renewals)).isEqualTo(8);
    renewals.handed.get(0).abandon();
    assertThat(leases.claim("c", THOUSAND_PER_SECOND)).isNotNull();
  }

  @Test
  void aRenewalArrivingAfterTheLeaseExpiredAndWasRefilledIsDroppedNotAdded() {
    leaseFromRedis(9, 900);
    Renewals renewals = new Renewals();
    assertThat(takeAll("c", renewals)).isEqualTo(8);
    // The renewal never came back within max-age: the expired lease is refilled as usual.
    clock.addAndGet(Duration.ofMillis(101).toNanos());
    RateLimitLeases.Refill usual = leases.claim("c", THOUSAND_PER_SECOND);
    assertThat(usual).isNotNull();
    renewals.handed.get(0).extend(grant(50, 850, 100_000));
    assertThat(leases.take("c", THOUSAND_PER_SECOND)).isNull();
    usual.complete(grant(3, 847, 100_000));
    usual.end();
    assertThat(takeAll("c", new Renewals())).isEqualTo(2);
  }

  @Test
  void renewedTokensAndTheTokensLeftBeforeThemExpireOnTheirOwnSchedules() {
    leaseFromRedis(9, 900);
    Renewals renewals = new Renewals();
    clock.addAndGet(Duration.ofMillis(40).toNanos());
    for (int i = 0; i < 6; i++) {
      assertThat(leases.take("c", THOUSAND_PER_SECOND, renewals)).isNotNull();
    }
    assertThat(renewals.handed).hasSize(1);
    renewals.handed.get(0).extend(grant(8, 880, 100_000));
    // Past the first batch's max-age (100 ms from its grant) but not the renewal's (from 40 ms):
    // the 2 tokens left of the first are lost, the 8 renewed ones are not.
    clock.addAndGet(Duration.ofMillis(61).toNanos());
    assertThat(takeAll("c", new Renewals())).isEqualTo(8);
  }

  private static RateLimiterStore.Grant grant(long tokens, long remaining, long resetMicros) {
    return new RateLimiterStore.Grant(
        tokens,
        new RateLimitDecision(
            true,
            0,
            List.of(new BucketState(THOUSAND_PER_SECOND.get(0), remaining, resetMicros)),
            RateLimitDecision.Source.REDIS));
  }
}
