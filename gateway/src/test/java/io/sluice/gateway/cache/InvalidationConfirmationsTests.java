package io.sluice.gateway.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

class InvalidationConfirmationsTests {

  private final InvalidationConfirmations confirmations =
      new InvalidationConfirmations("replica-a");

  @Test
  void aNoticeNamesItsWriterSoReceiversKnowWhereToConfirm() {
    InvalidationConfirmations.Pending pending = confirmations.expect("{users:abc}");
    InvalidationConfirmations.Notice notice =
        InvalidationConfirmations.Notice.parse(pending.notice());
    assertThat(notice.tag()).isEqualTo("{users:abc}");
    assertThat(notice.confirmTo()).isEqualTo(confirmations.channel());
    assertThat(confirmations.channel()).isEqualTo("sluice:cache:invalidations:confirmed:replica-a");
  }

  @Test
  void aBareTagAsksForNoConfirmation() {
    // Retried invalidations publish the tag alone; so did replicas of an older release.
    InvalidationConfirmations.Notice notice = InvalidationConfirmations.Notice.parse("{users:a b}");
    assertThat(notice.tag()).isEqualTo("{users:a b}");
    assertThat(notice.confirmTo()).isNull();
  }

  @Test
  void theWaitEndsWhenEveryReceiverConfirmed() {
    InvalidationConfirmations.Pending pending = confirmations.expect("{users:abc}");
    String sequence = InvalidationConfirmations.Notice.parse(pending.notice()).sequence();
    // One receiver confirms before the writer has even heard how many there are.
    confirmations.confirmed(sequence);
    StepVerifier.create(pending.await(2, Duration.ofSeconds(30)))
        .then(() -> confirmations.confirmed(sequence))
        .expectNext(true)
        .verifyComplete();
    assertThat(confirmations.waiting()).isZero();
  }

  @Test
  void confirmationsOfOtherNoticesDoNotCount() {
    InvalidationConfirmations.Pending first = confirmations.expect("{users:abc}");
    InvalidationConfirmations.Pending second = confirmations.expect("{users:abc}");
    String secondSequence = InvalidationConfirmations.Notice.parse(second.notice()).sequence();
    confirmations.confirmed(secondSequence);
    confirmations.confirmed("not a number");
    assertWaitedOutOneSecond(first);
  }

  @Test
  void withoutConfirmationsTheWriterWaitsOutTheDeadline() {
    InvalidationConfirmations.Pending pending = confirmations.expect("{users:abc}");
    assertWaitedOutOneSecond(pending);
    assertThat(confirmations.waiting()).isZero();
  }

  /** Waiting for one receiver with a deadline of 1 s ends at the deadline, unconfirmed. */
  private static void assertWaitedOutOneSecond(InvalidationConfirmations.Pending pending) {
    StepVerifier.withVirtualTime(() -> pending.await(1, Duration.ofSeconds(1)))
        .expectSubscription()
        .expectNoEvent(Duration.ofMillis(999))
        .thenAwait(Duration.ofMillis(1))
        .expectNext(false)
        .verifyComplete();
  }

  @Test
  void anAbandonedNoticeIsForgotten() {
    InvalidationConfirmations.Pending pending = confirmations.expect("{users:abc}");
    assertThat(confirmations.waiting()).isOne();
    pending.abandon();
    assertThat(confirmations.waiting()).isZero();
  }

  @Test
  void replicaIdsCannotHoldTheSeparator() {
    assertThatThrownBy(() -> new InvalidationConfirmations("a b"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
