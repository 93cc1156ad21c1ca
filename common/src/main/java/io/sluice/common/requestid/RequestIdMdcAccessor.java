package io.sluice.common.requestid;

import io.micrometer.context.ThreadLocalAccessor;
import org.slf4j.MDC;

/**
 * Bridges the request id from the Reactor context to the SLF4J MDC, so log lines written while a
 * request is processed carry {@code requestId}. Register it once with {@code
 * ContextRegistry.getInstance().registerThreadLocalAccessor(new RequestIdMdcAccessor())} and turn
 * on automatic context propagation ({@code spring.reactor.context-propagation=auto}).
 */
public class RequestIdMdcAccessor implements ThreadLocalAccessor<String> {

  @Override
  public Object key() {
    return RequestIds.CONTEXT_KEY;
  }

  @Override
  public String getValue() {
    return MDC.get(RequestIds.CONTEXT_KEY);
  }

  @Override
  public void setValue(String value) {
    MDC.put(RequestIds.CONTEXT_KEY, value);
  }

  @Override
  public void setValue() {
    MDC.remove(RequestIds.CONTEXT_KEY);
  }
}
