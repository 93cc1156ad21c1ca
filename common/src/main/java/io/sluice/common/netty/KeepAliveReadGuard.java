package io.sluice.common.netty;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import reactor.netty.NettyPipeline;

/**
 * Keeps reading a keep-alive connection after each exchange, working around a Reactor Netty 1.3.6
 * defect (reactor/reactor-netty#4361, fixed after 1.3.7, the newest release these builds can use).
 * A request that arrives before the previous exchange has finished is queued; when the queued
 * request is then answered at once (an unknown route, a near-cache hit), the server drains the
 * queue without asking the socket for more, and the connection is never read again: the client's
 * next request waits until it gives up. Clients that pipeline, or that send their next request
 * quickly enough, meet it.
 *
 * <p>After Reactor Netty's HTTP handler has seen an exchange end (and scheduled draining its
 * queue), this handler schedules one more read behind that work. A read that finds nothing to read
 * costs a flag on the event loop; one that finds the next request hands it to Reactor Netty's
 * handler, which queues it if an exchange is under way, as it would anyway. When that next request
 * was already dispatched from the queue, the read may take in part of its body before the handler
 * asks for it (one read: at most Netty's per-read budget, and the services' body limits still
 * apply). Remove this handler once Reactor Netty is upgraded past the fix.
 *
 * <p>Both services install it from a {@code NettyServerCustomizer}.
 */
@ChannelHandler.Sharable
public final class KeepAliveReadGuard extends ChannelInboundHandlerAdapter {

  static final String NAME = "sluice.keepAliveReadGuard";

  /** The event Reactor Netty fires down the pipeline when an HTTP/1.1 exchange has terminated. */
  static final String TERMINATED_EVENT =
      "reactor.netty.http.server.HttpServerOperationsTerminatedEvent";

  static final KeepAliveReadGuard INSTANCE = new KeepAliveReadGuard();

  private KeepAliveReadGuard() {}

  /** Installs the guard behind Reactor Netty's HTTP/1.1 handler, where there is one. */
  public static void install(ChannelPipeline pipeline) {
    if (pipeline.get(NettyPipeline.HttpTrafficHandler) != null && pipeline.get(NAME) == null) {
      pipeline.addAfter(NettyPipeline.HttpTrafficHandler, NAME, INSTANCE);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (event.getClass().getName().equals(TERMINATED_EVENT)) {
      ctx.executor()
          .execute(
              () -> {
                if (ctx.channel().isActive()) {
                  ctx.read();
                }
              });
    }
    super.userEventTriggered(ctx, event);
  }
}
