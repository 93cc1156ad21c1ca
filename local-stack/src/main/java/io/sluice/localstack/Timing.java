package io.sluice.localstack;

import java.util.Locale;

/** Elapsed-time suffixes for the progress lines. */
final class Timing {

  private Timing() {}

  /** {@code " (1.2 s)"} for the time since {@code startNanos}. */
  static String since(long startNanos) {
    return String.format(Locale.ROOT, " (%.1f s)", (System.nanoTime() - startNanos) / 1e9);
  }
}
