package dev.fim.auditlink.netlink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fim.store.sys.NativeException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import jnr.constants.platform.Errno;
import jnr.ffi.Runtime;
import jnr.ffi.Struct;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Struct sizes against the uapi headers, and the message codec (no kernel needed). */
class LayoutsTest {
  /**
   * The old jnr-ffi declarations of the structs (sessions before issue 18's port to plain offsets),
   * laid out by jnr's own struct algorithm: an independent check of every offset in {@link
   * Layouts}.
   */
  static final class NlMsgHdr extends Struct {
    final Unsigned32 nlmsg_len = new Unsigned32();
    final Unsigned16 nlmsg_type = new Unsigned16();
    final Unsigned16 nlmsg_flags = new Unsigned16();
    final Unsigned32 nlmsg_seq = new Unsigned32();
    final Unsigned32 nlmsg_pid = new Unsigned32();

    NlMsgHdr() {
      super(Runtime.getSystemRuntime());
    }
  }

  static final class NlMsgErr extends Struct {
    final Signed32 error = new Signed32();
    final NlMsgHdr msg = inner(new NlMsgHdr());

    NlMsgErr() {
      super(Runtime.getSystemRuntime());
    }
  }

  static final class SockaddrNl extends Struct {
    final Unsigned16 nl_family = new Unsigned16();
    final Unsigned16 nl_pad = new Unsigned16();
    final Unsigned32 nl_pid = new Unsigned32();
    final Unsigned32 nl_groups = new Unsigned32();

    SockaddrNl() {
      super(Runtime.getSystemRuntime());
    }
  }

  static final class AuditStatusLayout extends Struct {
    final Unsigned32 mask = new Unsigned32();
    final Unsigned32 enabled = new Unsigned32();
    final Unsigned32 failure = new Unsigned32();
    final Unsigned32 pid = new Unsigned32();
    final Unsigned32 rate_limit = new Unsigned32();
    final Unsigned32 backlog_limit = new Unsigned32();
    final Unsigned32 lost = new Unsigned32();
    final Unsigned32 backlog = new Unsigned32();
    final Unsigned32 feature_bitmap = new Unsigned32();
    final Unsigned32 backlog_wait_time = new Unsigned32();
    final Unsigned32 backlog_wait_time_actual = new Unsigned32();

    AuditStatusLayout() {
      super(Runtime.getSystemRuntime());
    }
  }

  static final class Timeval extends Struct {
    final SignedLong tv_sec = new SignedLong();
    final SignedLong tv_usec = new SignedLong();

    Timeval() {
      super(Runtime.getSystemRuntime());
    }
  }

  static List<Arguments> sizes() {
    return List.of(
        // name, jnr's size, fim's size; sizeof in include/uapi/linux/{netlink,audit}.h on x86_64
        Arguments.of("struct nlmsghdr", Struct.size(new NlMsgHdr()), Layouts.NLMSGHDR_SIZE, 16),
        Arguments.of(
            "struct nlmsgerr (error + request header)",
            Struct.size(new NlMsgErr()),
            Layouts.NLMSGERR_SIZE,
            20),
        Arguments.of(
            "struct sockaddr_nl", Struct.size(new SockaddrNl()), Layouts.SOCKADDR_NL_SIZE, 12),
        Arguments.of(
            "struct audit_status (5.9+)",
            Struct.size(new AuditStatusLayout()),
            Layouts.AUDIT_STATUS_SIZE,
            44),
        Arguments.of(
            "struct timeval (LP64)", Struct.size(new Timeval()), Layouts.TIMEVAL_SIZE, 16));
  }

  @ParameterizedTest(name = "{0} is {3} bytes")
  @MethodSource("sizes")
  void layoutSizesMatchTheHeaders(String name, int jnr, int fim, int expected) {
    assertEquals(expected, jnr, name + " by jnr's layout");
    assertEquals(expected, fim, name + " in Layouts");
  }

  @Test
  void everyOffsetIsWhereJnrLaysTheFieldOut() {
    NlMsgHdr h = new NlMsgHdr();
    assertEquals(h.nlmsg_len.offset(), Layouts.NLMSG_LEN);
    assertEquals(h.nlmsg_type.offset(), Layouts.NLMSG_TYPE);
    assertEquals(h.nlmsg_flags.offset(), Layouts.NLMSG_FLAGS);
    assertEquals(h.nlmsg_seq.offset(), Layouts.NLMSG_SEQ);
    assertEquals(h.nlmsg_pid.offset(), Layouts.NLMSG_PID);
    SockaddrNl a = new SockaddrNl();
    assertEquals(a.nl_family.offset(), Layouts.NL_FAMILY);
    assertEquals(a.nl_pid.offset(), Layouts.NL_PID);
    assertEquals(a.nl_groups.offset(), Layouts.NL_GROUPS);
    AuditStatusLayout s = new AuditStatusLayout();
    assertEquals(s.mask.offset(), Layouts.STATUS_MASK);
    assertEquals(s.enabled.offset(), Layouts.STATUS_ENABLED);
    assertEquals(s.failure.offset(), Layouts.STATUS_FAILURE);
    assertEquals(s.pid.offset(), Layouts.STATUS_PID);
    assertEquals(s.rate_limit.offset(), Layouts.STATUS_RATE_LIMIT);
    assertEquals(s.backlog_limit.offset(), Layouts.STATUS_BACKLOG_LIMIT);
    assertEquals(s.lost.offset(), Layouts.STATUS_LOST);
    assertEquals(s.backlog.offset(), Layouts.STATUS_BACKLOG);
    assertEquals(s.feature_bitmap.offset(), Layouts.STATUS_FEATURE_BITMAP);
    assertEquals(s.backlog_wait_time.offset(), Layouts.STATUS_BACKLOG_WAIT_TIME);
    assertEquals(s.backlog_wait_time_actual.offset(), Layouts.STATUS_BACKLOG_WAIT_TIME_ACTUAL);
    assertEquals(new NlMsgErr().msg.nlmsg_len.offset(), 4, "nlmsgerr's header after its error");
  }

