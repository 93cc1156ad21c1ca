package io.sluice.testsupport;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects a {@link Database} and a {@link RedisEndpoint} of the test class's own into test
 * constructors, lifecycle methods and test methods. One database and one Redis database per test
 * class: every method of the class sees the same ones, no other class does.
 *
 * <p>Spring tests register the same resources through {@code @DynamicPropertySource} and {@link
 * TestPostgres#freshDatabase} / {@link TestRedis#freshEndpoint} instead, because the application
 * context has to know them before it starts.
 */
public class RealInfrastructureExtension implements ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(RealInfrastructureExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == Database.class || type == RedisEndpoint.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> testClass = context.getRequiredTestClass();
    ExtensionContext.Store store = classContext(context).getStore(NAMESPACE);
    if (parameter.getParameter().getType() == Database.class) {
      return store.getOrComputeIfAbsent(
          Database.class,
          key -> TestPostgres.freshDatabase(testClass.getSimpleName()),
          Database.class);
    }
    return store.getOrComputeIfAbsent(
        RedisEndpoint.class, key -> TestRedis.freshEndpoint(), RedisEndpoint.class);
  }

  private static ExtensionContext classContext(ExtensionContext context) {
    ExtensionContext current = context;
    while (current.getTestMethod().isPresent() && current.getParent().isPresent()) {
      current = current.getParent().get();
    }
    return current;
  }
}
