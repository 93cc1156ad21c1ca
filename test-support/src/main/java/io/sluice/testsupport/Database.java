package io.sluice.testsupport;

/** One database on a test PostgreSQL server, created for one test class (or one local stack). */
public record Database(String host, int port, String name, String username, String password) {

  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + name;
  }

  public String r2dbcUrl() {
    return "r2dbc:postgresql://" + host + ":" + port + "/" + name;
  }
}
