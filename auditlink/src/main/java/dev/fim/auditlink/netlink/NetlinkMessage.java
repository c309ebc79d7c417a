package dev.fim.auditlink.netlink;

import java.util.ArrayList;
import java.util.List;
import jnr.ffi.Struct;

/**
 * One netlink message: the {@code struct nlmsghdr} fields and its payload bytes. Immutable (the
 * payload is copied). Also the codec of requests and of reply datagrams.
 */
record NetlinkMessage(int type, int flags, long seq, long portId, byte[] payload) {
  /** NLMSG_HDRLEN: sizeof(struct nlmsghdr), netlink.h:52-58. */
  static final int HEADER_SIZE = Struct.size(new Layouts.NlMsgHdr());

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
    Layouts.NlMsgHdr h = Layouts.over(new Layouts.NlMsgHdr(), b, 0);
    h.nlmsg_len.set(len);
    h.nlmsg_type.set(type);
    h.nlmsg_flags.set(flags);
    h.nlmsg_seq.set(seq);
    h.nlmsg_pid.set(portId);
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
      Layouts.NlMsgHdr h = Layouts.over(new Layouts.NlMsgHdr(), buf, off);
      long len = h.nlmsg_len.get();
      if (h.nlmsg_type.intValue() >= FIRST_RECORD_TYPE || len < HEADER_SIZE || len > n - off) {
        out.add(message(h, buf, off + HEADER_SIZE, n - off - HEADER_SIZE));
        break;
      }
      out.add(message(h, buf, off + HEADER_SIZE, (int) len - HEADER_SIZE));
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
    Layouts.NlMsgHdr h = Layouts.over(new Layouts.NlMsgHdr(), buf, 0);
    return message(h, buf, HEADER_SIZE, n - HEADER_SIZE);
  }

  /** The header's type without decoding the rest. */
  static int typeOf(byte[] buf) {
    return Short.toUnsignedInt((short) U16.get(buf, TYPE_OFFSET));
  }

  /** Read per datagram by the listener: a plain load instead of a jnr Struct per call. */
  private static final java.lang.invoke.VarHandle U16 =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
          short[].class, java.nio.ByteOrder.nativeOrder());

  private static final int TYPE_OFFSET = (int) new Layouts.NlMsgHdr().nlmsg_type.offset();

  /** The header's seq without decoding the rest. */
  static long seqOf(byte[] buf) {
    return Layouts.over(new Layouts.NlMsgHdr(), buf, 0).nlmsg_seq.get();
  }

  /** For NLMSG_ERROR: {@code struct nlmsgerr.error}, 0 (an ack) or a negative errno. */
  int error() {
    if (payload.length < 4) {
      return -Integer.MAX_VALUE;
    }
    byte[] b =
        java.util.Arrays.copyOf(
            payload, Math.max(payload.length, Struct.size(new Layouts.NlMsgErr())));
    return Layouts.over(new Layouts.NlMsgErr(), b, 0).error.get();
  }

  private static NetlinkMessage message(Layouts.NlMsgHdr h, byte[] buf, int off, int len) {
    byte[] p = new byte[Math.max(0, len)];
    System.arraycopy(buf, off, p, 0, p.length);
    return new NetlinkMessage(
        h.nlmsg_type.intValue(), h.nlmsg_flags.intValue(), h.nlmsg_seq.get(), h.nlmsg_pid.get(), p);
  }
}
