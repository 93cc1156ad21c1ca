package io.sluice.gateway.system;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Limits and trust decisions applied at the public edge, before routing.
 *
 * @param maxBodySize largest request body accepted, whether announced by {@code Content-Length} or
 *     streamed chunked; larger bodies get a 413 problem
 * @param maxHeaderSize largest total size of the request header fields (names, values and
 *     separators); larger ones get a 431 problem. Netty itself refuses at twice this size, without
 *     a problem body, to bound memory
 * @param trustedProxies peers (IP addresses or CIDR blocks such as {@code 10.0.0.0/8}) whose {@code
 *     Forwarded} and {@code X-Forwarded-*} headers are believed; from anyone else they are dropped
 */
@ConfigurationProperties("sluice.edge")
public record EdgeProperties(
    @DefaultValue("1MB") DataSize maxBodySize,
    @DefaultValue("8KB") DataSize maxHeaderSize,
    @DefaultValue List<String> trustedProxies) {

  public EdgeProperties {
    if (maxBodySize.toBytes() <= 0) {
      throw new IllegalArgumentException("sluice.edge.max-body-size must be positive");
    }
    if (maxHeaderSize.toBytes() < 1024 || maxHeaderSize.toBytes() > 64 * 1024) {
      throw new IllegalArgumentException(
          "sluice.edge.max-header-size must be between 1KB and 64KB, was " + maxHeaderSize);
    }
    trustedProxies = List.copyOf(trustedProxies);
  }
}
