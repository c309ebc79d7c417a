package dev.fim.store;

/** How record fields read in reports and JSON, in one place so every output agrees. */
public final class Values {
  private Values() {}

  /** Permission bits as 4-digit octal ({@code 0644}, {@code 4755}). */
  public static String mode(int mode) {
    return String.format("%04o", mode & 07777);
  }
}
