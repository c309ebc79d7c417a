package dev.fim.cli.report;

import java.util.Locale;

/** How a report formats its numbers ({@code %.1f}, {@code %d}). */
final class Numbers {
  private Numbers() {}

  /**
   * The locale of every {@code String.format} of a report's numbers: the digits 0-9, {@code .} and
   * {@code -}, as the root locale writes them. {@link java.util.Formatter} writes US English from
   * its own constants, where the root locale (or any other) first sets up the JDK's locale
   * providers and loads their data (~185 classes, ~5 ms of a tiny report's main thread; issue 18,
   * session 16); the characters written are the same.
   */
  static final Locale DIGITS = Locale.US;
}
