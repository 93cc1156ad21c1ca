package io.sluice.gateway.observability;

import ch.qos.logback.classic.spi.ILoggingEvent;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.slf4j.event.KeyValuePair;
import org.springframework.boot.logging.logback.StructuredLogEncoder;
import org.springframework.boot.logging.structured.ElasticCommonSchemaProperties;
import org.springframework.core.env.Environment;

/**
 * Boot's structured (ECS) console encoder, with the access-log line written directly as bytes.
 *
 * <p>The access log is the one line per request, and Boot's JSON writer allocated about 40% of the
 * gateway's per-request garbage encoding it (a char buffer per string), which in the image's small
 * heap meant a young collection every ~45 ms and a full collection every second. This encoder
 * writes the same ECS document for {@link AccessLogWebFilter}'s fields into one reused buffer and
 * allocates only the returned line. Every other event, and an access-log event it does not
 * recognise (an extra field, MDC entries, a throwable, markers, a charset other than UTF-8), goes
 * to Boot's encoder unchanged.
 */
public class AccessLogEncoder extends StructuredLogEncoder {

  /**
   * A field the event does not have; a field whose value is null is written as null, as Boot does.
   */
  private static final Object ABSENT = new Object();

  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");

  private Charset charset = StandardCharsets.UTF_8;
  private boolean ecs;
  private String format;
  private byte[] prefix;
  private byte[] serviceSuffix;
  private byte[] buffer = new byte[1024];
  private int length;
  private long second = Long.MIN_VALUE;
  private byte[] secondText;

  @Override
  public void setFormat(String format) {
    this.format = format;
    super.setFormat(format);
  }

  @Override
  public void setCharset(Charset charset) {
    this.charset = charset == null ? StandardCharsets.UTF_8 : charset;
    super.setCharset(charset);
  }

  @Override
  public void start() {
    super.start();
    ecs = "ecs".equals(format) && StandardCharsets.UTF_8.equals(charset);
    Environment environment = (Environment) getContext().getObject(Environment.class.getName());
    if (ecs && environment != null) {
      prefix = processAndService(environment);
    } else {
      ecs = false;
    }
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    if (!ecs || !AccessLogWebFilter.LOGGER.equals(event.getLoggerName())) {
      return super.encode(event);
    }
    Object[] fields = fields(event);
    if (fields == null) {
      return super.encode(event);
    }
    synchronized (this) {
      return line(event, fields);
    }
  }

  /** Whether {@code event} is written by this encoder rather than by Boot's. */
  boolean writesItself(ILoggingEvent event) {
    return ecs && AccessLogWebFilter.LOGGER.equals(event.getLoggerName()) && fields(event) != null;
  }

  /**
   * The access-log fields in {@link AccessLogWebFilter#FIELDS} order, or null if not just those.
   */
  private static Object[] fields(ILoggingEvent event) {
    Map<String, String> mdc = event.getMDCPropertyMap();
    List<org.slf4j.Marker> markers = event.getMarkerList();
    List<KeyValuePair> pairs = event.getKeyValuePairs();
    if (event.getThrowableProxy() != null
        || (mdc != null && !mdc.isEmpty())
        || (markers != null && !markers.isEmpty())
        || pairs == null
        || !"access".equals(event.getFormattedMessage())) {
      return null;
    }
    Object[] fields = new Object[AccessLogWebFilter.FIELDS.size()];
    Arrays.fill(fields, ABSENT);
    for (KeyValuePair pair : pairs) {
      int index = AccessLogWebFilter.FIELDS.indexOf(pair.key);
      if (index < 0 || fields[index] != ABSENT || !writable(pair.value)) {
        return null;
      }
      fields[index] = pair.value;
    }
    return fields;
  }

  private static boolean writable(Object value) {
    return value == null
        || value instanceof String
        || value instanceof Integer
        || value instanceof Long;
  }

  // The nesting Boot's ECS formatter gives these dotted keys: http.request.{method,id},
  // http.response.status_code, url.path, event.{duration,outcome}, sluice.{upstream,attempts},
  // trace.id, span.id. An absent field is left out, a null one written as null, as Boot does.
  private byte[] line(ILoggingEvent event, Object[] f) {
    length = 0;
    ascii("{\"@timestamp\":\"");
    timestamp(event.getTimeStamp() / 1000, event.getNanoseconds());
    ascii("\",\"log\":{\"level\":\"");
    ascii(event.getLevel().toString());
    ascii("\",\"logger\":\"" + AccessLogWebFilter.LOGGER + "\"},\"process\":{");
    bytes(prefix);
    string(event.getThreadName());
    ascii("}}");
    bytes(serviceSuffix);
    ascii(",\"message\":\"access\"");
    // Field indexes follow AccessLogWebFilter.FIELDS.
    if (f[0] != ABSENT || f[4] != ABSENT || f[2] != ABSENT) {
      ascii(",\"http\":{");
      boolean open = false;
      if (f[0] != ABSENT || f[4] != ABSENT) {
        ascii("\"request\":{");
        boolean first = member("method", f[0], true);
        member("id", f[4], first);
        ascii("}");
        open = true;
      }
      if (f[2] != ABSENT) {
        ascii(open ? ",\"response\":{" : "\"response\":{");
        member("status_code", f[2], true);
        ascii("}");
      }
      ascii("}");
    }
    object("url", "path", f[1], null, ABSENT);
    object("event", "duration", f[3], "outcome", f[5]);
    object("sluice", "upstream", f[6], "attempts", f[7]);
    object("trace", "id", f[8], null, ABSENT);
    object("span", "id", f[9], null, ABSENT);
    ascii(",\"ecs\":{\"version\":\"8.11\"}}\n");
    return Arrays.copyOf(buffer, length);
  }