  @Test
  void aStatusDecodesEveryFieldFromItsOwnOffset() {
    byte[] p = new byte[44];
    ByteBuffer b = ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < 11; i++) {
      b.putInt(i * 4, 100 + i);
    }
    b.putInt(24, -1); // lost is a u32: 4294967295, not -1
    assertEquals(
        new AuditStatus(101, 102, 103, 104, 105, 4294967295L, 107, 108, 109, 110),
        AuditStatus.decode(p, 0, p.length));
  }

  @Test
  void requestHeaderIsLittleEndianWithLengthIncludingHeaderAndPadding() {
    byte[] m =
        NetlinkMessage.encode(
            RequestChannel.AUDIT_GET,
            NetlinkMessage.NLM_F_REQUEST | NetlinkMessage.NLM_F_ACK,
            7,
            0,
            new byte[] {1, 2, 3});
    ByteBuffer b = ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(20, m.length, "19 bytes padded to NLMSG_ALIGNTO");
    assertEquals(19, b.getInt(0), "nlmsg_len counts the header and the unpadded payload");
    assertEquals(1000, b.getShort(4));
    assertEquals(5, b.getShort(6));
    assertEquals(7, b.getInt(8));
    assertEquals(0, b.getInt(12));
    assertEquals(3, m[18]);
  }

  @Test
  void repliesWalkAlignedMessages() {
    byte[] a =
        NetlinkMessage.encode(
            RequestChannel.AUDIT_LIST_RULES,
            NetlinkMessage.NLM_F_MULTI,
            9,
            0,
            new byte[] {1, 2, 3, 4, 5});
    byte[] done =
        NetlinkMessage.encode(
            NetlinkMessage.NLMSG_DONE, NetlinkMessage.NLM_F_MULTI, 9, 0, new byte[4]);
    byte[] both = new byte[a.length + done.length];
    System.arraycopy(a, 0, both, 0, a.length);
    System.arraycopy(done, 0, both, a.length, done.length);
    List<NetlinkMessage> ms = NetlinkMessage.decodeReplies(both, both.length);
    assertEquals(2, ms.size());
    assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, ms.get(0).payload());
    assertEquals(NetlinkMessage.NLMSG_DONE, ms.get(1).type());
    assertEquals(9, ms.get(1).seq());
  }

  /**
   * The kernel sets nlmsg_len of a record sent to the audit pid to the payload length, without the
   * header.
   */
  @Test
  void eventPayloadIsTheRestOfTheDatagramWhateverNlmsgLenSays() {
    byte[] text =
        "audit(1700000000.123:42): arch=c000003e syscall=257".getBytes(StandardCharsets.US_ASCII);
    byte[] m = NetlinkMessage.encode(1300, 0, 0, 0, text);
    ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN).putInt(0, text.length); // the unicast quirk
    int n = NetlinkMessage.HEADER_SIZE + text.length;
    NetlinkMessage e = NetlinkMessage.decodeEvent(m, n);
    assertEquals(1300, e.type());
    assertArrayEquals(text, e.payload());
    // the generic walk also keeps the whole payload rather than cutting 16 bytes off it
    assertArrayEquals(text, NetlinkMessage.decodeReplies(m, n).get(0).payload());
  }

  @Test
  void nlmsgerrCarriesTheNegativeErrno() {
    byte[] p = new byte[20];
    ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN).putInt(0, -Errno.EEXIST.intValue());
    byte[] m = NetlinkMessage.encode(NetlinkMessage.NLMSG_ERROR, 0, 3, 0, p);
    assertEquals(-17, NetlinkMessage.decodeReplies(m, m.length).get(0).error());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(StatusField.class)
  void auditSetCarriesOneFieldAndItsMaskBit(StatusField f) {
    ByteBuffer b = ByteBuffer.wrap(AuditClient.encodeSet(f, 12345)).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(44, b.capacity());
    assertEquals(f.mask(), b.getInt(0));
    int offset =
        switch (f) {
          case ENABLED -> 4;
          case FAILURE -> 8;
          case PID -> 12;
          case RATE_LIMIT -> 16;
          case BACKLOG_LIMIT -> 20;
          case BACKLOG_WAIT_TIME -> 36;
        };
    for (int i = 4; i < 44; i += 4) {
      assertEquals(i == offset ? 12345 : 0, b.getInt(i), "offset " + i);
    }
  }

  @Test
  void statusDecodesAShorterPayloadOfAnOlderKernel() {
    byte[] p = new byte[40]; // before 5.9: no backlog_wait_time_actual
    ByteBuffer b = ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(4, 2).putInt(12, 4242).putInt(20, 8192).putInt(36, 60000);
    AuditStatus s = AuditStatus.decode(p, 0, p.length);
    assertEquals(new AuditStatus(2, 0, 4242, 0, 8192, 0, 0, 0, 60000, 0), s);
    assertTrue(s.immutable());
  }

  @Test
  void nativeExceptionReadsCallErrnoReason() {
    NativeException e =
        new AuditRefusedException("AUDIT_ADD_RULE", Errno.EEXIST.intValue(), "rule already exists");
    assertEquals("AUDIT_ADD_RULE: EEXIST (File exists); rule already exists", e.getMessage());
    assertEquals(Errno.EEXIST, e.errno());
    assertEquals("recvfrom: errno 4000", new NativeException("recvfrom", 4000, "").getMessage());
  }
}
