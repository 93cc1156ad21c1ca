package io.sluice.testsupport;

/** Where a PostgreSQL server listens and how to log in as a user that may create databases. */
public record DatabaseServer(String host, int port, String username, String password) {

  /** JDBC URL of {@code database} on this server. */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database;
  }
}
