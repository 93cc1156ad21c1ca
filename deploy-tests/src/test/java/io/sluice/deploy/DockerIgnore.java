package io.sluice.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Docker's {@code .dockerignore} rules: a path is left out of the build context when the last
 * pattern matching it, or one of its parent directories, is not a {@code !} exception. Patterns use
 * Go's {@code filepath.Match} syntax plus {@code **}.
 */
final class DockerIgnore {

  private record Rule(Pattern pattern, boolean exception) {}

  private final List<Rule> rules = new ArrayList<>();

  DockerIgnore(String text) {
    for (String line : text.split("\n")) {
      String pattern = line.trim();
      if (pattern.isEmpty() || pattern.startsWith("#")) {
        continue;
      }
      boolean exception = pattern.startsWith("!");
      if (exception) {
        pattern = pattern.substring(1).trim();
      }
      pattern = pattern.replaceAll("^/+", "").replaceAll("/+$", "");
      rules.add(new Rule(Pattern.compile(regex(pattern)), exception));
    }
  }

  /** Whether {@code path} (relative to the context, '/'-separated) stays out of the context. */
  boolean excludes(String path) {
    boolean excluded = false;
    for (Rule rule : rules) {
      if (matchesSelfOrParent(rule.pattern(), path)) {
        excluded = !rule.exception();
      }
    }
    return excluded;
  }

  private static boolean matchesSelfOrParent(Pattern pattern, String path) {
    String candidate = path;
    while (true) {
      if (pattern.matcher(candidate).matches()) {
        return true;
      }
      int slash = candidate.lastIndexOf('/');
      if (slash < 0) {
        return false;
      }
      candidate = candidate.substring(0, slash);
    }
  }

  private static String regex(String glob) {
    StringBuilder regex = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
        // `**/` matches zero or more directories; a trailing `**` anything.
        boolean slash = i + 2 < glob.length() && glob.charAt(i + 2) == '/';
        regex.append(slash ? "(?:.*/)?" : ".*");
        i += slash ? 2 : 1;
      } else if (c == '*') {
        regex.append("[^/]*");
      } else if (c == '?') {
        regex.append("[^/]");
      } else {
        regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return regex.toString();
  }
}
