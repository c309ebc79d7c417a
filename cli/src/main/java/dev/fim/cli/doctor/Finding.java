package dev.fim.cli.doctor;

/**
 * One line of {@code fim doctor}: what was checked, how it stands, what was seen and what to do.
 *
 * @param check stable dotted name (monitoring keys on it), e.g. {@code key.mode}
 * @param status ok, warn (works, but worse than it could) or fail (needs a fix)
 * @param detail what was found, with paths and numbers
 * @param fix the command or change that fixes it; empty when ok
 */
public record Finding(String check, Status status, String detail, String fix) {
  /** One line each: a multi-line message (a config error quotes its line) is joined with "; ". */
  public Finding {
    detail = detail == null ? "" : detail.strip().replaceAll("\\s*\\R\\s*", "; ");
    fix = fix == null ? "" : fix;
  }

  /** How a check stands. */
  public enum Status {
    OK,
    WARN,
    FAIL;

    /** "ok", "warn", "fail": the words of the text and JSON outputs. */
    public String word() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public static Finding ok(String check, String detail) {
    return new Finding(check, Status.OK, detail, "");
  }

  public static Finding warn(String check, String detail, String fix) {
    return new Finding(check, Status.WARN, detail, fix);
  }

  public static Finding fail(String check, String detail, String fix) {
    return new Finding(check, Status.FAIL, detail, fix);
  }
}
