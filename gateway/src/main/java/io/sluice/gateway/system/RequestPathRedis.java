package io.sluice.gateway.system;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.reactive.RedisReactiveCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A Lettuce connection for Redis work on the request path (keys as strings, values as bytes),
 * reached without ever blocking an event loop. Spring Data Redis's shared connection is taken under
 * a lock on every command and, while Redis is down, connects synchronously inside it; here the
 * connection is opened asynchronously on first use, reopened the same way after a failed attempt,
 * and kept alive by Lettuce's own reconnect. While it is disconnected, commands are refused at once
 * instead of queued.
 */
public class RequestPathRedis implements AutoCloseable {

  private static final RedisCodec<String, byte[]> CODEC =
      RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

  private final RedisClient client;
  private final RedisURI uri;
  private final AtomicReference<Mono<StatefulRedisConnection<String, byte[]>>> connection =
      new AtomicReference<>();

  public RequestPathRedis(RedisProperties properties, ClientResources resources) {
    this.uri = RedisURI.create(properties.url());
    this.uri.setTimeout(properties.commandTimeout());
    this.client = RedisClient.create(resources);
    this.client.setOptions(
        ClientOptions.builder()
            .autoReconnect(true)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .timeoutOptions(TimeoutOptions.enabled(properties.commandTimeout()))
            .build());
  }

  /** The commands of the connection, connecting first if need be. */
  public Mono<RedisReactiveCommands<String, byte[]>> commands() {
    return Mono.defer(
        () -> {
          Mono<StatefulRedisConnection<String, byte[]>> current = connection.get();
          if (current == null) {
            Mono<StatefulRedisConnection<String, byte[]>> attempt =
                Mono.fromCompletionStage(() -> client.connectAsync(CODEC, uri))
                    .doOnError(error -> connection.set(null))
                    .cache();
            current = connection.compareAndSet(null, attempt) ? attempt : connection.get();
            if (current == null) {
              current = attempt;
            }
          }
          return current.map(StatefulRedisConnection::reactive);
        });
  }

  /**
   * Runs {@code script} by digest, sending it whole once when Redis does not know it (after a
   * restart, or before {@link #load}).
   */
  public <T> Flux<T> run(LuaScript script, ScriptOutputType type, String[] keys, byte[]... args) {
    return commands()
        .flatMapMany(
            c ->
                c.<T>evalsha(script.sha(), type, keys, args)
                    .onErrorResume(
                        RedisNoScriptException.class,
                        error -> c.<T>eval(script.source(), type, keys, args)));
  }

  /** Connects and loads {@code scripts}, ahead of traffic and outside any request's budget. */
  public Mono<Void> load(LuaScript... scripts) {
    return commands()
        .flatMapMany(c -> Flux.fromArray(scripts).flatMap(script -> c.scriptLoad(script.source())))
        .then();
  }

  @Override
  public void close() {
    Mono<StatefulRedisConnection<String, byte[]>> current = connection.getAndSet(null);
    if (current != null) {
      current.subscribe(StatefulRedisConnection::closeAsync, error -> {});
    }
    client.shutdownAsync();
  }
}
