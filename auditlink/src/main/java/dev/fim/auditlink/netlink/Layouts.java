package dev.fim.auditlink.netlink;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The kernel structs this package exchanges, as offsets and sizes of their fields, read and written
 * in heap bytes in native byte order. Line numbers are those of linux-libc-dev 6.1's {@code
 * /usr/include/linux/{netlink,audit}.h} (the uapi headers); the layouts have not changed since 5.10
 * (audit_status gained backlog_wait_time_actual in 5.9). Plain offsets rather than jnr-ffi {@code
 * Struct}s: setting those up (with the jnr-ffi binding of the socket calls) loaded ~400 classes and
 * cost ~0.1 s of CPU at every {@code fim audit status} (issue 18); {@code LayoutsTest} checks every
 * offset against a jnr {@code Struct} built from the same declarations.
 */
final class Layouts {
  /** NLMSG_ALIGNTO (netlink.h:98). */
  static final int NLMSG_ALIGNTO = 4;

  /** {@code struct nlmsghdr}, netlink.h:52-58: u32 len, u16 type, u16 flags, u32 seq, u32 pid. */
  static final int NLMSGHDR_SIZE = 16;

  /** nlmsg_len: length of message including header (but see {@link AuditListener}). */
  static final int NLMSG_LEN = 0;

  static final int NLMSG_TYPE = 4;
  static final int NLMSG_FLAGS = 6;
  static final int NLMSG_SEQ = 8;

  /** nlmsg_pid: sending process port ID; 0 from the kernel. */
  static final int NLMSG_PID = 12;

  /**
   * {@code struct nlmsgerr}, netlink.h:119-131: {@code int error}, then the request's header: 20
   * bytes.
   */
  static final int NLMSGERR_SIZE = 4 + NLMSGHDR_SIZE;

  /** {@code struct sockaddr_nl}, netlink.h:37-42: u16 family, u16 pad, u32 pid, u32 groups. */
  static final int SOCKADDR_NL_SIZE = 12;

  static final int NL_FAMILY = 0;

  /** Port ID: 0 is the kernel. */
  static final int NL_PID = 4;

  /** Multicast groups mask: bit (group - 1). */
  static final int NL_GROUPS = 8;

  /**
   * {@code struct audit_status}, audit.h:464-481: eleven u32s, 44 bytes. The first is the mask of
   * valid entries (AUDIT_STATUS_*, audit.h:342-349) in an AUDIT_SET; {@code feature_bitmap} shares
   * its union with the deprecated {@code version}.
   */
  static final int AUDIT_STATUS_SIZE = 44;

  static final int STATUS_MASK = 0;
  static final int STATUS_ENABLED = 4;
  static final int STATUS_FAILURE = 8;
  static final int STATUS_PID = 12;
  static final int STATUS_RATE_LIMIT = 16;
  static final int STATUS_BACKLOG_LIMIT = 20;
  static final int STATUS_LOST = 24;
  static final int STATUS_BACKLOG = 28;
  static final int STATUS_FEATURE_BITMAP = 32;
  static final int STATUS_BACKLOG_WAIT_TIME = 36;
  static final int STATUS_BACKLOG_WAIT_TIME_ACTUAL = 40;

  /** {@code struct timeval} for SO_RCVTIMEO (socket(7)): two native longs (LP64). */
  static final int TIMEVAL_SIZE = 16;

  private static final VarHandle U16 =
      MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.nativeOrder());
  private static final VarHandle U32 =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.nativeOrder());
  private static final VarHandle S64 =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

  private Layouts() {}

  static int align(int len) {
    return (len + NLMSG_ALIGNTO - 1) & ~(NLMSG_ALIGNTO - 1);
  }

  static int u16(byte[] b, int off) {
    return Short.toUnsignedInt((short) U16.get(b, off));
  }

  static long u32(byte[] b, int off) {
    return Integer.toUnsignedLong((int) U32.get(b, off));
  }

  static int s32(byte[] b, int off) {
    return (int) U32.get(b, off);
  }

  static void putU16(byte[] b, int off, int v) {
    U16.set(b, off, (short) v);
  }

  /** The low 32 bits of {@code v}, as the kernel's u32 and s32 fields take them. */
  static void putU32(byte[] b, int off, long v) {
    U32.set(b, off, (int) v);
  }

  static void putS64(byte[] b, int off, long v) {
    S64.set(b, off, v);
  }
}
