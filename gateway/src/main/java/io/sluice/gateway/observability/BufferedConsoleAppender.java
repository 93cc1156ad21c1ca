package io.sluice.gateway.observability;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The gateway's console appender: log lines are encoded on the thread that logs (an event loop, for
 * the access log) into an in-memory buffer, and one background thread writes that buffer to
 * standard output every {@code flushIntervalMillis}, or as soon as {@code flushThresholdBytes} are
 * pending. One write per batch of lines instead of one per line, and no hand-off to a logging
 * thread per line (a queue operation and often a thread wake-up each, with Logback's
 * AsyncAppender).
 *
 * <p>It never blocks the thread that logs on output: while standard output is slow or stalled,
 * lines accumulate up to {@code maxPendingBytes} and beyond that are dropped and counted (like
 * AsyncAppender's {@code neverBlock}); a line reporting how many were dropped follows once output
 * resumes. Lines reach standard output at most {@code flushIntervalMillis} after they were logged,
 * and all pending lines are written when Logback stops (Spring Boot stops it at shutdown).
 */
public class BufferedConsoleAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

  /**
   * Guards the pending buffer; held for an encode and a copy (a monitor: it never parks an event
   * loop in Java).
   */
  private final Object lock = new Object();

  private final AtomicLong dropped = new AtomicLong();

  private Encoder<ILoggingEvent> encoder;

  /** Standard output as {@link System#out} is when the appender starts, as Logback's own. */
  private OutputStream out;

  private int maxPendingBytes = 4 * 1024 * 1024;

  private int flushThresholdBytes = 64 * 1024;

  private long flushIntervalMillis = 100;

  /** Lines encoded and not yet handed to the writer; guarded by {@code lock}. */
  private byte[] pending = new byte[16 * 1024];

  private int pendingLength;

  /** The buffer being written; swapped with {@link #pending} under the lock. */
  private byte[] writing = new byte[16 * 1024];

  private volatile Thread writer;

  private volatile boolean stopping;

  public void setEncoder(Encoder<ILoggingEvent> encoder) {
    this.encoder = encoder;
  }

  public Encoder<ILoggingEvent> getEncoder() {
    return encoder;
  }

  public void setMaxPendingBytes(int maxPendingBytes) {
    this.maxPendingBytes = maxPendingBytes;
  }

  public void setFlushThresholdBytes(int flushThresholdBytes) {
    this.flushThresholdBytes = flushThresholdBytes;
  }

  public void setFlushIntervalMillis(long flushIntervalMillis) {
    this.flushIntervalMillis = flushIntervalMillis;
  }

  /** Where lines go instead of standard output (tests). */
  void setOutputStream(OutputStream out) {
    this.out = out;
  }

  /** Lines dropped so far because output could not keep up. */
  long dropped() {
    return dropped.get();
  }

  @Override
  public void start() {
    if (encoder == null) {
      addError("No encoder set for the appender named [" + name + "].");
      return;
    }
    if (maxPendingBytes < 1 || flushThresholdBytes < 1 || flushIntervalMillis < 1) {
      addError("maxPendingBytes, flushThresholdBytes and flushIntervalMillis must be positive");
      return;
    }
    if (out == null) {
      out = System.out;
    }
    stopping = false;
    Thread thread = new Thread(this::writeLoop, "console-log-writer");
    thread.setDaemon(true);
    writer = thread;
    super.start();
    thread.start();
  }

  @Override
  public void stop() {
    if (!isStarted()) {
      return;
    }
    super.stop();
    stopping = true;
    Thread thread = writer;
    if (thread != null) {
      LockSupport.unpark(thread);
      try {
        thread.join(TimeUnit.SECONDS.toMillis(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    writeOnce();
  }

  @Override
  protected void append(ILoggingEvent event) {
    boolean wake;
    synchronized (lock) {
      // Encoders may reuse a buffer of their own (AccessLogEncoder does): encode under the lock.
      byte[] line = encoder.encode(event);
      if (pendingLength + line.length > maxPendingBytes) {
        dropped.incrementAndGet();
        return;
      }
      if (pendingLength + line.length > pending.length) {
        byte[] grown =
            new byte
                [Math.min(
                    maxPendingBytes, Math.max(pending.length * 2, pendingLength + line.length))];
        System.arraycopy(pending, 0, grown, 0, pendingLength);
        pending = grown;
      }
      System.arraycopy(line, 0, pending, pendingLength, line.length);
      int before = pendingLength;
      pendingLength += line.length;
      wake = before < flushThresholdBytes && pendingLength >= flushThresholdBytes;
    }
    if (wake) {
      LockSupport.unpark(writer);
    }
  }

  /** An ECS line of this appender's own saying how many lines it dropped. */
  static String droppedLine(long lost) {
    return "{\"@timestamp\":\""
        + Instant.now()
        + "\",\"log\":{\"level\":\"WARN\",\"logger\":\""
        + BufferedConsoleAppender.class.getName()
        + "\"},\"message\":\""
        + lost
        + " log lines dropped: standard output could not keep up\",\"ecs\":{\"version\":\"8.11\"}}\n";
  }

  private void writeLoop() {
    long interval = TimeUnit.MILLISECONDS.toNanos(flushIntervalMillis);
    while (!stopping) {
      LockSupport.parkNanos(this, interval);
      writeOnce();
    }
  }

  /** Writes what is pending, outside the lock so that loggers never wait for the output. */
  private synchronized void writeOnce() {
    byte[] batch;
    int length;
    synchronized (lock) {
      if (pendingLength == 0) {
        return;
      }
      batch = pending;
      length = pendingLength;
      pending = writing;
      pendingLength = 0;
      writing = batch;
    }
    try {
      out.write(batch, 0, length);
      long lost = dropped.getAndSet(0);
      if (lost > 0) {
        out.write(droppedLine(lost).getBytes(StandardCharsets.UTF_8));
      }
      out.flush();
    } catch (IOException e) {
      addError("Writing log lines failed", e);
    }
  }
}
