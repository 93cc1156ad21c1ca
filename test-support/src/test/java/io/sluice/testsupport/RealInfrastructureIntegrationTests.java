package io.sluice.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

@RealInfrastructure
class RealInfrastructureIntegrationTests {

  @Test
  void eachTestClassGetsAnEmptyDatabaseOfItsOwnOnARealPostgres(Database database) throws Exception {
    Database other = TestPostgres.freshDatabase("other");
    assertThat(other.name()).isNotEqualTo(database.name());
    try (Connection connection =
            DriverManager.getConnection(
                database.jdbcUrl(), database.username(), database.password());
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE probe (id int primary key)");
      statement.execute("INSERT INTO probe VALUES (1)");
      try (ResultSet rows =
          statement.executeQuery("SELECT current_setting('server_version_num')::int / 10000")) {
        rows.next();
        assertThat(rows.getInt(1)).isGreaterThanOrEqualTo(16);
      }
    }
    try (Connection connection =
            DriverManager.getConnection(other.jdbcUrl(), other.username(), other.password());
        ResultSet tables =
            connection.getMetaData().getTables(null, "public", "probe", new String[] {"TABLE"})) {
      assertThat(tables.next()).isFalse();
    }
  }

  @Test
  void redisEndpointsAreRealAndSeparatedByLogicalDatabase(RedisEndpoint redis) {
    RedisEndpoint other = TestRedis.freshEndpoint();
    RedisCommands.run(redis, "SET", "probe", "mine");
    assertThat(RedisCommands.run(redis, "GET", "probe")).isEqualTo("mine");
    assertThat(RedisCommands.run(other, "GET", "probe")).isNull();
    assertThat(redis.uri()).startsWith("redis://");
  }

  @Test
  void aDedicatedRedisCanBeStoppedAndStartedAgainOnTheSamePort() {
    try (TestRedis.DedicatedRedis redis = TestRedis.startDedicated()) {
      assertThat(RedisCommands.run(redis.endpoint(), "PING")).isEqualTo("PONG");
      redis.stop();
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> RedisCommands.run(redis.endpoint(), "PING"))
          .isInstanceOf(java.io.UncheckedIOException.class);
      redis.start();
      assertThat(RedisCommands.run(redis.endpoint(), "PING")).isEqualTo("PONG");
    }
  }

  @Test
  void testUrlsAreParsedWithOrWithoutTheJdbcPrefix() {
    assertThat(TestPostgres.parse("jdbc:postgresql://db:5433/x?user=u&password=p"))
        .isEqualTo(new DatabaseServer("db", 5433, "u", "p"));
    assertThat(TestPostgres.parse("postgresql://u:p@db/x"))
        .isEqualTo(new DatabaseServer("db", 5432, "u", "p"));
    assertThat(TestRedis.parse("redis://:secret@cache:6380"))
        .isEqualTo(new RedisEndpoint("cache", 6380, "secret", 0));
  }
}
