package io.sluice.gateway.support;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Runs a test class with Netty's leak detection at {@code PARANOID} (every buffer tracked) and
 * fails it when Netty reports a {@code LEAK:}. Netty reports a leak when a later allocation finds a
 * collected but unreleased buffer, so the check ends with garbage collections and allocations.
 */
public class NettyLeakDetection implements BeforeAllCallback, AfterAllCallback {

  private static final String DETECTOR_LOGGER = ResourceLeakDetector.class.getName();

  private final List<String> leaks = new CopyOnWriteArrayList<>();
  private final AppenderBase<ILoggingEvent> appender =
      new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
          if (event.getFormattedMessage().contains("LEAK:")) {
            leaks.add(event.getFormattedMessage());
          }
        }
      };
  private ResourceLeakDetector.Level previous;

  @Override
  public void beforeAll(ExtensionContext context) {
    previous = ResourceLeakDetector.getLevel();
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    appender.start();
    ((Logger) LoggerFactory.getLogger(DETECTOR_LOGGER)).addAppender(appender);
  }

  @Override
  public void afterAll(ExtensionContext context) throws InterruptedException {
    try {
      for (int round = 0; round < 5; round++) {
        System.gc();
        Thread.sleep(100);
        for (int i = 0; i < 200; i++) {
          ByteBuf probe = PooledByteBufAllocator.DEFAULT.buffer(64);
          probe.release();
        }
      }
      assertThat(leaks).as("Netty buffer leaks reported").isEmpty();
    } finally {
      ((Logger) LoggerFactory.getLogger(DETECTOR_LOGGER)).detachAppender(appender);
      ResourceLeakDetector.setLevel(previous);
    }
  }
}
