package dev.fim.auditlink.netlink;

import dev.fim.auditlink.kernel.MessageTypes;
import dev.fim.store.sys.NativeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ObjIntConsumer;
import jnr.constants.platform.Errno;

/**
 * Request → reply exchanges on one audit socket: sends with NLM_F_REQUEST|NLM_F_ACK and a fresh
 * seq, collects the replies of that seq until the acknowledgement and (for AUDIT_GET /
 * AUDIT_LIST_RULES) the data have both arrived, and turns an NLMSG_ERROR into an {@link
 * AuditRefusedException} with a readable reason.
 *
 * <p>The kernel sends AUDIT_GET and AUDIT_LIST_RULES data from a separate kernel thread
 * (kernel/audit.c audit_send_reply, audit_send_list_thread) while the ack is sent right after the
 * request is handled, so the ack may come first: both are awaited. Datagrams of other seqs (audit
 * events have seq 0, when this socket is the audit pid) go to the {@code unsolicited} consumer. Not
 * thread-safe.
 */
final class RequestChannel {
  /** audit.h:54-67; KernelTablesTest checks them against {@link MessageTypes}. */
  static final int AUDIT_GET = 1000;

  static final int AUDIT_SET = 1001;
  static final int AUDIT_ADD_RULE = 1011;
  static final int AUDIT_DEL_RULE = 1012;
  static final int AUDIT_LIST_RULES = 1013;

  /** How long to wait for the kernel's answer before saying so. */
  static final Duration REPLY_TIMEOUT = Duration.ofSeconds(5);

  private final NetlinkSocket socket;
  private final byte[] buf;
  private final ObjIntConsumer<byte[]> unsolicited;
  private long seq;

  RequestChannel(NetlinkSocket socket, int bufferSize, ObjIntConsumer<byte[]> unsolicited) {
    this.socket = socket;
    this.buf = new byte[bufferSize];
    this.unsolicited = unsolicited;
  }

  /** What a request's answer is made of besides the ack. */
  enum Expect {
    /** Only the ack (AUDIT_SET, AUDIT_ADD_RULE, AUDIT_DEL_RULE). */
    ACK,
    /** One data message of the request's type, and the ack (AUDIT_GET). */
    ONE,
    /** Data messages until NLMSG_DONE, and the ack (AUDIT_LIST_RULES). */
    UNTIL_DONE
  }

  /** Sends one request and returns its data messages (empty for {@link Expect#ACK}). */
  List<NetlinkMessage> request(int type, byte[] payload, Expect expect) throws NativeException {
    seq = (seq + 1) & 0xffffffffL;
    if (seq == 0) {
      seq = 1; // seq 0 is what audit events carry
    }
    long mySeq = seq;
    socket.send(
        NetlinkMessage.encode(
            type, NetlinkMessage.NLM_F_REQUEST | NetlinkMessage.NLM_F_ACK, mySeq, 0, payload),
        name(type));
    List<NetlinkMessage> data = new ArrayList<>();
    boolean acked = false;
    boolean done = expect == Expect.ACK;
    long deadline = System.nanoTime() + REPLY_TIMEOUT.toNanos();
    while (!(acked && done)) {
      if (System.nanoTime() - deadline > 0) {
        throw new AuditLinkException(
            name(type),
            Errno.ETIMEDOUT.intValue(),
            "no answer from the kernel within " + REPLY_TIMEOUT.toSeconds() + " s");
      }
      int n = socket.receive(buf);
      if (n == NetlinkSocket.TIMED_OUT) {
        continue;
      }
      if (n == NetlinkSocket.OVERRUN) {
        // Only an audit-pid socket gets enough traffic to overflow; the lost datagrams are events.
        unsolicited.accept(null, NetlinkSocket.OVERRUN);
        continue;
      }
      if (n < NetlinkMessage.HEADER_SIZE) {
        continue;
      }
      if (NetlinkMessage.seqOf(buf) != mySeq) {
        unsolicited.accept(buf, n);
        continue;
      }
      for (NetlinkMessage m : NetlinkMessage.decodeReplies(buf, n)) {
        if (m.seq() != mySeq) {
          continue;
        }
        if (m.type() == NetlinkMessage.NLMSG_ERROR) {
          int error = m.error();
          if (error != 0) {
            throw new AuditRefusedException(name(type), -error, "");
          }
          acked = true;
        } else if (m.type() == NetlinkMessage.NLMSG_DONE) {
          done = true;
        } else if (m.type() == type) {
          data.add(m);
          if (expect == Expect.ONE) {
            done = true;
          }
        }
      }
    }
    return data;
  }

  /**
   * The request type's name in audit.h ({@code AUDIT_ADD_RULE}), from the one message-type table,
   * for messages.
   */
  static String name(int type) {
    String name = MessageTypes.name(type);
    return name != null ? "AUDIT_" + name : "audit message " + type;
  }
}
