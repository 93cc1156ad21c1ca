package io.sluice.gateway.cache;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary form of cache values in Redis: a one-byte kind ({@code E} entry, {@code M}
 * partitioning marker), a format version, then length-prefixed fields. Anything unreadable (another
 * version, a truncated value) decodes to {@code null} and counts as a miss.
 */
final class CacheEntryCodec {

  private static final byte ENTRY = 'E';
  private static final byte MARKER = 'M';
  private static final byte VERSION = 1;
  private static final int MAX_HEADERS = 256;

  private CacheEntryCodec() {}

  static byte[] encode(CachedResponse response) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(response.body().length + 512);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(ENTRY);
      out.writeByte(VERSION);
      out.writeShort(response.status());
      out.writeLong(response.storedAt());
      out.writeLong(response.freshUntil());
      out.writeLong(response.revalidateUntil());
      out.writeLong(response.staleUntil());
      out.writeShort(response.headers().size());
      for (CachedResponse.Header header : response.headers()) {
        writeString(out, header.name());
        writeString(out, header.value());
      }
      out.writeInt(response.body().length);
      out.write(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static byte[] encode(Partitioning partitioning) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(MARKER);
      out.writeByte(VERSION);
      out.writeBoolean(partitioning.byScope());
      out.writeBoolean(partitioning.byCaller());
      out.writeShort(partitioning.varyHeaders().size());
      for (String header : partitioning.varyHeaders()) {
        writeString(out, header);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** A {@link CachedResponse}, a {@link Partitioning}, or {@code null} when unreadable or empty. */
  static Object decode(byte[] value) {
    if (value == null || value.length < 2 || value[1] != VERSION) {
      return null;
    }
    try (DataInputStream in =
        new DataInputStream(new ByteArrayInputStream(value, 2, value.length))) {
      return switch (value[0]) {
        case ENTRY -> decodeEntry(in);
        case MARKER -> decodeMarker(in);
        default -> null;
      };
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static CachedResponse decodeEntry(DataInputStream in) throws IOException {
    int status = in.readUnsignedShort();
    long storedAt = in.readLong();
    long freshUntil = in.readLong();
    long revalidateUntil = in.readLong();
    long staleUntil = in.readLong();
    int count = in.readUnsignedShort();
    if (count > MAX_HEADERS) {
      return null;
    }
    List<CachedResponse.Header> headers = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      headers.add(new CachedResponse.Header(readString(in), readString(in)));
    }
    int length = in.readInt();
    if (length < 0 || length > in.available()) {
      return null;
    }
    byte[] body = in.readNBytes(length);
    return new CachedResponse(
        status, headers, body, storedAt, freshUntil, revalidateUntil, staleUntil);
  }

  private static Partitioning decodeMarker(DataInputStream in) throws IOException {
    boolean byScope = in.readBoolean();
    boolean byCaller = in.readBoolean();
    int count = in.readUnsignedShort();
    if (count > MAX_HEADERS) {
      return null;
    }
    List<String> headers = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      headers.add(readString(in));
    }
    return new Partitioning(byScope, byCaller, headers);
  }

  private static void writeString(DataOutputStream out, String value) throws IOException {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  private static String readString(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 0 || length > in.available()) {
      throw new IOException("truncated");
    }
    return new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }
}
