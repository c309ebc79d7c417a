package dev.fim.engine.correlate;

import static dev.fim.engine.correlate.ChangeDecoderTest.NAMES;
import static dev.fim.engine.correlate.ChangeDecoderTest.SERIAL;
import static dev.fim.engine.correlate.ChangeDecoderTest.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.fim.auditlink.parse.AuditRecord;
import dev.fim.store.Actor;
import dev.fim.store.PathBytes;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The decoder's shortcuts (issue 18, session 17) give what the plain way gives: the last actor of a
 * pid reused only when every value it was made of is the same, {@code fold} skipped only for a path
 * it would give back unchanged, {@code dev=} and {@code nametype=} read from bytes as the display
 * string was read, AT_FDCWD told in place, the syscall's name remembered per arch and number.
 */
class ChangeDecoderShortcutsTest {
  static String syscall(
      int pid, int ppid, long auid, long euid, long ses, String tty, String comm, String exe) {
    return "type=SYSCALL msg="
        + SERIAL
        + "arch=c000003e syscall=257 success=yes exit=3 a0=ffffff9c a1=7ffd a2=441 a3=1b6 items=1"
        + " ppid="
        + ppid
        + " pid="
        + pid
        + " auid="
        + auid
        + " uid=0 gid=0 euid="
        + euid
        + " suid=0 fsuid=0 egid=0 sgid=0 fsgid=0"
        + (tty == null ? "" : " tty=" + tty)
        + " ses="
        + ses
        + (comm == null ? "" : " comm=" + comm)
        + " exe="
        + exe
        + " key=\"fim\"";
  }

  static String path(String name, String dev, String nametype) {
    return "type=PATH msg="
        + SERIAL
        + "item=0 name="
        + name
        + " inode=12 dev="
        + dev
        + " mode=0100644 ouid=0 ogid=0 rdev=00:00 nametype="
        + nametype
        + " cap_fp=0";
  }

  static String title(String hex) {
    return "type=PROCTITLE msg=" + SERIAL + "proctitle=" + hex;
  }

  /**
   * A random walk over events of two pids, each value changed alone now and then: one decoder (with
   * its per-pid memory) gives an actor equal to a fresh decoder's for the same event, and the very
   * instance it gave before whenever that is equal to the pid's last one.
   */
  @Test
  void aRememberedActorIsReusedExactlyWhenAFreshOneWouldEqualIt() {
    Random rnd = new Random(18);
    String[] ttys = {"pts0", "(none)", null, "tty1"};
    String[] comms = {"\"sh\"", "\"vim\"", "(null)", null, "76696D2076"};
    String[] exes = {"\"/usr/bin/dash\"", "\"/usr/bin/vim.basic\"", "(null)"};
    long[] ids = {0, 1001, 4294967295L};
    ChangeDecoder decoder = new ChangeDecoder("fim", NAMES);
    Map<Integer, Actor> last = new HashMap<>();
    int reused = 0;
    int made = 0;
    // per pid: ppid, auid, euid, ses, tty, comm, exe, proctitle (index into the tables above)
    int[][] state = new int[2][8];
    for (int k = 0; k < 3000; k++) {
      int pid = 40 + rnd.nextInt(2);
      int[] v = state[pid - 40];
      if (rnd.nextBoolean()) {
        int which = rnd.nextInt(8);
        int[] sizes = {2, 3, 3, 2, ttys.length, comms.length, exes.length, 2};
        v[which] = rnd.nextInt(sizes[which]);
      }
      // one command line per exe and pid: never the stale copy, so a fresh decoder agrees on args
      String proctitle =
          v[7] == 0 ? null : String.format("%02X00%02X", 0x61 + v[6], 0x61 + pid % 2);
      String sys =
          syscall(pid, 1 + v[0], ids[v[1]], ids[v[2]], v[3], ttys[v[4]], comms[v[5]], exes[v[6]]);
      List<AuditRecord> ev =
          proctitle == null
              ? event(sys, path("\"/t/f\"", "fe:01", "NORMAL"))
              : event(sys, path("\"/t/f\"", "fe:01", "NORMAL"), title(proctitle));
      Actor got = decoder.decode(ev, 0).actor();
      Actor want = new ChangeDecoder("fim", NAMES).decode(ev, 0).actor();
      assertEquals(want, got, "event " + k);
      Actor before = last.put(pid, got);
      if (want.equals(before)) {
        assertSame(before, got, "event " + k);
        reused++;
      } else {
        made++;
      }
    }
    // both ways were taken, many times
    assertEquals(true, reused > 100 && made > 100, reused + " reused, " + made + " made");
  }

