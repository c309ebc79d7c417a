package dev.fim.auditlink.parse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fim.auditlink.parse.AuditParseException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RecordParserTest {
  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  static AuditRecord parse(String line) throws AuditParseException {
    byte[] x = b(line);
    return RecordParser.parseLogLineOrThrow(x, 0, x.length);
  }

  /** Header rows: line → type, seconds, millis, serial, node. */
  static Stream<Arguments> headers() {
    return Stream.of(
        Arguments.of(
            "type=SYSCALL msg=audit(1490137971.011:50406): arch=c000003e",
            1300,
            1490137971L,
            11,
            50406L,
            null),
        Arguments.of("node=web-1 type=PATH msg=audit(1.5:0): item=0", 1302, 1L, 500, 0L, "web-1"),
        Arguments.of("type=EOE msg=audit(1.000:4294967295): ", 1320, 1L, 0, 4294967295L, null),
        Arguments.of("type=UNKNOWN[1334] msg=audit(2.123456:7): x=y", 1334, 2L, 123, 7L, null),
        Arguments.of(
            "type=DAEMON_CONFIG msg=audit(1490239800.477:34) config changed, auid=0",
            1203,
            1490239800L,
            477,
            34L,
            null),
        Arguments.of("type=USER_LOGIN msg=audit(3.001:9): pid=1\n", 1112, 3L, 1, 9L, null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("headers")
  void header(String line, int type, long sec, int millis, long serial, String node)
      throws Exception {
    AuditRecord r = parse(line);
    assertEquals(type, r.type());
    assertEquals(sec, r.timestampSeconds());
    assertEquals(millis, r.timestampMillisPart());
    assertEquals(sec * 1000 + millis, r.timestampMillis());
    assertEquals(serial, r.serial());
    assertEquals(node, r.node());
  }

  /** Rejected rows: line → reason. */
  static Stream<Arguments> rejects() {
    return Stream.of(
        Arguments.of("", Reason.MALFORMED),
        Arguments.of("type=SYSCALL", Reason.MALFORMED),
        Arguments.of("type=SYSCALL msg=audit(", Reason.MALFORMED),
        Arguments.of("type=SYSCALL msg=audit(123", Reason.MALFORMED),
        Arguments.of("type=SYSCALL msg=audit(123.4", Reason.MALFORMED),
        Arguments.of("type=SYSCALL msg=audit(123.4:", Reason.MALFORMED),
        Arguments.of("type=SYSCALL msg=audit(123.4:5", Reason.MALFORMED),
        Arguments.of("type=SYSCALL msg=audit(123.4:4294967296): a=b", Reason.MALFORMED),
        Arguments.of("type=SYSCALL msg=audit(x.4:5): a=b", Reason.MALFORMED),
        Arguments.of("type=UNKNOWN[1329] msg=?", Reason.MALFORMED),
        Arguments.of("type=NO_SUCH_TYPE msg=audit(1.2:3): a=b", Reason.UNKNOWN_TYPE),
        Arguments.of("\u00ff\u00fe\u0000binary", Reason.MALFORMED));
  }

  @ParameterizedTest(name = "{1}: {0}")
  @MethodSource("rejects")
  void rejected(String line, Reason reason) {
    AuditParseException e = assertThrows(AuditParseException.class, () -> parse(line));
    assertEquals(reason, e.reason());
  }

  /** Field rows: line, field → display value (null = absent). */
  static Stream<Arguments> fields() {
    String sys = "type=SYSCALL msg=audit(1.2:3): ";
    return Stream.of(
        Arguments.of(sys + "comm=\"cat\" exe=\"/usr/bin/cat\"", "exe", "/usr/bin/cat"),
        Arguments.of(sys + "comm=636174206361", "comm", "cat ca"),
        Arguments.of(sys + "a0=2f61 comm=\"x\"", "a0", "2f61"), // SYSCALL registers stay hex
        Arguments.of("type=EXECVE msg=audit(1.2:3): argc=2 a0=\"ls\" a1=2D6C2061", "a1", "-l a"),
        Arguments.of("type=EXECVE msg=audit(1.2:3): a1_len=10 a1[0]=6869", "a1[0]", "hi"),
        Arguments.of(
            "type=PROCTITLE msg=audit(1.2:3): proctitle=6C73002D6C00", "proctitle", "ls -l"),
        Arguments.of("type=PATH msg=audit(1.2:3): item=0 name=(null)", "name", "(null)"),
        Arguments.of(
            "type=PATH msg=audit(1.2:3): item=0 name=ABC", "name", "ABC"), // odd length: not hex
        Arguments.of(
            "type=PATH msg=audit(1.2:3): item=0 name=GG", "name", "GG"), // bad hex: kept as is
        Arguments.of("type=PATH msg=audit(1.2:3): name=\"unterminated", "name", "unterminated"),
        Arguments.of(
            "type=USER_CMD msg=audit(1.2:3): pid=1 msg='cwd=\"/root\" cmd=6C73 res=success'",
            "cmd",
            "ls"),
        Arguments.of(
            "type=USER_START msg=audit(1.2:3): msg='PAM: session open acct=root : exe=\"/x\" (hostname=?, addr=?, terminal=cron res=success)'",
            "res",
            "success"),
        Arguments.of(
            "type=USER_START msg=audit(1.2:3): msg='PAM: x (hostname=?, addr=?, terminal=cron res=success)'",
            "hostname",
            "?"),
        Arguments.of("type=SYSCALL msg=audit(1.2:3): tty=(none) ses=1", "tty", "(none)"),
        Arguments.of(
            "type=LOGIN msg=audit(1.2:3): login pid=1 uid=0 old auid=4294967295 new auid=0",
            "old_auid",
            "4294967295"),
        Arguments.of(
            "type=AVC msg=audit(1.2:3): avc:  denied  { read write } for  pid=1",
            "seperms",
            "read,write"),
        Arguments.of(
            "type=AVC msg=audit(1.2:3): avc:  denied  { read } for  pid=1", "seresult", "denied"),
        Arguments.of("type=SYSCALL msg=audit(1.2:3): key=6B31016B32", "key", "k1\u0001k2"),
        Arguments.of("type=SYSCALL msg=audit(1.2:3): key=(null)", "key", "(null)"),
        Arguments.of(
            "type=SYSCALL msg=audit(1.2:3): arch=c000003e\u001dARCH=x86_64 UID=\"root\"",
            "arch",
            "c000003e"),
        Arguments.of(
            "type=PATH msg=audit(1.2:3): name=2F746D702F6E616D650A77697468",
            "name",
            "/tmp/name\nwith"));
  }

  @ParameterizedTest(name = "{1} in {0}")
  @MethodSource("fields")
  void field(String line, String name, String expected) throws Exception {
    assertEquals(expected, parse(line).field(name));
  }

  @Test
  void nonUtf8NameKeepsItsBytes() throws Exception {
    // name = "/tmp/\xff\xfe" hex-encoded by the kernel.
    AuditRecord r = parse("type=PATH msg=audit(1.2:3): item=0 name=2F746D702FFFFE nametype=CREATE");
    assertArrayEquals(
        new byte[] {'/', 't', 'm', 'p', '/', (byte) 0xff, (byte) 0xfe}, r.fieldBytes("name"));
    assertEquals("/tmp/\\xff\\xfe", r.field("name"));
    assertTrue(r.fieldWasHex("name"));
    assertEquals("CREATE", r.field("nametype"));
  }

  @Test
  void rawNonUtf8BytesNeverThrow() throws Exception {
    byte[] line = b("type=PATH msg=audit(1.2:3): item=0 name=\"caf\u00e9\" x=\u00ff");
    AuditRecord r = RecordParser.parseLogLineOrThrow(line, 0, line.length);
    assertArrayEquals(new byte[] {'c', 'a', 'f', (byte) 0xe9}, r.fieldBytes("name"));
    assertEquals("caf\\xe9", r.field("name"));
  }

  /**
   * fieldLong reads a plain decimal in place; every value must come out as {@code
   * Long.parseLong(field(name))} does (or the default where that throws), hostile ones included.
   */
  @ParameterizedTest(name = "{0} -> {1}")
  @org.junit.jupiter.params.provider.CsvSource(
      delimiter = '|',
      value = {
        "0|0",
        "42|42",
        "-100|-100",
        "4294967295|4294967295",
        "+5|5",
        "\"7\"|7",
        "999999999999999999|999999999999999999",
        "9223372036854775807|9223372036854775807",
        "-9223372036854775808|-9223372036854775808",
        "9223372036854775808|-1",
        "''|-1",
        "-|-1",
        "--1|-1",
        "12a|-1",
        "1 2|1",
        "(null)|-1",
        "\"\u0663\"|3",
        "\"\u0661\u0662\"|12",
      })
  void fieldLongIsLongParseLongOfTheField(String value, long expected) throws Exception {
    String v = value.equals("''") ? "\"\"" : value;
    byte[] line =
        ("type=SYSCALL msg=audit(1.2:3): pid=" + v + " uid=0").getBytes(StandardCharsets.UTF_8);
    AuditRecord r = RecordParser.parseLogLineOrThrow(line, 0, line.length);
    long viaString;
    try {
      viaString = Long.parseLong(r.field("pid"));
    } catch (NumberFormatException e) {
      viaString = -1;
    }
    assertEquals(viaString, r.fieldLong("pid", -1), "as Long.parseLong of field()");
    assertEquals(expected, r.fieldLong("pid", -1));
    assertEquals(-7, r.fieldLong("ppid", -7), "absent: the default");
  }

  @Test
  void fieldIsComparesTheDecodedBytes() throws Exception {
    // comm=636174 is "cat" hex-encoded; key is quoted
    AuditRecord r =
        parse("type=SYSCALL msg=audit(1.2:3): success=yes comm=636174 key=\"fim\" exe=\"yess\"");
    assertTrue(r.fieldIs("success", "yes"));
    assertTrue(r.fieldIs("comm", "cat"));
    assertTrue(r.fieldIs("key", "fim"));
    org.junit.jupiter.api.Assertions.assertFalse(r.fieldIs("exe", "yes"), "a longer value");
    org.junit.jupiter.api.Assertions.assertFalse(r.fieldIs("success", "ye"), "a shorter one");
    org.junit.jupiter.api.Assertions.assertFalse(r.fieldIs("exit", "yes"), "absent");
  }

  /** Values are ranges of the record's text now: a caller's copy must not reach back into it. */
  @Test
  void fieldBytesIsTheCallersOwnCopy() throws Exception {
    AuditRecord r = parse("type=PATH msg=audit(1.2:3): item=0 name=\"/etc/shadow\" inode=5");
    byte[] name = r.fieldBytes("name");
    Arrays.fill(name, (byte) 'x');
    assertArrayEquals(b("/etc/shadow"), r.fieldBytes("name"));
    assertEquals("/etc/shadow", r.field("name"));
    assertEquals(5, r.fieldLong("inode", 0));
    byte[] raw = r.raw();
    Arrays.fill(raw, (byte) 'y');
    assertEquals("/etc/shadow", r.field("name"));
  }

  @Test
  void enrichedSectionIsSeparate() throws Exception {
    AuditRecord r =
        parse(
            "type=SYSCALL msg=audit(1.2:3): arch=c000003e auid=1000 uid=0\u001dARCH=x86_64 AUID=\"alice\" UID=\"root\"");
    assertEquals("1000", r.field("auid"));
    assertNull(r.field("AUID"));
    assertEquals("alice", r.enrichedField("AUID"));
    assertEquals("root", r.enriched().get("UID"));
    assertEquals(3, r.fields().size());
  }

  @Test
  void fieldsByPositionKeepRepeatsAndOrder() throws Exception {
    AuditRecord r =
        parse(
            "type=USER_ACCT msg=audit(1.2:3): pid=7 uid=0 msg='op=PAM:accounting acct=\"root\" uid=5 res=success'");
    assertEquals(6, r.fieldCount()); // pid uid | op acct uid res, spliced from msg='…'
    assertEquals(
        r.fieldNames(),
        java.util.stream.IntStream.range(0, r.fieldCount()).mapToObj(r::fieldName).toList());
    assertEquals("uid", r.fieldName(1));
    assertEquals("0", r.fieldValue(1));
    assertEquals("uid", r.fieldName(4));
    assertEquals("5", r.fieldValue(4)); // the repeat, which field("uid") never gives
    assertEquals("0", r.field("uid"));
    assertThrows(IndexOutOfBoundsException.class, () -> r.fieldName(6));
  }

  @Test
  void netlinkPayload() {
    byte[] p = b("audit(1490137971.011:50406): cwd=\"/root\"\0\0");
    RecordParser parser = new RecordParser();
    AuditRecord r = parser.parseNetlink(1307, p, 0, p.length);
    assertNotNull(r);
    assertEquals("CWD", r.typeName());
    assertEquals("/root", r.field("cwd"));
    assertEquals(50406, r.serial());
    assertNull(parser.parseNetlink(1307, b("garbage"), 0, 7));
    assertEquals(new ParseCounters(1, 1, 0, 0), parser.counters());
  }

  @Test
  void offsetAndLengthAreHonoured() {
    byte[] buf = b("XXXtype=CWD msg=audit(1.2:3): cwd=\"/a\"YYY");
    AuditRecord r = new RecordParser().parseLogLine(buf, 3, buf.length - 6);
    assertEquals("/a", r.field("cwd"));
  }

  @Test
  void megabyteLineIsCountedAndSkipped() {
    byte[] big = new byte[1 << 20];
    Arrays.fill(big, (byte) 'a');
    byte[] head = b("type=SYSCALL msg=audit(1.2:3): a=");
    System.arraycopy(head, 0, big, 0, head.length);
    RecordParser parser = new RecordParser();
    assertNull(parser.parseLogLine(big));
    assertEquals(1, parser.counters().tooLong());
  }

  @Test
  void unterminatedQuoteIsCachedAsFieldError() throws Exception {
    AuditRecord r = parse("type=PATH msg=audit(1.2:3): item=0 name=\"abc");
    assertNotNull(r.fieldError());
    assertEquals("abc", r.field("name"));
    assertEquals(r.fieldError(), r.fieldError());
  }

  @Test
  void recordTypeTable() {
    assertEquals("SYSCALL", RecordType.name(1300));
    assertEquals(1300, RecordType.number("SYSCALL"));
    assertEquals("UNKNOWN[9999]", RecordType.name(9999));
    assertEquals(9999, RecordType.number("UNKNOWN[9999]"));
    assertEquals(-1, RecordType.number("UNKNOWN[x]"));
    assertEquals(-1, RecordType.number("BOGUS"));
    assertEquals(1327, RecordType.number("PROCTITLE"));
  }
}
