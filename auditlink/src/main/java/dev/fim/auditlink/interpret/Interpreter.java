package dev.fim.auditlink.interpret;

import dev.fim.auditlink.kernel.Arch;
import dev.fim.auditlink.kernel.Errno;
import dev.fim.auditlink.parse.AuditRecord;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Turns raw field values into what {@code ausearch -i} prints, one record at a time.
 *
 * <p>Conventions (audit-userspace auparse/interpret.c, typetab.h):
 *
 * <ul>
 *   <li>uid-like and gid-like fields: {@code 4294967295} (-1 as u32) → {@code unset}; a known id →
 *       its name; an unknown id → {@code unknown(N)};
 *   <li>{@code ses} {@code 4294967295} → {@code unset};
 *   <li>{@code arch=c000003e} → {@code x86_64}; {@code syscall} → its name for the record's arch;
 *       unknown → {@code unknown-syscall(N)};
 *   <li>{@code exit} below zero → the errno name ({@code -13} → {@code EACCES}; ausearch also
 *       appends the strerror text, which we leave to the caller);
 *   <li>{@code mode=0100644} → {@code file,644} ({@code dir,suid,…} with special bits);
 *   <li>{@code perm=6} → {@code read,write}; {@code sig=31} → {@code SIGSYS}.
 * </ul>
 *
 * Other fields are returned as parsed (hex already decoded). Thread-safe.
 */
public final class Interpreter {
  /** The unsigned 32-bit -1 that the kernel writes for an unset auid or session. */
  public static final long UNSET = 4294967295L;

  // auparse/typetab.h: fields interpreted as AUPARSE_TYPE_UID / AUPARSE_TYPE_GID.
  private static final Set<String> UID_FIELDS =
      Set.of(
          "auid",
          "uid",
          "euid",
          "suid",
          "fsuid",
          "ouid",
          "oauid",
          "iuid",
          "sauid",
          "old-auid",
          "new-auid",
          "old_auid",
          "new_auid",
          "inode_uid",
          "obj_uid",
          "new-uid",
          "old-uid",
          "id");
  private static final Set<String> GID_FIELDS =
      Set.of(
          "gid",
          "egid",
          "sgid",
          "fsgid",
          "ogid",
          "igid",
          "inode_gid",
          "obj_gid",
          "new_gid",
          "new-gid",
          "old-gid");
  private static final Set<String> SESSION_FIELDS = Set.of("ses", "old-ses", "new-ses");

  private final AccountNames accounts;

  public Interpreter(AccountSource accounts) {
    this.accounts = new AccountNames(accounts);
  }

  /** Every field of the record, interpreted, in record order. */
  public Map<String, String> interpret(AuditRecord r) {
    int n = r.fieldCount();
    Map<String, String> out = new LinkedHashMap<>(n * 2);
    for (int i = 0; i < n; i++) {
      String v = valueAt(r, i);
      if (v != null) out.put(r.fieldName(i), v);
    }
    return out;
  }

  /**
   * The record's i-th field ({@link AuditRecord#fieldName}) interpreted, or null when an earlier
   * field has the same name: {@link #interpret} keeps a repeated name's first value. For renderers
   * that walk the fields without building a map per record.
   */
  public String valueAt(AuditRecord r, int i) {
    String name = r.fieldName(i);
    for (int j = 0; j < i; j++) {
      if (r.fieldName(j).equals(name)) return null;
    }
    // By position: a lookup by name would scan the record's fields again.
    return interpret(r, name, r.fieldValue(i));
  }

  /** One field of the record, interpreted; null if the record has no such field. */
  public String value(AuditRecord r, String field) {
    String v = r.field(field);
    return v == null ? null : interpret(r, field, v);
  }

  /** {@code v}, the display value of the record's first {@code field}, interpreted. */
  private String interpret(AuditRecord r, String field, String v) {
    if (UID_FIELDS.contains(field) && !(field.equals("id") && !isUserRecord(r))) {
      return user(v);
    }
    if (GID_FIELDS.contains(field)) {
      return group(v);
    }
    if (SESSION_FIELDS.contains(field)) {
      return v.equals("4294967295") ? "unset" : v;
    }
    switch (field) {
      case "arch":
        return arch(v);
      case "syscall":
        return syscall(r.field("arch"), v);
      case "exit":
        return exit(v);
      case "mode":
        return mode(v);
      case "perm":
        return perm(v);
      case "sig":
        return signal(v);
      default:
        return v;
    }
  }

  /** {@code id=} is a uid only in account-management records (auparse: USER_MGMT, ADD_USER…). */
  private static boolean isUserRecord(AuditRecord r) {
    String t = r.typeName();
    return t.endsWith("_USER")
        || t.equals("USER_MGMT")
        || t.equals("USER_CHAUTHTOK")
        || t.equals("USER_LOGIN")
        || t.equals("USER_LOGOUT");
  }

  /** A uid as ausearch -i shows it. */
  public String user(String uid) {
    Long n = parseUnsigned(uid);
    if (n == null) return uid;
    if (n == UNSET) return "unset";
    String name = accounts.user(n);
    return name != null ? name : "unknown(" + uid + ")";
  }

  /**
   * The account name of a uid, or null when it is unset (4294967295) or passwd does not list it:
   * for callers that keep the number and want the name only where there is one (an actor's {@code
   * user.name}).
   */
  public String userName(long uid) {
    return uid == UNSET ? null : accounts.user(uid);
  }

