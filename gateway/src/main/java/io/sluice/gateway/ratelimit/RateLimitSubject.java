package io.sluice.gateway.ratelimit;

/**
 * Who a request is counted against.
 *
 * @param client stable identifier (an API key id, or the client address when anonymous)
 * @param plan the plan whose limits apply
 */
public record RateLimitSubject(String client, String plan) {}