  @Test
  void eachValueChangedAloneMakesANewActor() {
    ChangeDecoder decoder = new ChangeDecoder("fim", NAMES);
    String base = syscall(7, 1, 1001, 0, 3, "pts0", "\"sh\"", "\"/bin/sh\"");
    Actor first = decoder.decode(event(base, title("736800")), 0).actor();
    assertSame(first, decoder.decode(event(base, title("736800")), 0).actor());
    List<String> changed =
        List.of(
            syscall(7, 2, 1001, 0, 3, "pts0", "\"sh\"", "\"/bin/sh\""),
            syscall(7, 1, 0, 0, 3, "pts0", "\"sh\"", "\"/bin/sh\""),
            syscall(7, 1, 1001, 1001, 3, "pts0", "\"sh\"", "\"/bin/sh\""),
            syscall(7, 1, 1001, 0, 4, "pts0", "\"sh\"", "\"/bin/sh\""),
            syscall(7, 1, 1001, 0, 3, "pts1", "\"sh\"", "\"/bin/sh\""),
            syscall(7, 1, 1001, 0, 3, null, "\"sh\"", "\"/bin/sh\""),
            syscall(7, 1, 1001, 0, 3, "pts0", "\"sx\"", "\"/bin/sh\""),
            syscall(7, 1, 1001, 0, 3, "pts0", null, "\"/bin/sh\""));
    for (String s : changed) {
      Actor a = decoder.decode(event(s, title("736800")), 0).actor();
      assertNotSame(first, a, s);
      assertEquals(new ChangeDecoder("fim", NAMES).decode(event(s, title("736800")), 0).actor(), a);
      // and back: equal to the first again, but the pid's last actor was the changed one
      Actor back = decoder.decode(event(base, title("736800")), 0).actor();
      assertEquals(first, back);
    }
    Actor otherArgs = decoder.decode(event(base, title("7368002D6300")), 0).actor();
    assertEquals(List.of("sh", "-c"), otherArgs.args());
    Actor noTitle = decoder.decode(event(base), 0).actor();
    assertNull(noTitle.args());
  }

  @Test
  void aCommThatIsNullOrAbsentAndTheSameBytesHexEncodedGiveEqualActors() {
    ChangeDecoder decoder = new ChangeDecoder("fim", NAMES);
    Actor quoted =
        decoder.decode(event(syscall(9, 1, 0, 0, 1, "pts0", "\"sh\"", "\"/bin/sh\"")), 0).actor();
    Actor hex =
        decoder.decode(event(syscall(9, 1, 0, 0, 1, "pts0", "7368", "\"/bin/sh\"")), 0).actor();
    assertSame(quoted, hex); // the same decoded bytes
    Actor nul =
        decoder.decode(event(syscall(9, 1, 0, 0, 1, "pts0", "(null)", "\"/bin/sh\"")), 0).actor();
    Actor absent =
        decoder.decode(event(syscall(9, 1, 0, 0, 1, "pts0", null, "\"/bin/sh\"")), 0).actor();
    assertNull(nul.name());
    assertSame(nul, absent); // other bytes, an equal actor: the last one is kept, as before
  }

