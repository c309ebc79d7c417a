package dev.fim.store;

/** How record fields read in reports and JSON, in one place so every output agrees. */
public final class Values {
  private Values() {}

  /** Permission bits as 4-digit octal ({@code 0644}, {@code 4755}). */
  public static String mode(int mode) {
    // String.format("%04o") was a measurable part of a million-event report: four octal digits by
    // hand
    int m = mode & 07777;
    return new String(
        new char[] {
          (char) ('0' + (m >> 9 & 7)),
          (char) ('0' + (m >> 6 & 7)),
          (char) ('0' + (m >> 3 & 7)),
          (char) ('0' + (m & 7))
        });
  }
}
