package io.sluice.localstack;

/** The launcher's {@code --help} text. */
final class Usage {

  static final String TEXT =
      """
      Sluice local stack: PostgreSQL, Redis, two user-service instances and the gateway.

      Usage: ./run-local.sh            (builds the jars, then runs this launcher)
             java -jar local-stack/target/local-stack.jar

      Stops everything on Ctrl-C (SIGINT), SIGTERM or SIGHUP. Logs go to .local-stack/logs/.

      Environment (all optional):
        DB_HOST DB_PORT DB_NAME DB_USER DB_PASSWORD   use this PostgreSQL instead of an embedded one
        REDIS_URL                                     use this Redis instead of an embedded one
        ADMIN_API_KEY                                 use this administrator key instead of a new one
        LOCAL_STACK_GATEWAY_PORT                      gateway public port (8080)
        LOCAL_STACK_GATEWAY_MANAGEMENT_PORT           gateway actuator port (9080)
        LOCAL_STACK_USER_SERVICE_PORTS                user-service public ports (8081,8082)
        LOCAL_STACK_USER_SERVICE_MANAGEMENT_PORTS     user-service actuator ports (9081,9082)
        LOCAL_STACK_POSTGRES_PORT                     embedded PostgreSQL port (5432; 0 = any free)
        LOCAL_STACK_REDIS_PORT                        embedded Redis port (6379; 0 = any free)
        LOCAL_STACK_GATEWAY_JAR                       (gateway/target/gateway.jar)
        LOCAL_STACK_USER_SERVICE_JAR                  (user-service/target/user-service.jar)
        LOCAL_STACK_LOG_DIR                           (.local-stack/logs)
        LOCAL_STACK_ROOT                              repository root (found from the working directory)
        LOCAL_STACK_JAVA_OPTS                         extra JVM options for every service
        LOCAL_STACK_STARTUP_TIMEOUT_SECONDS           per-service readiness timeout (300)
      """;

  private Usage() {}
}