  @Test
  void isFoldedIsExactlyWhenFoldGivesThePathBack() {
    // every path of up to 8 bytes over '/', '.', 'a'
    byte[] alphabet = {'/', '.', 'a'};
    for (int len = 0; len <= 8; len++) {
      int count = (int) Math.pow(3, len);
      for (int n = 0; n < count; n++) {
        byte[] p = new byte[len];
        int x = n;
        for (int i = 0; i < len; i++) {
          p[i] = alphabet[x % 3];
          x /= 3;
        }
        boolean folds = len > 0 && p[0] == '/' && ChangeDecoder.fold(p).equals(PathBytes.of(p));
        assertEquals(folds, ChangeDecoder.isFolded(p), new String(p, StandardCharsets.US_ASCII));
      }
    }
  }

  @ParameterizedTest(name = "dev={0}")
  @CsvSource({
    "fd:01",
    "FD:0A",
    "0:0",
    "fffffff:1",
    "ffffffff:00",
    "fd:01:02",
    "+fd:01",
    "fd:+1",
    "fd:",
    ":01",
    "-1:2",
    "fd",
    "1234567:7654321",
    "12345678:1",
    "g0:01",
    "fd:0g",
    "08:00"
  })
  void devIsReadAsParseIntOfItsDisplayString(String dev) {
    AuditRecord p = withPath(dev).get(1);
    PathItem got = new ChangeDecoder("fim", NAMES).decode(withPath(dev), 0).items().get(0);
    String s = p.field("dev");
    int major = -1;
    int minor = -1;
    int colon = s.indexOf(':');
    try {
      if (colon > 0) {
        major = Integer.parseInt(s.substring(0, colon), 16);
        minor = Integer.parseInt(s.substring(colon + 1), 16);
      }
    } catch (NumberFormatException e) {
      major = -1;
      minor = -1;
    }
    assertEquals(major, got.devMajor(), dev);
    assertEquals(minor, got.devMinor(), dev);
  }

  private static List<AuditRecord> withPath(String dev) {
    return event(
        syscall(5, 1, 0, 0, 1, "pts0", "\"sh\"", "\"/bin/sh\""), path("\"/t/f\"", dev, "NORMAL"));
  }

  @ParameterizedTest(name = "nametype={0}")
  @CsvSource({
    "NORMAL", "PARENT", "CREATE", "DELETE", "UNKNOWN", "normal", "NORMALX", "NORMA", "''"
  })
  void nameTypeIsReadAsItsDisplayString(String nametype) {
    String value = nametype.isEmpty() ? "" : nametype;
    List<AuditRecord> ev =
        event(
            syscall(5, 1, 0, 0, 1, "pts0", "\"sh\"", "\"/bin/sh\""),
            path("\"/t/f\"", "fe:01", value));
    NameType want = NameType.of(ev.get(1).field("nametype"));
    assertEquals(want, new ChangeDecoder("fim", NAMES).decode(ev, 0).items().get(0).nameType());
  }

  @Test
  void nonAsciiNameTypeBytesAreUnknown() {
    byte[] v = {(byte) 0xc3, (byte) 0x89};
    assertEquals(NameType.UNKNOWN, ChangeDecoder.nameType(v));
    assertEquals(NameType.UNKNOWN, ChangeDecoder.nameType(null));
    assertEquals(
        NameType.CREATE, ChangeDecoder.nameType("CREATE".getBytes(StandardCharsets.UTF_8)));
  }

  @ParameterizedTest(name = "a0={0}")
  @CsvSource({
    "ffffff9c, true",
    "FFFFFF9C, true",
    "ffffffffffffff9c, true",
    "3, false",
    "ffffff9d, false",
    "xyz, false"
  })
  void aRelativeNameIsResolvedOnlyAgainstAtFdcwd(String a0, boolean resolved) {
    String s =
        syscall(5, 1, 0, 0, 1, "pts0", "\"sh\"", "\"/bin/sh\"").replace("a0=ffffff9c", "a0=" + a0);
    List<AuditRecord> ev = event(s, ChangeDecoderTest.CWD, path("\"rel\"", "fe:01", "NORMAL"));
    PathItem item = new ChangeDecoder("fim", NAMES).decode(ev, 0).items().get(0);
    if (resolved) {
      assertEquals(PathBytes.ofUtf8("/var/tmp/t/rel"), item.path());
    } else {
      assertNull(item.path());
    }
  }

