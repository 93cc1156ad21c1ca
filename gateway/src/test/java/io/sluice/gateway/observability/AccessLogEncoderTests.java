package io.sluice.gateway.observability;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.read.ListAppender;
import io.sluice.common.requestid.RequestIds;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;
import org.springframework.boot.logging.logback.StructuredLogEncoder;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpStatus;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The access-log line must read exactly as Boot's ECS encoder would write it. */
class AccessLogEncoderTests {

  private static final String THREAD = "reactor-http-epoll-1";

  private static final JsonMapper json = JsonMapper.builder().build();

  private final LoggerContext context = new LoggerContext();
  private final StructuredLogEncoder boot = new StructuredLogEncoder();
  private final AccessLogEncoder encoder = new AccessLogEncoder();

  @BeforeEach
  void start() {
    context.setMDCAdapter(new LogbackMDCAdapter());
    MockEnvironment environment =
        new MockEnvironment()
            .withProperty("spring.application.name", "gateway")
            .withProperty("spring.application.version", "1.2.3")
            .withProperty("spring.application.pid", "4242");
    context.putObject(Environment.class.getName(), environment);
    for (StructuredLogEncoder each : List.of(boot, encoder)) {
      each.setContext(context);
      each.setFormat("ecs");
      each.start();
    }
  }

  @AfterEach
  void stop() {
    boot.stop();
    encoder.stop();
  }

  @Test
  void aFullAccessLineIsTheDocumentBootWrites() {
    LoggingEvent event =
        access(
            THREAD,
            "GET",
            "/api/users/42",
            200,
            5_500_022L,
            "37d7491a-7cbb-2f73-7066-f8bbf25b026c",
            "success",
            "10.0.0.7:8081",
            1,
            "6b0dc51bd95c581a41ad26451963ab7e",
            "41ad26451963ab7e");

    assertThat(encoder.writesItself(event)).isTrue();
    assertSameDocument(event);
  }

  @Test
  void anUntracedLineHasNoTraceOrSpanAndANullIsWrittenAsBootWritesIt() {
    // null trace and span ids: the helper leaves them out, as the filter does; null request id:
    // present with a null value
    LoggingEvent event =
        access(THREAD, "DELETE", "/api/keys/1", 404, 1L, null, "failure", "-", 0, null, null);

    assertThat(encoder.writesItself(event)).isTrue();
    String line = new String(encoder.encode(event), StandardCharsets.UTF_8);
    assertThat(line).doesNotContain("\"trace\"").doesNotContain("\"span\"").contains("\"id\":null");
    assertSameDocument(event);
  }

  @Test
  void quotesControlCharactersAndNonAsciiAreEscapedAsJsonRequires() {
    LoggingEvent event =
        access(
            "event \"loop\" 1",
            "GET",
            "/api/users/\"x\\y\"\n\t\u0001/ünïcödé/\u20ac/\uD83D\uDE00",
            200,
            7L,
            "id",
            "cancelled",
            "-",
            0,
            null,
            null);

    assertThat(encoder.writesItself(event)).isTrue();
    assertSameDocument(event);
  }

  @Test
  void aLineWithAnUnknownFieldIsLeftToBootsEncoder() {
    LoggingEvent event = access(THREAD, "GET", "/", 200, 1L, "id", "success", "-", 0, null, null);
    event.addKeyValuePair(new KeyValuePair("user.name", "someone"));

    assertThat(encoder.writesItself(event)).isFalse();
    assertThat(encoder.encode(event)).isEqualTo(boot.encode(event));
  }

  @Test
  void otherLoggersAreLeftToBootsEncoder() {
    LoggingEvent event = event("io.sluice.gateway.Something", "hello");

    assertThat(encoder.writesItself(event)).isFalse();
    assertThat(encoder.encode(event)).isEqualTo(boot.encode(event));
  }

  @Test
  void theFilterLogsExactlyTheFieldsTheEncoderWritesItself() {
    Logger logger = (Logger) LoggerFactory.getLogger(AccessLogWebFilter.LOGGER);
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    logger.addAppender(captured);
    try {
      MockServerWebExchange exchange =
          MockServerWebExchange.from(MockServerHttpRequest.get("/api/users/1"));
      exchange.getAttributes().put(RequestIds.ATTRIBUTE, "req-1");
      new AccessLogWebFilter()
          .filter(
              exchange,
              e -> {
                e.getResponse().setStatusCode(HttpStatus.CREATED);
                return Mono.empty();
              })
          .block();
    } finally {
      logger.detachAppender(captured);
    }

    assertThat(captured.list).hasSize(1);
    ILoggingEvent event = captured.list.get(0);
    assertThat(encoder.writesItself(event)).isTrue();
    JsonNode line = json.readTree(new String(encoder.encode(event), StandardCharsets.UTF_8));
    assertThat(line.at("/http/response/status_code").asInt()).isEqualTo(201);
    assertThat(line.at("/http/request/id").asString()).isEqualTo("req-1");
    assertThat(line.at("/url/path").asString()).isEqualTo("/api/users/1");
  }

  private void assertSameDocument(ILoggingEvent event) {
    String ours = new String(encoder.encode(event), StandardCharsets.UTF_8);
    String theirs = new String(boot.encode(event), StandardCharsets.UTF_8);
    assertThat(ours).endsWith("\n").doesNotContain("\n\n");
    assertThat(ours.strip()).doesNotContain("\n");
    assertThat(normalized(ours)).isEqualTo(normalized(theirs));
  }

  /** The same instant may be written with more or fewer fraction digits. */
  private static JsonNode normalized(String line) {
    ObjectNode node = (ObjectNode) json.readTree(line);
    node.put("@timestamp", Instant.parse(node.get("@timestamp").asString()).toString());
    return node;
  }

  private LoggingEvent access(
      String thread,
      String method,
      String path,
      int status,
      long duration,
      String requestId,
      String outcome,
      String upstream,
      int attempts,
      String traceId,
      String spanId) {
    LoggingEvent event = event(AccessLogWebFilter.LOGGER, "access", thread);
    Object[] values = {
      method, path, status, duration, requestId, outcome, upstream, attempts, traceId, spanId
    };
    for (int i = 0; i < values.length; i++) {
      String key = AccessLogWebFilter.FIELDS.get(i);
      if (values[i] != null || !key.endsWith(".id") || key.equals("http.request.id")) {
        event.addKeyValuePair(new KeyValuePair(key, values[i]));
      }
    }
    return event;
  }

  private LoggingEvent event(String loggerName, String message) {
    return event(loggerName, message, THREAD);
  }

  private LoggingEvent event(String loggerName, String message, String thread) {
    LoggingEvent event =
        new LoggingEvent(
            Logger.class.getName(), context.getLogger(loggerName), Level.INFO, message, null, null);
    event.setThreadName(thread);
    event.setInstant(Instant.parse("2026-11-30T18:48:59.338100000Z"));
    return event;
  }
}
