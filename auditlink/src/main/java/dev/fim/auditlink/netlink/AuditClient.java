package dev.fim.auditlink.netlink;

import dev.fim.store.sys.NativeException;
import java.util.ArrayList;
import java.util.List;
import jnr.constants.platform.Errno;

/**
 * The audit control client: {@code AUDIT_GET} (status), {@code AUDIT_SET} (one {@link StatusField}
 * at a time), {@code AUDIT_ADD_RULE} / {@code AUDIT_DEL_RULE} with {@code struct audit_rule_data}
 * bytes (from {@code dev.fim.auditlink.rules.RuleCompiler}) and {@code AUDIT_LIST_RULES}. Works
 * beside a running auditd: these requests need CAP_AUDIT_CONTROL, not the audit pid. A refusal is
 * an {@link AuditRefusedException} whose reason says what to do ("rule already exists", "needs
 * CAP_AUDIT_CONTROL (run as root)", immutable mode…).
 *
 * <p>Changes made here are not undone by {@link #close()}; use {@link AuditState} for that. Not
 * thread-safe: one thread uses a client at a time.
 */
public final class AuditClient implements AutoCloseable {
  /**
   * Enough for the largest reply: one audit_rule_data of up to 64 fields plus a 4 KiB buffer, with
   * headers.
   */
  static final int BUFFER_SIZE = 64 * 1024;

  private final NetlinkSocket socket;
  private final RequestChannel channel;

  private AuditClient(NetlinkSocket socket) {
    this.socket = socket;
    this.channel =
        new RequestChannel(
            socket, BUFFER_SIZE, (b, n) -> {}); // nothing unsolicited on a control socket
  }

  /** Opens a control socket. */
  public static AuditClient open() throws NativeException {
    NetlinkSocket s = NetlinkSocket.open(BUFFER_SIZE);
    try {
      s.setReceiveTimeout(java.time.Duration.ofMillis(500));
      return new AuditClient(s);
    } catch (NativeException e) {
      s.close();
      throw e;
    }
  }

  /** {@code AUDIT_GET}: the kernel's audit state ({@code auditctl -s}). */
  public AuditStatus status() throws NativeException {
    try {
      List<NetlinkMessage> r =
          channel.request(RequestChannel.AUDIT_GET, new byte[0], RequestChannel.Expect.ONE);
      byte[] p = r.get(0).payload();
      return AuditStatus.decode(p, 0, p.length);
    } catch (AuditRefusedException e) {
      throw explain(e, RequestChannel.AUDIT_GET, null);
    }
  }

  /**
   * {@code AUDIT_SET} of one field ({@code auditctl -e/-f/-r/-b/--backlog_wait_time}).
   *
   * @param value the new value (unsigned 32-bit)
   */
  public void set(StatusField field, long value) throws NativeException {
    if (value < 0 || value > 0xffffffffL) {
      throw new IllegalArgumentException(
          field.option() + " " + value + " is not an unsigned 32-bit number");
    }
    channel.request(RequestChannel.AUDIT_SET, encodeSet(field, value), RequestChannel.Expect.ACK);
  }

  /** As {@link #set}, turning a refusal into a readable one. */
  void setExplained(StatusField field, long value) throws NativeException {
    try {
      set(field, value);
    } catch (AuditRefusedException e) {
      throw explain(e, RequestChannel.AUDIT_SET, field);
    }
  }

  /** {@code auditctl -e N}. */
  public void setEnabled(long enabled) throws NativeException {
    setExplained(StatusField.ENABLED, enabled);
  }

  /** {@code auditctl -b N}. */
  public void setBacklogLimit(long limit) throws NativeException {
    setExplained(StatusField.BACKLOG_LIMIT, limit);
  }

  /** {@code auditctl -f N}. */
  public void setFailure(long failure) throws NativeException {
    setExplained(StatusField.FAILURE, failure);
  }

  /** {@code auditctl -r N}. */
  public void setRateLimit(long perSecond) throws NativeException {
    setExplained(StatusField.RATE_LIMIT, perSecond);
  }

  /** {@code auditctl --backlog_wait_time N}. */
  public void setBacklogWaitTime(long jiffies) throws NativeException {
    setExplained(StatusField.BACKLOG_WAIT_TIME, jiffies);
  }