  @Test
  void theSyscallNameFollowsEachEventsArchAndNumber() {
    ChangeDecoder decoder = new ChangeDecoder("fim", NAMES);
    String base = syscall(5, 1, 0, 0, 1, "pts0", "\"sh\"", "\"/bin/sh\"");
    String[][] cases = {
      {"arch=c000003e syscall=257", "openat"},
      {"arch=c000003e syscall=2", "open"},
      {"arch=c000003e syscall=257", "openat"},
      {"arch=40000003 syscall=5", "open"},
      {"arch=40000003 syscall=257", null},
      {"arch=c000003e syscall=257", "openat"},
      {"arch=c000003e syscall=99999", null},
      {"arch=c000003e syscall=x", null},
    };
    for (String[] c : cases) {
      List<AuditRecord> ev = event(base.replace("arch=c000003e syscall=257", c[0]));
      AuditedChange got = decoder.decode(ev, 0);
      assertNotNull(got);
      String want =
          dev.fim.auditlink.interpret.Interpreter.syscall(
              ev.get(0).field("arch"), ev.get(0).field("syscall"));
      assertEquals(want, got.syscall(), c[0]);
      if (c[1] != null) {
        assertEquals(c[1], got.syscall(), c[0]);
      }
    }
  }

  @Test
  void eachEventsNameIsResolvedAgainstItsOwnCwd() {
    ChangeDecoder decoder = new ChangeDecoder("fim", NAMES);
    String sys = syscall(5, 1, 0, 0, 1, "pts0", "\"sh\"", "\"/bin/sh\"");
    String[][] cases = {
      {"\"/a\"", "/a/rel"},
      {"\"/a\"", "/a/rel"},
      {"\"/b/./c/\"", "/b/c/rel"},
      {"\"/a\"", "/a/rel"},
      {"\"relative\"", null},
      {"\"/a\"", "/a/rel"},
      {"2F612F2E2E2F62", "/b/rel"},
      {"\"/a\"", "/a/rel"},
    };
    for (String[] c : cases) {
      List<AuditRecord> ev =
          event(sys, "type=CWD msg=" + SERIAL + "cwd=" + c[0], path("\"rel\"", "fe:01", "NORMAL"));
      PathBytes got = decoder.decode(ev, 0).items().get(0).path();
      assertEquals(c[1] == null ? null : PathBytes.ofUtf8(c[1]), got, c[0]);
    }
    List<AuditRecord> noCwd = event(sys, path("\"rel\"", "fe:01", "NORMAL"));
    assertNull(decoder.decode(noCwd, 0).items().get(0).path());
  }

  @Test
  void aCommandLineSeenUnderAnotherExeIsStillTheStaleCopy() {
    ChangeDecoder decoder = new ChangeDecoder("fim", NAMES);
    String sh = syscall(8, 1, 0, 0, 1, "pts0", "\"sh\"", "\"/bin/sh\"");
    String vim = syscall(8, 1, 0, 0, 1, "pts0", "\"vim\"", "\"/usr/bin/vim\"");
    assertEquals(List.of("sh"), decoder.decode(event(sh, title("7368")), 0).actor().args());
    assertEquals(List.of("sh"), decoder.decode(event(sh, title("7368")), 0).actor().args());
    // exec without a fork: the kernel repeats the old command line under the new exe
    assertNull(decoder.decode(event(vim, title("7368")), 0).actor().args());
    assertNull(decoder.decode(event(vim, title("7368")), 0).actor().args());
    assertEquals(List.of("vim"), decoder.decode(event(vim, title("76696D")), 0).actor().args());
  }
}
