package io.sluice.gateway.support;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

class NettyLeakDetectionTests {

  @Test
  void aBufferNeverReleasedFailsTheCheck() {
    NettyLeakDetection detection = new NettyLeakDetection();
    detection.beforeAll(null);
    leak();
    assertThatThrownBy(() -> detection.afterAll(null))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Netty buffer leaks reported");
  }

  @Test
  void releasedBuffersPassTheCheck() throws Exception {
    NettyLeakDetection detection = new NettyLeakDetection();
    detection.beforeAll(null);
    PooledByteBufAllocator.DEFAULT.buffer(128).writeInt(1).release();
    detection.afterAll(null);
  }

  private static void leak() {
    ByteBuf leaked = PooledByteBufAllocator.DEFAULT.buffer(128);
    leaked.writeInt(42);
  }
}
