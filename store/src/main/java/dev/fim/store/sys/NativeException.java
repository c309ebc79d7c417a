package dev.fim.store.sys;

import dev.fim.store.PathBytes;
import java.io.IOException;
import jnr.constants.platform.Errno;

/**
 * A failed system call, with what a person needs to act on it: the call, the path bytes, the errno
 * (name and text) and, once the caller knows it, the purpose and the consequence. Reads like AIDE's
 * messages: {@code open /etc/shadow for hashing: EACCES (Permission denied); hash skipped,
 * attributes kept}.
 *
 * <p>The one such exception of fim: thrown by every native wrapper of the baseline module ({@code
 * .walk}, {@code .capture}, {@code .hash}), of the real-time engine's readers ({@code
 * dev.fim.engine.fanotify}, {@code .inotify}) and of the audit netlink client ({@code
 * dev.fim.auditlink.netlink}, whose requests read {@code AUDIT_ADD_RULE: EEXIST (File exists); rule
 * already exists}); callers never see {@code -1}. Immutable.
 */
public class NativeException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String call;
  private final transient PathBytes path;
  private final int errno;
  private final String purpose;
  private final String consequence;

  public NativeException(String call, PathBytes path, int errno) {
    this(call, path, errno, null, null);
  }

  /**
   * A failed call about no path (a socket, a kernel request such as {@code AUDIT_ADD_RULE}) whose
   * consequence is known where it is thrown; a null or empty reason is left out.
   */
  public NativeException(String call, int errno, String reason) {
    this(call, null, errno, reason);
  }

  /**
   * A failure whose consequence is known where it is thrown, e.g. {@code fanotify_mark /srv: EPERM
   * (Operation not permitted); needs CAP_SYS_ADMIN; fim falls back to inotify}. A null or empty
   * reason is left out.
   */
  public NativeException(String call, PathBytes path, int errno, String reason) {
    this(call, path, errno, null, reason == null || reason.isEmpty() ? null : reason);
  }

  private NativeException(
      String call, PathBytes path, int errno, String purpose, String consequence) {
    super(format(call, path, errno, purpose, consequence));
    this.call = call;
    this.path = path;
    this.errno = errno;
    this.purpose = purpose;
    this.consequence = consequence;
  }

  /**
   * The same failure, told with why the call was made ("for hashing") and what the scan does about
   * it ("hash skipped, attributes kept"). Either may be null.
   */
  public NativeException explain(String purpose, String consequence) {
    NativeException e = new NativeException(call, path, errno, purpose, consequence);
    e.setStackTrace(getStackTrace());
    return e;
  }

  /** The C function name, e.g. {@code openat}. */
  public String call() {
    return call;
  }

  /**
   * The path the call was about (for display); may be null for fd-only calls on an unknown path.
   */
  public PathBytes path() {
    return path;
  }

  /** The raw errno value. */
  public int errnoValue() {
    return errno;
  }

  /** The errno as a jnr-constants constant ({@code __UNKNOWN_CONSTANT__} if it has no name). */
  public Errno errno() {
    return Errno.valueOf(errno);
  }

  /** The errno's name, e.g. {@code EACCES}, or {@code errno 12345} if unnamed. */
  public String errnoName() {
    return errnoName(errno);
  }

  /** What the failure means for fim (the consequence), or empty. */
  public String reason() {
    return consequence == null ? "" : consequence;
  }

  public boolean is(Errno e) {
    return e.intValue() == errno;
  }

  /** {@code EEXIST}, or {@code errno 12345} for a number jnr-constants does not know. */
  public static String errnoName(int errno) {
    Errno e = known(errno);
    return e == null ? "errno " + errno : e.name();
  }

  /** What strerror says, e.g. {@code Permission denied}, or {@code errno 12345} if unnamed. */
  public static String errnoDescription(int errno) {
    String common = commonDescription(errno);
    if (common != null) {
      return common;
    }
    Errno e = known(errno);
    return e == null ? "errno " + errno : e.description();
  }

  /**
   * jnr-constants' descriptions of the errnos a missing or refusing socket, file or directory gives
   * (Linux's numbers; {@code NativeExceptionTest} compares each with jnr-constants), or null.
   * jnr-constants' first use loads its platform tables (a resource read from its jar, classes found
   * by reflection): ~5-8 ms of the main thread of a command whose evidence seal cannot reach syslog
   * (no {@code /dev/log}: a container, or the benches' {@code FIM_SYSLOG_SOCKET}), issue 18,
   * session 16.
   */
  static String commonDescription(int errno) {
    if (!GENERIC_ERRNOS) {
      return null;
    }
    switch (errno) {
      case COMMON_ENOENT:
        return "No such file or directory";
      case COMMON_EACCES:
        return "Permission denied";
      case COMMON_ECONNREFUSED:
        return "Connection refused";
      case COMMON_EPROTOTYPE:
        return "Protocol wrong type for socket";
      default:
        return null;
    }
  }

  /**
   * Whether this machine numbers its errnos as Linux's generic table does (x86, ARM, RISC-V,
   * PowerPC, s390): MIPS, SPARC, Alpha and PA-RISC number EPROTOTYPE and ECONNREFUSED otherwise,
   * and there jnr-constants says every text.
   */
  private static final boolean GENERIC_ERRNOS = genericErrnos(System.getProperty("os.arch", ""));

  private static boolean genericErrnos(String arch) {
    for (String other : new String[] {"mips", "sparc", "alpha", "parisc", "hppa"}) {
      if (arch.toLowerCase(java.util.Locale.ROOT).startsWith(other)) {
        return false;
      }
    }
    return true;
  }

  static final int COMMON_ENOENT = 2;
  static final int COMMON_EACCES = 13;
  static final int COMMON_EPROTOTYPE = 91;
  static final int COMMON_ECONNREFUSED = 111;

  /** The errno as a constant jnr-constants defines, or null. */
  private static Errno known(int errno) {
    Errno e = Errno.valueOf(errno);
    return e == null || !e.defined() || e == Errno.__UNKNOWN_CONSTANT__ ? null : e;
  }

  private static String format(
      String call, PathBytes path, int errno, String purpose, String consequence) {
    StringBuilder sb = new StringBuilder(call);
    if (path != null) {
      sb.append(' ').append(path.display());
    }
    if (purpose != null) {
      sb.append(' ').append(purpose);
    }
    sb.append(": ").append(errnoName(errno));
    if (known(errno) != null) {
      sb.append(" (").append(errnoDescription(errno)).append(')');
    }
    if (consequence != null) {
      sb.append("; ").append(consequence);
    }
    return sb.toString();
  }
}