  /**
   * The uid for {@code -ua NAME}-style lookups: a number is taken as it is, a name is looked up in
   * passwd (as ausearch does with getpwnam); null if neither.
   */
  public Long uidOf(String nameOrNumber) {
    Long n = parseUnsigned(nameOrNumber);
    if (n != null) return n;
    return accounts.uidOf(nameOrNumber);
  }

  /** A gid as ausearch -i shows it. */
  public String group(String gid) {
    Long n = parseUnsigned(gid);
    if (n == null) return gid;
    if (n == UNSET) return "unset";
    String name = accounts.group(n);
    return name != null ? name : "unknown(" + gid + ")";
  }

  /**
   * A SOCKADDR's {@code saddr} hex → {@code saddr_fam}, {@code laddr}, {@code lport}, {@code path}
   * as ausearch -i names them; empty if it is not hex.
   */
  public static Map<String, String> sockaddr(String saddrHex) {
    return SockAddr.decode(saddrHex);
  }

  /** The reason account names are missing (a source that failed to read), or null. */
  public String accountsError() {
    return accounts.loadError();
  }

  /** {@code c000003e} → {@code x86_64}; unknown values are returned unchanged. */
  public static String arch(String hex) {
    Arch a = Arch.ofHex(hex);
    return a != null ? a.machineName() : hex;
  }

  /**
   * The syscall's name for the arch (hex as in {@code arch=}); {@code unknown-syscall(N)} if
   * unknown.
   */
  public static String syscall(String archHex, String number) {
    Long n = parseUnsigned(number);
    if (n == null) return number;
    Arch a = Arch.ofHex(archHex);
    String name = a != null ? a.syscallName((int) Math.min(n, Integer.MAX_VALUE)) : null;
    return name != null ? name : "unknown-syscall(" + number + ")";
  }

  /** A negative exit → errno name ({@code -13} → {@code EACCES}); others unchanged. */
  public static String exit(String value) {
    if (value.length() < 2 || value.charAt(0) != '-') return value;
    Long n = parseUnsigned(value.substring(1));
    String name = n != null ? Errno.name(n) : null;
    return name != null ? name : value;
  }

  /** An octal mode → {@code type[,suid][,sgid][,sticky],PERM} (auparse interpret.c print_mode). */
  public static String mode(String octal) {
    long m;
    try {
      m = Long.parseLong(octal, 8);
    } catch (NumberFormatException e) {
      return octal;
    }
    StringBuilder sb = new StringBuilder();
    String type =
        switch ((int) (m & 0170000)) {
          case 0140000 -> "socket";
          case 0120000 -> "link";
          case 0100000 -> "file";
          case 0060000 -> "block";
          case 0040000 -> "dir";
          case 0020000 -> "character";
          case 0010000 -> "fifo";
          default -> null;
        };
    if (type != null) sb.append(type).append(',');
    if ((m & 04000) != 0) sb.append("suid,");
    if ((m & 02000) != 0) sb.append("sgid,");
    if ((m & 01000) != 0) sb.append("sticky,");
    // %03o by hand: String.format's first use costs ~0.1 s of class loading in a one-shot search.
    long perm = m & 0777;
    sb.append((char) ('0' + (perm >> 6)))
        .append((char) ('0' + ((perm >> 3) & 7)))
        .append((char) ('0' + (perm & 7)));
    return sb.toString();
  }

  /**
   * A watch permission mask (AUDIT_PERM_* in include/uapi/linux/audit.h) → {@code
   * read,write,exec,attr}.
   */
  public static String perm(String value) {
    Long n = parseUnsigned(value);
    if (n == null) return value;
    if (n == 0) return "none";
    StringBuilder sb = new StringBuilder();
    if ((n & 4) != 0) sb.append("read,");
    if ((n & 2) != 0) sb.append("write,");
    if ((n & 1) != 0) sb.append("exec,");
    if ((n & 8) != 0) sb.append("attr,");
    return sb.length() == 0 ? value : sb.substring(0, sb.length() - 1);
  }

  // signal(7), x86/arm/generic numbering (SIGRTMIN and up are shown as numbers).
  private static final String[] SIGNALS = {
    null,
    "SIGHUP",
    "SIGINT",
    "SIGQUIT",
    "SIGILL",
    "SIGTRAP",
    "SIGABRT",
    "SIGBUS",
    "SIGFPE",
    "SIGKILL",
    "SIGUSR1",
    "SIGSEGV",
    "SIGUSR2",
    "SIGPIPE",
    "SIGALRM",
    "SIGTERM",
    "SIGSTKFLT",
    "SIGCHLD",
    "SIGCONT",
    "SIGSTOP",
    "SIGTSTP",
    "SIGTTIN",
    "SIGTTOU",
    "SIGURG",
    "SIGXCPU",
    "SIGXFSZ",
    "SIGVTALRM",
    "SIGPROF",
    "SIGWINCH",
    "SIGIO",
    "SIGPWR",
    "SIGSYS"
  };

  public static String signal(String value) {
    Long n = parseUnsigned(value);
    if (n == null || n >= SIGNALS.length || SIGNALS[(int) (long) n] == null) return value;
    return SIGNALS[(int) (long) n];
  }

  static Long parseUnsigned(String s) {
    if (s == null || s.isEmpty() || s.length() > 19) return null;
    long v = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') return null;
      v = v * 10 + (c - '0');
    }
    return v;
  }
}
