package dev.fim.auditlink.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.Struct;

/**
 * The kernel structs this package exchanges, as jnr {@link Struct} layouts over heap bytes in
 * native byte order. Line numbers are those of linux-libc-dev 6.1's {@code
 * /usr/include/linux/{netlink,audit}.h} (the uapi headers); the layouts have not changed since 5.10
 * (audit_status gained backlog_wait_time_actual in 5.9). Not thread-safe: a layout instance is
 * bound to one buffer.
 */
final class Layouts {
  /** NLMSG_ALIGNTO (netlink.h:98). */
  static final int NLMSG_ALIGNTO = 4;

  private Layouts() {}

  static int align(int len) {
    return (len + NLMSG_ALIGNTO - 1) & ~(NLMSG_ALIGNTO - 1);
  }

  /** A layout bound to {@code bytes[off…]}: reads and writes go straight to the array. */
  static <T extends Struct> T over(T layout, byte[] bytes, int off) {
    layout.useMemory(
        Pointer.wrap(
            Runtime.getSystemRuntime(),
            ByteBuffer.wrap(bytes, off, bytes.length - off)
                .slice()
                .order(ByteOrder.nativeOrder())));
    return layout;
  }

  /** {@code struct nlmsghdr}, netlink.h:52-58. 16 bytes. */
  static final class NlMsgHdr extends Struct {
    /**
     * Length of message including header (but see {@link AuditListener} for the audit event quirk).
     */
    final Unsigned32 nlmsg_len = new Unsigned32();

    final Unsigned16 nlmsg_type = new Unsigned16();
    final Unsigned16 nlmsg_flags = new Unsigned16();
    final Unsigned32 nlmsg_seq = new Unsigned32();

    /** Sending process port ID; 0 from the kernel. */
    final Unsigned32 nlmsg_pid = new Unsigned32();

    NlMsgHdr() {
      super(Runtime.getSystemRuntime());
    }
  }

  /**
   * {@code struct nlmsgerr}'s leading {@code int error} (netlink.h:119-131), followed by the
   * request's header.
   */
  static final class NlMsgErr extends Struct {
    final Signed32 error = new Signed32();
    final NlMsgHdr msg = inner(new NlMsgHdr());

    NlMsgErr() {
      super(Runtime.getSystemRuntime());
    }
  }

  /** {@code struct sockaddr_nl}, netlink.h:37-42. 12 bytes. */
  static final class SockaddrNl extends Struct {
    final Unsigned16 nl_family = new Unsigned16();
    final Unsigned16 nl_pad = new Unsigned16();

    /** Port ID: 0 is the kernel. */
    final Unsigned32 nl_pid = new Unsigned32();

    /** Multicast groups mask: bit (group - 1). */
    final Unsigned32 nl_groups = new Unsigned32();

    SockaddrNl() {
      super(Runtime.getSystemRuntime());
    }
  }

  /** {@code struct audit_status}, audit.h:464-481. 44 bytes. */
  static final class AuditStatusLayout extends Struct {
    /** Bit mask for valid entries (AUDIT_STATUS_*, audit.h:342-349) in an AUDIT_SET. */
    final Unsigned32 mask = new Unsigned32();

    final Unsigned32 enabled = new Unsigned32();
    final Unsigned32 failure = new Unsigned32();
    final Unsigned32 pid = new Unsigned32();
    final Unsigned32 rate_limit = new Unsigned32();
    final Unsigned32 backlog_limit = new Unsigned32();
    final Unsigned32 lost = new Unsigned32();
    final Unsigned32 backlog = new Unsigned32();

    /** union { version (deprecated); feature_bitmap }. */
    final Unsigned32 feature_bitmap = new Unsigned32();

    final Unsigned32 backlog_wait_time = new Unsigned32();
    final Unsigned32 backlog_wait_time_actual = new Unsigned32();

    AuditStatusLayout() {
      super(Runtime.getSystemRuntime());
    }
  }

  /** {@code struct timeval} for SO_RCVTIMEO (socket(7)): two native longs. */
  static final class Timeval extends Struct {
    final SignedLong tv_sec = new SignedLong();
    final SignedLong tv_usec = new SignedLong();

    Timeval() {
      super(Runtime.getSystemRuntime());
    }
  }
}
