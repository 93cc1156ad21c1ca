package io.sluice.gateway.system;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestPathRedisBudgetTests {

  private static final long BUDGET = 50;

  @Test
  void aCallExpiresAfterOneBudgetWhenRedisAnsweredNothingSince() {
    long start = 1_000;
    long lastReply = start - 10;
    assertThat(RequestPathRedis.expired(start + BUDGET, start, lastReply, BUDGET)).isTrue();
  }

  @Test
  void aCallWaitsOnWhileOtherRepliesKeepArriving() {
    long start = 1_000;
    assertThat(RequestPathRedis.expired(start + BUDGET, start, start + BUDGET - 1, BUDGET))
        .isFalse();
    assertThat(RequestPathRedis.expired(start + 2 * BUDGET, start, start + 2 * BUDGET - 5, BUDGET))
        .isFalse();
  }

  @Test
  void evenALiveRedisGetsAtMostMaxBudgets() {
    long start = 1_000;
    long end = start + RequestPathRedis.MAX_BUDGETS * BUDGET;
    assertThat(RequestPathRedis.expired(end - 1, start, end - 2, BUDGET)).isFalse();
    assertThat(RequestPathRedis.expired(end, start, end - 1, BUDGET)).isTrue();
  }

  @Test
  void aReplyThatArrivedJustBeforeTheCallBuysAtMostOneMoreBudget() {
    long start = 1_000;
    long lastReply = start + 10;
    assertThat(RequestPathRedis.expired(start + BUDGET, start, lastReply, BUDGET)).isFalse();
    assertThat(RequestPathRedis.expired(start + 2 * BUDGET, start, lastReply, BUDGET)).isTrue();
  }
}
