package dev.fim.auditlink.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fim.auditlink.Fixtures;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The log half of {@code --audit-log}: which events a search for a set of paths hands on (the line
 * test is a superset: relative names by their last component), the time window, rotations,
 * unreadable files, and the seek into a file by time ({@link LogSpan}).
 */
class PathEventSearchTest {
  @TempDir Path tmp;

  static List<Long> serials(List<Path> files, long from, long until, String... paths)
      throws IOException {
    List<byte[]> wanted = new ArrayList<>();
    for (String p : paths) wanted.add(p.getBytes(StandardCharsets.UTF_8));
    List<Long> out = new ArrayList<>();
    new PathEventSearch(wanted, from, until).run(files, e -> out.add(e.sequence()));
    return out;
  }

  /**
   * go-libaudit's reassembly/normal.log (events 58-62, 1492037289-1492037298) and auparse/test2.log
   * (event 293).
   */
  @ParameterizedTest(name = "{0}: {1} → {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "reassembly/normal.log | /usr/bin/grep                    | 59    | absolute name",
        "reassembly/normal.log | /lib64/ld-linux-x86-64.so.2      | 59 60 | one path, two events",
        "reassembly/normal.log | /var/spool/postfix/public/pickup | 61    | relative 'public/pickup': by last component",
        "reassembly/normal.log | /elsewhere/pickup                | 61    | the same candidate: only the CWD tells them apart",
        "reassembly/normal.log | /usr/bin                         | ''    | a directory is not its entries",
        "auparse/test2.log     | /var/spool/postfix/maildrop      | 293   | relative 'maildrop'",
      })
  void candidatesOnPeerFixtures(String fixture, String path, String expected, String why)
      throws IOException {
    List<Long> got =
        serials(List.of(Fixtures.file("go-libaudit/" + fixture)), 0, Long.MAX_VALUE, path);
    assertEquals(
        expected.isBlank()
            ? List.of()
            : java.util.Arrays.stream(expected.split(" ")).map(Long::valueOf).toList(),
        got,
        why);
  }

  @Test
  void theTimeWindowIsInclusiveAndPerEvent() throws IOException {
    Path f = Fixtures.file("go-libaudit/reassembly/normal.log");
    assertEquals(
        List.of(59L), serials(List.of(f), 1492037291036L, 1492037291036L, "/usr/bin/grep"));
    assertEquals(List.of(), serials(List.of(f), 1492037291037L, Long.MAX_VALUE, "/usr/bin/grep"));
    assertEquals(
        List.of(60L),
        serials(List.of(f), 1492037291037L, Long.MAX_VALUE, "/lib64/ld-linux-x86-64.so.2"));
  }

  @ParameterizedTest(name = "{0} finds {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "/etc/hosts     | name=\"/etc//./hosts\"          | folded",
        "/etc           | name=\"/etc/\"                  | PARENT's trailing slash",
        "/etc/hosts     | name=\"/etc/x/../hosts\"        | dir/.. folded",
        "/tmp/a b       | name=2F746D702F612062           | hex-encoded (a space in the name)",
        "/tmp/a b       | name=2f746d702f612062           | lower-case hex too",
        "/x/caf\u00e9   | name=\"caf\u00e9\"              | relative, non-ASCII last component",
      })
  void namesAreReadAsTheKernelWritesThem(String path, String field, String why) throws IOException {
    Path log = tmp.resolve("audit.log");
    Files.write(
        log,
        List.of(
            "type=SYSCALL msg=audit(1700000000.100:7): arch=c000003e syscall=257 success=yes exit=3 a0=ffffff9c"
                + " a1=1 a2=241 a3=1b6 items=1 ppid=1 pid=2 auid=1001 uid=0 comm=\"x\" exe=\"/x\" key=(null)",
            "type=CWD msg=audit(1700000000.100:7): cwd=\"/x\"",
            "type=PATH msg=audit(1700000000.100:7): item=0 "
                + field
                + " inode=1 dev=fe:00 mode=0100644 nametype=NORMAL",
            "type=PROCTITLE msg=audit(1700000000.100:7): proctitle=78"),
        StandardCharsets.UTF_8);
    assertEquals(List.of(7L), serials(List.of(log), 0, Long.MAX_VALUE, path), why);
    assertEquals(
        List.of(), serials(List.of(log), 0, Long.MAX_VALUE, "/etc/other"), "and nothing else");
  }

  @Test
  void filesBeforeTheWindowAreNotReadAndUnreadableOnesAreReported() throws IOException {
    Path old = tmp.resolve("audit.log.1");
    Path cur = tmp.resolve("audit.log");
    Files.write(old, List.of(pathEvent(1_000_000L, 1, "/a")), StandardCharsets.UTF_8);
    Files.write(cur, List.of(pathEvent(2_000_000L, 2, "/a")), StandardCharsets.UTF_8);
    List<byte[]> a = List.of("/a".getBytes(StandardCharsets.UTF_8));
    List<Long> got = new ArrayList<>();
    PathEventSearch.Report r =
        new PathEventSearch(a, 1_500_000L, 3_000_000L)
            .run(InputFiles.rotations(cur), e -> got.add(e.sequence()));
    assertEquals(List.of(2L), got);
    assertEquals(
        0, r.files().get(0).bytesRead(), "audit.log.1 ends 500 s before the window: not read");
    assertEquals(1_000_000L, r.files().get(0).firstMillis(), "but its span is known");
    assertEquals(Files.size(cur), r.files().get(1).bytesRead());
    assertEquals(1_000_000L, r.firstMillis());
    assertEquals(2_000_000L, r.lastMillis());

    // /proc/self/mem: a regular file whose read fails (EIO), for root too.
    r = new PathEventSearch(a, 0, 3_000_000L).run(List.of(Path.of("/proc/self/mem"), cur), e -> {});
    assertNotNull(r.files().get(0).error(), r.toString());
    assertNull(r.files().get(1).error());
    assertEquals(1, r.candidates(), "the readable file is still read");
  }

  static String pathEvent(long millis, long serial, String name) {
    String h =
        "msg=audit("
            + millis / 1000
            + "."
            + String.format("%03d", millis % 1000)
            + ":"
            + serial
            + "): ";
    return "type=SYSCALL "
        + h
        + "arch=c000003e syscall=87 success=yes exit=0 items=2 pid=1 auid=0 uid=0 comm=\"rm\""
        + " exe=\"/usr/bin/rm\" key=(null)\n"
        + "type=PATH "
        + h
        + "item=0 name=\""
        + name
        + "\" inode=1 dev=fe:00 mode=0100644 nametype=DELETE";
  }

  @Test
  void aFileIsEnteredAtTheWindowByBinarySearch() throws IOException {
    // ~6 MB, one event every 10 ms from t0; the target event is in the last third.
    Path log = tmp.resolve("big.log");
    long t0 = 1_700_000_000_000L;
    int n = 30_000;
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(pathEvent(t0 + 10L * i, i + 1, i == 25_000 ? "/target" : "/other/" + i))
          .append('\n');
    }
    Files.writeString(log, sb, StandardCharsets.UTF_8);
    long size = Files.size(log);
    long from = t0 + 10L * 24_000;
    try (FileChannel ch = FileChannel.open(log, StandardOpenOption.READ)) {
      assertEquals(t0, LogSpan.firstTimeAfter(ch, 0, size));
      assertEquals(t0 + 10L * (n - 1), LogSpan.lastTime(ch, size));
      long at = LogSpan.offsetOf(ch, size, from);
      assertTrue(at > size / 2, "entered past the half: " + at + " of " + size);
      assertTrue(
          LogSpan.firstTimeAfter(ch, at, size) <= from, "no record of the window is skipped");
      assertTrue(at == 0 || Files.readAllBytes(log)[(int) at - 1] == '\n', "at a line start");
    }
    List<Long> got = new ArrayList<>();
    PathEventSearch.Report r =
        new PathEventSearch(
                List.of("/target".getBytes(StandardCharsets.UTF_8)), from, Long.MAX_VALUE)
            .run(List.of(log), e -> got.add(e.sequence()));
    assertEquals(List.of(25_001L), got);
    assertTrue(r.bytesRead() < size / 2, "read " + r.bytesRead() + " of " + size);
  }
}
