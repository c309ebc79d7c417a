package dev.fim.auditlink.rules;

import java.util.Objects;

/**
 * A control rule of an audit rules file: it changes the audit state instead of adding a rule, so it
 * has no {@code audit_rule_data} bytes. A netlink client applies it ({@code AUDIT_SET} with an
 * {@code audit_status} mask, {@code AUDIT_SET_FEATURE}, or deleting rules). Immutable.
 *
 * @param kind which control
 * @param value the numeric argument ({@code -b 8192} → 8192), or -1 when the option takes none
 * @param key for {@code -D -k KEY}: delete only rules with this key; otherwise null
 */
public record ControlCommand(Kind kind, long value, String key) {

  /** The control options auditctl accepts in a rules file. */
  public enum Kind {
    /** {@code -D}: delete all rules and watches (only those with {@link #key()} when given). */
    DELETE_ALL("-D", false),
    /** {@code -b N}: backlog limit, {@code AUDIT_STATUS_BACKLOG_LIMIT}. */
    BACKLOG_LIMIT("-b", true),
    /**
     * {@code -e 0|1|2}: disable, enable, or enable and lock (immutable); {@code
     * AUDIT_STATUS_ENABLED}.
     */
    ENABLED("-e", true),
    /** {@code -f 0|1|2}: failure mode silent, printk, panic; {@code AUDIT_STATUS_FAILURE}. */
    FAILURE("-f", true),
    /**
     * {@code -r N}: rate limit in messages per second (0 = none); {@code AUDIT_STATUS_RATE_LIMIT}.
     */
    RATE_LIMIT("-r", true),
    /**
     * {@code --backlog_wait_time N}: wait in jiffies when the backlog is full; {@code
     * AUDIT_STATUS_BACKLOG_WAIT_TIME}.
     */
    BACKLOG_WAIT_TIME("--backlog_wait_time", true),
    /** {@code --reset-lost}: reset the kernel's lost counter ({@code AUDIT_STATUS_LOST}). */
    RESET_LOST("--reset-lost", false),
    /** {@code --loginuid-immutable}: {@code AUDIT_FEATURE_LOGINUID_IMMUTABLE}, locked. */
    LOGINUID_IMMUTABLE("--loginuid-immutable", false),
    /** {@code -i}: when reading a rules file, ignore errors of individual rules. */
    IGNORE_ERRORS("-i", false),
    /** {@code -c}: when reading a rules file, continue after a failing rule. */
    CONTINUE_ON_ERROR("-c", false);

    private final String option;
    private final boolean takesValue;

    Kind(String option, boolean takesValue) {
      this.option = option;
      this.takesValue = takesValue;
    }

    /** The auditctl option. */
    public String option() {
      return option;
    }

    /** Whether the option takes a number. */
    public boolean takesValue() {
      return takesValue;
    }
  }

  public ControlCommand {
    Objects.requireNonNull(kind, "kind");
  }

  /** The command in auditctl syntax, e.g. {@code -b 8192} or {@code -D -k fim}. */
  public String toCommandLine() {
    StringBuilder sb = new StringBuilder(kind.option());
    if (kind.takesValue()) {
      sb.append(' ').append(value);
    }
    if (key != null) {
      sb.append(" -k ").append(ShellWords.quote(key));
    }
    return sb.toString();
  }
}
