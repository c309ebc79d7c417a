package dev.fim.engine;

import dev.fim.store.PathBytes;
import java.io.IOException;
import jnr.constants.platform.Errno;

/**
 * A failed system call of the real-time engine's readers ({@code .fanotify}, later {@code .inotify}), with what a
 * person needs to act on it: the call, the path it was about (if any), the errno (name and text) and a reason. Reads
 * like {@code fanotify_mark /srv: EPERM (Operation not permitted); FAN_MARK_FILESYSTEM needs CAP_SYS_ADMIN; fim falls
 * back to inotify}.
 *
 * <p>Callers of the readers never see {@code -1}; they branch on {@link #errno()} (e.g. EPERM → inotify fallback).
 * Immutable.
 */
public final class NativeException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String call;
  private final transient PathBytes path;
  private final int errno;
  private final String reason;

  /**
   * @param call the C function, e.g. {@code fanotify_mark}
   * @param path what the call was about, or null for fd-only calls
   * @param errno the raw errno
   * @param reason what it means for fim, or null/empty if nothing useful can be said
   */
  public NativeException(String call, PathBytes path, int errno, String reason) {
    super(format(call, path, errno, reason));
    this.call = call;
    this.path = path;
    this.errno = errno;
    this.reason = reason == null ? "" : reason;
  }

  /** The C function name, e.g. {@code fanotify_init}. */
  public String call() {
    return call;
  }

  /** The path the call was about; null for fd-only calls. */
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

  /** The errno's name ({@code EPERM}), or {@code errno 12345} if unnamed. */
  public String errnoName() {
    return errnoName(errno);
  }

  /** Why it matters, without the call and errno; may be empty. */
  public String reason() {
    return reason;
  }

  public boolean is(Errno e) {
    return e.intValue() == errno;
  }

  static String errnoName(int errno) {
    Errno e = Errno.valueOf(errno);
    return e == null || !e.defined() || e == Errno.__UNKNOWN_CONSTANT__ ? "errno " + errno : e.name();
  }

  private static String format(String call, PathBytes path, int errno, String reason) {
    StringBuilder sb = new StringBuilder(call);
    if (path != null) {
      sb.append(' ').append(path.display());
    }
    sb.append(": ").append(errnoName(errno));
    Errno e = Errno.valueOf(errno);
    if (e != null && e.defined() && e != Errno.__UNKNOWN_CONSTANT__) {
      sb.append(" (").append(e.description()).append(')');
    }
    if (reason != null && !reason.isEmpty()) {
      sb.append("; ").append(reason);
    }
    return sb.toString();
  }
}