  private void object(String name, String key1, Object value1, String key2, Object value2) {
    if (value1 == ABSENT && value2 == ABSENT) {
      return;
    }
    ascii(",\"");
    ascii(name);
    ascii("\":{");
    boolean first = member(key1, value1, true);
    if (key2 != null) {
      member(key2, value2, first);
    }
    ascii("}");
  }

  /** Writes {@code "key":value} unless the value is absent; returns whether the next is first. */
  private boolean member(String key, Object value, boolean first) {
    if (value == ABSENT) {
      return first;
    }
    if (!first) {
      ascii(",");
    }
    ascii("\"");
    ascii(key);
    ascii("\":");
    if (value == null) {
      ascii("null");
    } else if (value instanceof String text) {
      string(text);
    } else {
      ascii(value.toString());
    }
    return false;
  }

  private void timestamp(long epochSecond, int nanos) {
    if (epochSecond != second) {
      secondText =
          SECONDS
              .format(LocalDateTime.ofEpochSecond(epochSecond, 0, ZoneOffset.UTC))
              .getBytes(StandardCharsets.US_ASCII);
      second = epochSecond;
    }
    bytes(secondText);
    ensure(11);
    buffer[length++] = '.';
    for (int divisor = 100_000_000; divisor > 0; divisor /= 10) {
      buffer[length++] = (byte) ('0' + (nanos / divisor) % 10);
    }
    buffer[length++] = 'Z';
  }

  /** A JSON string (RFC 8259): quotes, backslashes and control characters escaped, UTF-8. */
  private void string(String text) {
    ensure(text.length() * 6 + 2);
    buffer[length++] = '"';
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\') {
        buffer[length++] = '\\';
        buffer[length++] = (byte) c;
      } else if (c < 0x20) {
        escapeControl(c);
      } else if (c < 0x80) {
        buffer[length++] = (byte) c;
      } else if (c < 0x800) {
        buffer[length++] = (byte) (0xC0 | (c >> 6));
        buffer[length++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, text.charAt(++i));
        buffer[length++] = (byte) (0xF0 | (cp >> 18));
        buffer[length++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
        buffer[length++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
        buffer[length++] = (byte) (0x80 | (cp & 0x3F));
      } else if (Character.isSurrogate(c)) {
        buffer[length++] = '?'; // a lone surrogate has no UTF-8 form
      } else {
        buffer[length++] = (byte) (0xE0 | (c >> 12));
        buffer[length++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        buffer[length++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    buffer[length++] = '"';
  }

  private void escapeControl(char c) {
    buffer[length++] = '\\';
    switch (c) {
      case '\n' -> buffer[length++] = 'n';
      case '\r' -> buffer[length++] = 'r';
      case '\t' -> buffer[length++] = 't';
      case '\b' -> buffer[length++] = 'b';
      case '\f' -> buffer[length++] = 'f';
      default -> {
        buffer[length++] = 'u';
        buffer[length++] = '0';
        buffer[length++] = '0';
        buffer[length++] = (byte) Character.forDigit(c >> 4, 16);
        buffer[length++] = (byte) Character.forDigit(c & 0xF, 16);
      }
    }
  }

  /** Text known to be ASCII without characters JSON escapes: the encoder's own constants. */
  private void ascii(String text) {
    ensure(text.length());
    for (int i = 0; i < text.length(); i++) {
      buffer[length++] = (byte) text.charAt(i);
    }
  }

  private void bytes(byte[] bytes) {
    ensure(bytes.length);
    System.arraycopy(bytes, 0, buffer, length, bytes.length);
    length += bytes.length;
  }

  private void ensure(int more) {
    if (length + more > buffer.length) {
      buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + more));
    }
  }

  /**
   * The constant parts around the thread name: {@code "pid":N,"thread":{"name":} before it and the
   * {@code "service"} object after it, as Boot's ECS formatter writes them from the environment.
   */
  private byte[] processAndService(Environment environment) {
    length = 0;
    Long pid = environment.getProperty("spring.application.pid", Long.class);
    if (pid != null) {
      ascii("\"pid\":" + pid + ",");
    }
    ascii("\"thread\":{\"name\":");
    byte[] before = Arrays.copyOf(buffer, length);
    length = 0;
    ElasticCommonSchemaProperties.Service service =
        ElasticCommonSchemaProperties.get(environment).service();
    ascii(",\"service\":{");
    boolean first = member("name", hasLength(service.name()), true);
    first = member("version", hasLength(service.version()), first);
    first = member("environment", hasLength(service.environment()), first);
    if (!first) {
      ascii(",");
    }
    ascii("\"node\":{");
    member("name", hasLength(service.nodeName()), true);
    ascii("}}");
    serviceSuffix = Arrays.copyOf(buffer, length);
    length = 0;
    return before;
  }

  private static Object hasLength(String value) {
    return value == null || value.isEmpty() ? ABSENT : value;
  }
}
