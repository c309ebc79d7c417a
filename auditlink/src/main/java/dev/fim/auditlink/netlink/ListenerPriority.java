package dev.fim.auditlink.netlink;

import dev.fim.store.sys.Libc;

/**
 * Raises the calling thread's scheduling priority to nice {@link #NICE}, as auditd does for itself
 * ({@code priority_boost = 4}, auditd.conf(5)): while fim is the audit pid, the kernel gives a
 * record up for good after its sends to fim failed for about half a second (kauditd: a 100 ms send,
 * then five retries), so the thread that reads them must not wait behind a loaded host's other
 * work. Only this thread: {@code setpriority(PRIO_PROCESS, tid)} acts on one thread on Linux.
 */
final class ListenerPriority {
  /** auditd's default boost. */
  static final int NICE = -4;

  /** sys/resource.h. */
  private static final int PRIO_PROCESS = 0;

  /** The two calls, bound on first use (fim's other commands never need them). */
  public interface Calls {
    int gettid();

    int setpriority(int which, int who, int prio);
  }

  private ListenerPriority() {}

  /**
   * Sets the calling thread to nice {@link #NICE} if it runs at a lower priority (a larger nice
   * value) now.
   *
   * @return whether the thread's priority is now at least that; false without CAP_SYS_NICE (then it
   *     reads at the priority it had, as before)
   */
  static boolean raiseCurrentThread() {
    try {
      Calls c = Holder.CALLS;
      return c.setpriority(PRIO_PROCESS, c.gettid(), NICE) == 0;
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      return false; // a C library without gettid (glibc < 2.30): read at the normal priority
    }
  }

  private static final class Holder {
    static final Calls CALLS = Libc.bind(Calls.class);
  }
}
