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
import jnr.ffi.Struct;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Struct sizes against the uapi headers, and the message codec (no kernel needed). */
class LayoutsTest {
  static List<Arguments> sizes() {
    return List.of(
        // name, layout, sizeof in include/uapi/linux/{netlink,audit}.h on x86_64
        Arguments.of("struct nlmsghdr", new Layouts.NlMsgHdr(), 16),
        Arguments.of("struct nlmsgerr (error + request header)", new Layouts.NlMsgErr(), 20),
        Arguments.of("struct sockaddr_nl", new Layouts.SockaddrNl(), 12),
        Arguments.of("struct audit_status (5.9+)", new Layouts.AuditStatusLayout(), 44),
        Arguments.of("struct timeval (LP64)", new Layouts.Timeval(), 16));
  }

  @ParameterizedTest(name = "{0} is {2} bytes")
  @MethodSource("sizes")
  void layoutSizesMatchTheHeaders(String name, Struct layout, int expected) {
    assertEquals(expected, Struct.size(layout), name);
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