  /** {@code AUDIT_ADD_RULE}. EEXIST: "rule already exists"; immutable mode: says so. */
  public void addRule(byte[] auditRuleData) throws NativeException {
    try {
      channel.request(RequestChannel.AUDIT_ADD_RULE, auditRuleData, RequestChannel.Expect.ACK);
    } catch (AuditRefusedException e) {
      throw explain(e, RequestChannel.AUDIT_ADD_RULE, null);
    }
  }

  /** {@code AUDIT_DEL_RULE}: deletes the rule whose bytes match exactly. ENOENT: "no such rule". */
  public void deleteRule(byte[] auditRuleData) throws NativeException {
    try {
      channel.request(RequestChannel.AUDIT_DEL_RULE, auditRuleData, RequestChannel.Expect.ACK);
    } catch (AuditRefusedException e) {
      throw explain(e, RequestChannel.AUDIT_DEL_RULE, null);
    }
  }

  /**
   * {@code AUDIT_LIST_RULES}: the installed rules' audit_rule_data bytes, in the kernel's order.
   */
  public List<byte[]> listRules() throws NativeException {
    try {
      List<byte[]> out = new ArrayList<>();
      for (NetlinkMessage m :
          channel.request(
              RequestChannel.AUDIT_LIST_RULES, new byte[0], RequestChannel.Expect.UNTIL_DONE)) {
        out.add(m.payload());
      }
      return out;
    } catch (AuditRefusedException e) {
      throw explain(e, RequestChannel.AUDIT_LIST_RULES, null);
    }
  }

  @Override
  public void close() {
    socket.close();
  }

  /** The AUDIT_SET payload: a struct audit_status with only {@code field} and its mask bit set. */
  static byte[] encodeSet(StatusField field, long value) {
    byte[] b = new byte[AuditStatus.SIZE];
    Layouts.putU32(b, Layouts.STATUS_MASK, field.mask());
    int offset =
        switch (field) {
          case ENABLED -> Layouts.STATUS_ENABLED;
          case FAILURE -> Layouts.STATUS_FAILURE;
          case PID -> Layouts.STATUS_PID;
          case RATE_LIMIT -> Layouts.STATUS_RATE_LIMIT;
          case BACKLOG_LIMIT -> Layouts.STATUS_BACKLOG_LIMIT;
          case BACKLOG_WAIT_TIME -> Layouts.STATUS_BACKLOG_WAIT_TIME;
        };
    Layouts.putU32(b, offset, value);
    return b;
  }

  /**
   * A refusal with the reason a person acts on (kernel/audit.c audit_receive_msg and
   * auditfilter.c).
   */
  AuditRefusedException explain(AuditRefusedException e, int type, StatusField field) {
    int errno = e.errnoValue();
    String reason = "";
    if (errno == Errno.EPERM.intValue()) {
      boolean locked = false;
      if (type != RequestChannel.AUDIT_GET && type != RequestChannel.AUDIT_LIST_RULES) {
        try {
          locked = status().immutable();
        } catch (NativeException ignored) {
          locked = false; // status refused too: it is the capability
        }
      }
      reason =
          locked
              ? "kernel audit is in immutable mode (enabled=2, auditctl -e 2): rules and settings cannot change until reboot"
              : "needs CAP_AUDIT_CONTROL (run as root)";
    } else if (errno == Errno.EEXIST.intValue()) {
      reason =
          type == RequestChannel.AUDIT_ADD_RULE
              ? "rule already exists"
              : field == StatusField.PID ? "another process is the audit daemon (audit pid)" : "";
    } else if (errno == Errno.ENOENT.intValue() && type == RequestChannel.AUDIT_DEL_RULE) {
      reason = "no such rule";
    } else if (errno == Errno.EACCES.intValue() && field == StatusField.PID) {
      reason = "only the process registered as audit pid can give it back";
    } else if (errno == Errno.EINVAL.intValue()) {
      reason =
          type == RequestChannel.AUDIT_SET
              ? "the kernel rejected " + (field == null ? "the value" : field.option() + "'s value")
              : type == RequestChannel.AUDIT_ADD_RULE || type == RequestChannel.AUDIT_DEL_RULE
                  ? "the kernel rejected the rule (a field, operator or value this kernel does not support)"
                  : "";
    } else if (errno == Errno.ENOSPC.intValue() && type == RequestChannel.AUDIT_ADD_RULE) {
      reason = "the kernel has no room for the rule (too many fields or too long a value)";
    }
    return new AuditRefusedException(e.call(), errno, reason);
  }
}
