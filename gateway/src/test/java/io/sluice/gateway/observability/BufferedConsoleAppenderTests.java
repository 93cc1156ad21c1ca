package io.sluice.gateway.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.encoder.EncoderBase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BufferedConsoleAppenderTests {

  private final LoggerContext context = new LoggerContext();

  private final List<BufferedConsoleAppender> started = new ArrayList<>();

  @AfterEach
  void stopAll() {
    started.forEach(BufferedConsoleAppender::stop);
  }

  /** Writes each event's message and a newline. */
  static final class LineEncoder extends EncoderBase<ILoggingEvent> {
    @Override
    public byte[] headerBytes() {
      return null;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
      return (event.getFormattedMessage() + "\n").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] footerBytes() {
      return null;
    }
  }

  private BufferedConsoleAppender appender(OutputStream out, int maxPending, long intervalMillis) {
    BufferedConsoleAppender appender = new BufferedConsoleAppender();
    appender.setContext(context);
    appender.setName("test");
    appender.setEncoder(new LineEncoder());
    appender.setOutputStream(out);
    appender.setMaxPendingBytes(maxPending);
    appender.setFlushThresholdBytes(Math.min(maxPending, 64 * 1024));
    appender.setFlushIntervalMillis(intervalMillis);
    appender.start();
    started.add(appender);
    return appender;
  }

  private static ILoggingEvent event(String message) {
    LoggingEvent event = new LoggingEvent();
    event.setLevel(Level.INFO);
    event.setLoggerName("test");
    event.setMessage(message);
    event.setTimeStamp(System.currentTimeMillis());
    return event;
  }

  private static List<String> lines(ByteArrayOutputStream out) {
    synchronized (out) {
      String text = out.toString(StandardCharsets.UTF_8);
      return text.isEmpty() ? List.of() : Arrays.asList(text.split("\n"));
    }
  }

  @Test
  void linesFromManyThreadsArriveWholeAndAllAreWrittenOnStop() throws InterruptedException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BufferedConsoleAppender appender = appender(out, 4 * 1024 * 1024, 20);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int thread = t;
      Thread logger =
          new Thread(
              () -> {
                for (int i = 0; i < 2_000; i++) {
                  appender.doAppend(
                      event("thread-" + thread + " line-" + i + " " + "x".repeat(i % 50)));
                }
              });
      logger.start();
      threads.add(logger);
    }
    for (Thread thread : threads) {
      thread.join();
    }
    appender.stop();
    List<String> lines = lines(out);
    assertThat(lines).hasSize(8_000);
    for (int t = 0; t < 4; t++) {
      String prefix = "thread-" + t + " ";
      List<String> own = lines.stream().filter(l -> l.startsWith(prefix)).toList();
      assertThat(own).hasSize(2_000);
      for (int i = 0; i < own.size(); i++) {
        // Whole lines, in the order each thread logged them.
        assertThat(own.get(i)).isEqualTo(prefix + "line-" + i + " " + "x".repeat(i % 50));
      }
    }
    assertThat(appender.dropped()).isZero();
  }

  @Test
  void aLineIsWrittenWithinTheFlushIntervalWithoutAnythingElseHappening() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BufferedConsoleAppender appender = appender(out, 1024 * 1024, 50);
    appender.doAppend(event("hello"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (lines(out).isEmpty() && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(lines(out)).containsExactly("hello");
  }

  @Test
  void aStalledOutputNeverBlocksTheLoggerAndDroppedLinesAreReported() throws IOException {
    CountDownLatch release = new CountDownLatch(1);
    ByteArrayOutputStream written = new ByteArrayOutputStream();
    OutputStream stalled =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
          }

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            synchronized (written) {
              written.write(b, off, len);
            }
          }
        };
    BufferedConsoleAppender appender = appender(stalled, 4 * 1024, 10);
    assertTimeoutPreemptively(
        Duration.ofSeconds(5),
        () -> {
          for (int i = 0; i < 2_000; i++) {
            appender.doAppend(event("line-" + i + " " + "y".repeat(40)));
          }
        });
    assertThat(appender.dropped()).isPositive();
    release.countDown();
    appender.stop();
    List<String> lines = lines(written);
    assertThat(lines)
        .anyMatch(l -> l.contains("log lines dropped: standard output could not keep up"));
    assertThat(lines).contains("line-0 " + "y".repeat(40));
    assertThat(lines.size()).isLessThan(2_000);
  }

  @Test
  void theDroppedLinesReportIsAnEcsWarning() {
    String line = BufferedConsoleAppender.droppedLine(7);
    assertThat(line).endsWith("}\n");
    assertThat(line)
        .contains("\"level\":\"WARN\"")
        .contains("\"logger\":\"" + BufferedConsoleAppender.class.getName() + "\"")
        .contains("\"message\":\"7 log lines dropped");
  }
}
