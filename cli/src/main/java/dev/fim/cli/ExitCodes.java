package dev.fim.cli;

/**
 * fim's exit codes. 0–7 are AIDE's bitmask of findings (1 added, 2 removed, 4 changed), so errors
 * start at 16 and never collide with a finding (AIDE numbers its errors from 14 up).
 */
public final class ExitCodes {
  public static final int OK = 0;
  public static final int ADDED = 1;
  public static final int REMOVED = 2;
  public static final int CHANGED = 4;

  /**
   * check/update: some entries could not be checked (an unreadable file or directory, a file that
   * kept changing while it was hashed, a missing root…); each is listed under "Problems". fim's own
   * bit: AIDE has none, and without it a file fim cannot read would pass as unchanged.
   */
  public static final int UNCHECKED = 8;

  /**
   * {@code who}: nothing is recorded for the path (as {@code audit search} when nothing matches);
   * {@code accept}: nothing to accept (no unapproved change recorded, nothing differs from the
   * baseline).
   */
  public static final int NONE_FOUND = 1;

  /**
   * {@code report --verify}: the copy differs from what fim makes of the database's data, or the
   * data differs.
   */
  public static final int NOT_VERIFIED = 1;

  /** Invalid command line (unknown option, bad value). */
  public static final int USAGE = 16;

  /** The config file cannot be read or has an unusable line. */
  public static final int CONFIG = 17;

  /** The database cannot be used: locked, missing, read-only, full, corrupt, newer format. */
  public static final int DATABASE = 18;

  /**
   * The baseline's seal does not verify (tampered baseline, wrong or missing key); or the evidence
   * chain (events, approvals, coverage) does not verify, or is not the one {@code --expect-seal}
   * names.
   */
  public static final int SEAL = 19;

  /**
   * Another I/O failure (report file not writable, seal key not creatable…), also standard output
   * that cannot be written (disk full; a closed pipe, without a message).
   */
  public static final int IO = 20;

  /**
   * Interrupted (SIGINT/SIGTERM) before the job finished; nothing half-written was committed as
   * baseline.
   */
  public static final int INTERRUPTED = 21;

  /** A bug: please report it with the --debug output. */
  public static final int INTERNAL = 22;

  /**
   * The kernel refused an audit request (no CAP_AUDIT_CONTROL, immutable mode, rule exists, no such
   * rule…).
   */
  public static final int AUDIT = 23;

  /** fim watch could not watch the trees with any backend (each backend's reason is printed). */
  public static final int WATCH = 24;

  /**
   * fim ship: the cluster refused a document for good (named with its sequence and reason; not
   * skipped), stayed unreachable past --retry-for, or cannot be used (template, credentials).
   */
  public static final int SHIP = 25;

  /** The list picocli prints under "Exit Codes" in --help. */
  static final String[] HELP_LIST = {
    "0:no differences (or the command succeeded)",
    "1:files were added (bitmask; check/update); who: no change of PATH is recorded; accept: nothing to accept; report --verify: not verified",
    "2:files were removed (bitmask)",
    "4:files were changed (bitmask); 1|2|4|8 combine, e.g. 5 = added and changed",
    "8:some entries could not be checked (bitmask; check/update): unreadable, changing while hashed, missing root; listed under Problems",
    "16:invalid command line",
    "17:config error (file:line: reason)",
    "18:database error: locked by another fim, missing, read-only, full, corrupt or newer format",
    "19:baseline seal or evidence chain does not verify: altered outside fim, wrong key, or not --expect-seal",
    "20:other I/O error (report file; seal key missing, unsafe or unreadable; standard output full or its pipe closed)",
    "21:interrupted by SIGINT/SIGTERM (the previous baseline is kept)",
    "22:internal error (a bug; rerun with --debug and report it)",
    "23:kernel audit refused: not root (CAP_AUDIT_CONTROL), immutable mode, rule exists or no such rule",
    "24:fim watch: no backend could watch the trees (fanotify's and inotify's reasons are printed)",
    "25:fim ship: a document was refused (sequence and reason printed), the cluster stayed unreachable, or its template, credentials or CA file cannot be used; --ship of watch/check/update: the URL or secret files cannot be used (a shipping failure later never changes their exit code)"
  };

  private ExitCodes() {}
}
