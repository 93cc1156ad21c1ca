package io.sluice.users.apikey;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * API key settings.
 *
 * @param plans the plans a key may be created with ({@code SLUICE_API_KEYS_PLANS}, comma-separated;
 *     default {@code free,standard,partner}). The gateway rate-limits by plan, so it must know
 *     every plan listed here.
 */
@ConfigurationProperties("sluice.api-keys")
record ApiKeyProperties(@DefaultValue({"free", "standard", "partner"}) List<String> plans) {

  /** What a plan name may look like; it travels in the internal token's {@code plan} claim. */
  private static final Pattern PLAN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  ApiKeyProperties {
    if (plans == null || plans.isEmpty()) {
      throw new IllegalArgumentException(
          "sluice.api-keys.plans (SLUICE_API_KEYS_PLANS) must list at least one plan");
    }
    Set<String> seen = new HashSet<>();
    for (String plan : plans) {
      if (plan == null || !PLAN.matcher(plan).matches()) {
        throw new IllegalArgumentException(
            "sluice.api-keys.plans (SLUICE_API_KEYS_PLANS) has an invalid plan name '"
                + plan
                + "': use 1 to 64 letters, digits, '.', '_' or '-'");
      }
      if (!seen.add(plan)) {
        throw new IllegalArgumentException(
            "sluice.api-keys.plans (SLUICE_API_KEYS_PLANS) lists plan '" + plan + "' twice");
      }
    }
    plans = List.copyOf(plans);
  }
}
