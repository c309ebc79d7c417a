package dev.fim.auditlink.netlink;

import java.util.ArrayList;
import java.util.List;

/**
 * One netlink message: the {@code struct nlmsghdr} fields and its payload bytes. Immutable (the
 * payload is copied). Also the codec of requests and of reply datagrams.
 */
record NetlinkMessage(int type, int flags, long seq, long portId, byte[] payload) {
  /** NLMSG_HDRLEN: sizeof(struct nlmsghdr), netlink.h:52-58. */
  static final int HEADER_SIZE = Layouts.NLMSGHDR_SIZE;

  /** netlink.h:113-114. */
  static final int NLMSG_ERROR = 2;

  static final int NLMSG_DONE = 3;

  /** netlink.h:62-64. */
  static final int NLM_F_REQUEST = 0x01;

  static final int NLM_F_MULTI = 0x02;
  static final int NLM_F_ACK = 0x04;

  /**
   * AUDIT_FIRST_USER_MSG, audit.h:75: lower types are requests and replies; these and higher are
   * records.
   */
  static final int FIRST_RECORD_TYPE = 1100;

  NetlinkMessage {
    payload = payload.clone();
  }

  @Override
  public byte[] payload() {
    return payload.clone();
  }

  int payloadLength() {
    return payload.length;
  }

  /**
   * A request datagram: header (nlmsg_len including the header) + payload, padded to NLMSG_ALIGNTO.
   */
  static byte[] encode(int type, int flags, long seq, long portId, byte[] payload) {
    int len = HEADER_SIZE + payload.length;
    byte[] b = new byte[Layouts.align(len)];
    Layouts.putU32(b, Layouts.NLMSG_LEN, len);
    Layouts.putU16(b, Layouts.NLMSG_TYPE, type);
    Layouts.putU16(b, Layouts.NLMSG_FLAGS, flags);
    Layouts.putU32(b, Layouts.NLMSG_SEQ, seq);
    Layouts.putU32(b, Layouts.NLMSG_PID, portId);
    System.arraycopy(payload, 0, b, HEADER_SIZE, payload.length);
    return b;
  }

  /**
   * The messages of a reply datagram (netlink(7) NLMSG_OK/NLMSG_NEXT). An audit record (type 1100
   * and up), or a message whose nlmsg_len is shorter than a header or runs past the datagram, ends
   * the walk with the rest of the datagram as its payload: the audit event quirk (see {@link
   * #decodeEvent}). Replies to requests have correct lengths.
   */
  static List<NetlinkMessage> decodeReplies(byte[] buf, int n) {
    List<NetlinkMessage> out = new ArrayList<>(1);
    int off = 0;
    while (n - off >= HEADER_SIZE) {
      long len = Layouts.u32(buf, off + Layouts.NLMSG_LEN);
      int type = Layouts.u16(buf, off + Layouts.NLMSG_TYPE);
      if (type >= FIRST_RECORD_TYPE || len < HEADER_SIZE || len > n - off) {
        out.add(message(buf, off, n - off - HEADER_SIZE));
        break;
      }
      out.add(message(buf, off, (int) len - HEADER_SIZE));
      off += Layouts.align((int) len);
    }
    return out;
  }

  /**
   * An audit event datagram (SYSCALL, PATH, EOE…): exactly one message, whose payload is the rest
   * of the datagram. The kernel sets nlmsg_len to the payload length without the header for records
   * sent to the audit pid (kernel/audit.c audit_log_end: {@code nlh->nlmsg_len = skb->len -
   * NLMSG_HDRLEN}) and corrects it only in the multicast copy (kauditd_send_multicast_skb), so the
   * header's length is ignored here, as go-libaudit's parseNetlinkAuditMessage and libaudit do.
   */
  static NetlinkMessage decodeEvent(byte[] buf, int n) {
    return message(buf, 0, n - HEADER_SIZE);
  }

  /** The header's type without decoding the rest. */
  static int typeOf(byte[] buf) {
    return Layouts.u16(buf, Layouts.NLMSG_TYPE);
  }

  /** The header's seq without decoding the rest. */
  static long seqOf(byte[] buf) {
    return Layouts.u32(buf, Layouts.NLMSG_SEQ);
  }

  /** For NLMSG_ERROR: {@code struct nlmsgerr.error}, 0 (an ack) or a negative errno. */
  int error() {
    if (payload.length < 4) {
      return -Integer.MAX_VALUE;
    }
    return Layouts.s32(payload, 0);
  }

  /** The message whose header is at {@code buf[off]}, with {@code len} bytes of payload. */
  private static NetlinkMessage message(byte[] buf, int off, int len) {
    byte[] p = new byte[Math.max(0, len)];
    System.arraycopy(buf, off + HEADER_SIZE, p, 0, p.length);
    return new NetlinkMessage(
        Layouts.u16(buf, off + Layouts.NLMSG_TYPE),
        Layouts.u16(buf, off + Layouts.NLMSG_FLAGS),
        Layouts.u32(buf, off + Layouts.NLMSG_SEQ),
        Layouts.u32(buf, off + Layouts.NLMSG_PID),
        p);
  }
}
