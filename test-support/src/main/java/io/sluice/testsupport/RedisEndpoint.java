package io.sluice.testsupport;

/** A Redis server, and the logical database a test class owns on it. */
public record RedisEndpoint(String host, int port, String password, int database) {

  /** The {@code redis://} URI in the form the gateway's {@code REDIS_URL} takes. */
  public String uri() {
    String auth = password == null || password.isEmpty() ? "" : ":" + password + "@";
    return "redis://" + auth + host + ":" + port + "/" + database;
  }
}
