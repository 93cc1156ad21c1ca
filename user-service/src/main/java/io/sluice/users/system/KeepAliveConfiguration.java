package io.sluice.users.system;

import io.sluice.common.netty.KeepAliveReadGuard;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Keeps the gateway's pooled connections readable after a queued request was answered at once (see
 * {@link KeepAliveReadGuard}): without it, that connection's next request waited for the gateway's
 * route timeout and came back 504.
 */
@Configuration(proxyBeanMethods = false)
class KeepAliveConfiguration {

  @Bean
  NettyServerCustomizer keepAliveReadGuard() {
    return server ->
        server.doOnChannelInit(
            (observer, channel, remoteAddress) -> KeepAliveReadGuard.install(channel.pipeline()));
  }
}
