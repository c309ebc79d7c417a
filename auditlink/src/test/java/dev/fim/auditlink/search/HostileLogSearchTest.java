package dev.fim.auditlink.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Logs shaped to trip the byte search over whole read chunks ({@link WindowedSearch#CHUNK}): the
 * key's bytes cut by a chunk boundary at every offset, a line longer than a chunk, NUL bytes before
 * and inside a keyed line, a last line without its newline. The windowed search (one part, and the
 * input cut into parts at arbitrary offsets) must find exactly what the sequential scan finds: the
 * same events, records and raw bytes, in the same order. The byte search runs with libc's memmem,
 * as for any input of 8 MB or more ({@link ByteSearchTest} checks the Java loops beside it).
 */
class HostileLogSearchTest {
  private static final String KEY = "hit";
  private static int serial = 1000;

  /**
   * The logs here are small: bind memmem first, so that the searches use it as a large one does.
   */
  @org.junit.jupiter.api.BeforeAll
  static void bindMemmem() {
    assertTrue(LibcMemmem.bind() && LibcMemmem.ready(), "libc memmem bound on this host");
  }

  @Test
  void aKeyCutByAChunkBoundaryIsFoundAtEveryOffset(@TempDir Path dir) throws IOException {
    byte[] field = ("key=\"" + KEY + "\"").getBytes(StandardCharsets.US_ASCII);
    for (int cut = 0; cut <= field.length; cut++) {
      // The key field starts 'cut' bytes before the first chunk's end.
      ByteArrayOutputStream log = new ByteArrayOutputStream();
      int s = serial++;
      String syscall = syscallLine(s, KEY);
      int fieldAt = syscall.indexOf("key=\"");
      fill(log, WindowedSearch.CHUNK - cut - fieldAt);
      log.writeBytes(syscall.getBytes(StandardCharsets.US_ASCII));
      log.writeBytes(proctitleLine(s).getBytes(StandardCharsets.US_ASCII));
      fill(log, 3 * 1024);
      Path p = dir.resolve("cut" + cut);
      Files.write(p, log.toByteArray());
      assertEquals(
          WindowedSearch.CHUNK - cut,
          indexOf(log.toByteArray(), field),
          "the key field is planted where meant");
      List<String> found = sameEverywhere(p, "cut " + cut);
      assertEquals(1, found.size(), "cut " + cut + ": " + found);
      assertTrue(found.get(0).startsWith(s + ":SYSCALL,PROCTITLE"), found.get(0));
    }
  }

  @Test
  void aLineLongerThanAChunkNulBytesAndAnUnendedLastLine(@TempDir Path dir) throws IOException {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    fill(log, 10_000);
    // A line longer than a read chunk that holds the key twice (once across the chunk end).
    StringBuilder longLine = new StringBuilder(syscallLine(serial++, KEY));
    longLine.setLength(longLine.length() - 1);
    while (longLine.length() < WindowedSearch.CHUNK + 5_000) longLine.append(" key=\"hit\"");
    log.writeBytes((longLine + "\n").getBytes(StandardCharsets.US_ASCII));
    int afterLong = serial++;
    log.writeBytes(syscallLine(afterLong, KEY).getBytes(StandardCharsets.US_ASCII));
    log.writeBytes(proctitleLine(afterLong).getBytes(StandardCharsets.US_ASCII));
    // NUL bytes: before a keyed record on its line, and inside a keyed record's field.
    int nulBefore = serial++;
    log.writeBytes(new byte[] {0, 0});
    log.writeBytes(syscallLine(nulBefore, KEY).getBytes(StandardCharsets.US_ASCII));
    int nulInside = serial++;
    String withNul = syscallLine(nulInside, KEY).replace("comm=\"vim\"", "comm=\"v\0m\"");
    log.writeBytes(withNul.getBytes(StandardCharsets.US_ASCII));
    log.writeBytes(proctitleLine(nulInside).getBytes(StandardCharsets.US_ASCII));
    fill(log, 300_000);
    // The last line, keyed, without its newline (a log cut mid-write).
    int unended = serial++;
    String last = syscallLine(unended, KEY);
    log.writeBytes(last.substring(0, last.length() - 1).getBytes(StandardCharsets.US_ASCII));
    Path p = dir.resolve("hostile");
    Files.write(p, log.toByteArray());
    List<String> found = sameEverywhere(p, "hostile");
    List<Long> serials = new ArrayList<>();
    for (String f : found) serials.add(Long.parseLong(f.substring(0, f.indexOf(':'))));
    assertTrue(serials.contains((long) afterLong), "the event after the long line: " + found);
    assertTrue(serials.contains((long) nulInside), "the event with a NUL inside: " + found);
    assertTrue(serials.contains((long) unended), "the unended last line: " + found);
  }

  /**
   * A long line holding the key many times is walked once, not once per occurrence: before, each
   * occurrence walked back to the line's start through the cached blocks, so a hostile line of n
   * bytes with the key every few bytes cost O(n²).
   */
  @Test
  void aLongLineFullOfKeysIsWalkedOnce(@TempDir Path dir) throws IOException {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    fill(log, 10_000);
    StringBuilder line = new StringBuilder("type=USER msg=audit(1700000000.000:1): msg='");
    while (line.length() < 8 * FileBytes.BLOCK) line.append("x".repeat(90)).append(" key=\"hit\"");
    log.writeBytes((line + "'\n").getBytes(StandardCharsets.US_ASCII));
    fill(log, 10_000);
    Path p = dir.resolve("long");
    Files.write(p, log.toByteArray());
    SearchSettings s = SearchSettings.all().withKey(KEY);
    Prefilter prefilter = new Prefilter(s, null);
    try (WindowedSearch ws = WindowedSearch.open(List.of(p))) {
      List<WindowedSearch.Match> found =
          ws.search(
              new WindowedSearch.Task(
                  prefilter.needles(Prefilter.KEY),
                  (type, millis, b, off, end) -> true,
                  new EventMatcher(s, null),
                  null),
              1,
              WindowedSearch.MIN_PART,
              -1);
      assertEquals(List.of(), found, "a line longer than a record holds no event");
      // Walking the 8-block line back and forth a few times, not once per one of its ~5,000 keys.
      assertTrue(ws.blockReads <= 40, "blocks read around candidates: " + ws.blockReads);
    }
    assertEquals(List.of(), sameEverywhere(p, "long line"));
  }

  /**
   * Events whose lines all lie within the block the byte search has just read are gathered from
   * that block ({@link FileBytes#lend}): no block of the file is read again around them. Before,
   * each candidate read a 64 KB block and its serial searches read the 16 KB window on either side
   * again (~100 KB of pread per event on the bench log).
   */
  @Test
  void eventsInsideTheBlockInHandAreNotReadAgain(@TempDir Path dir) throws IOException {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    List<Integer> keyed = new ArrayList<>();
    fill(log, 20_000);
    for (int i = 0; i < 12; i++) {
      int s = serial++;
      keyed.add(s);
      log.writeBytes(syscallLine(s, KEY).getBytes(StandardCharsets.US_ASCII));
      log.writeBytes(proctitleLine(s).getBytes(StandardCharsets.US_ASCII));
      fill(log, 12_000);
    }
    fill(log, 20_000);
    assertTrue(log.size() < WindowedSearch.CHUNK, "one chunk: " + log.size());
    Path p = dir.resolve("inside");
    Files.write(p, log.toByteArray());
    SearchSettings s = SearchSettings.all().withKey(KEY);
    try (WindowedSearch ws = WindowedSearch.open(List.of(p))) {
      List<WindowedSearch.Match> found =
          ws.search(
              new WindowedSearch.Task(
                  new Prefilter(s, null).needles(Prefilter.KEY),
                  (type, millis, b, off, end) -> true,
                  new EventMatcher(s, null),
                  null),
              1,
              WindowedSearch.MIN_PART,
              -1);
      List<Long> serials = new ArrayList<>();
      for (WindowedSearch.Match m : found) serials.add(m.event().sequence());
      assertEquals(keyed.stream().map(Long::valueOf).toList(), serials);
      assertEquals(0, ws.blockReads, "blocks read again around candidates");
    }
    List<String> same = sameEverywhere(p, "inside");
    assertEquals(12, same.size(), same.toString());
    for (int i = 0; i < 12; i++) {
      assertTrue(same.get(i).startsWith(keyed.get(i) + ":SYSCALL,PROCTITLE"), same.get(i));
    }
  }

  /**
   * The events of a key search of {@code p}, asserting that the windowed search, whole and in
   * parts, finds the same as the sequential scan.
   */
  private static List<String> sameEverywhere(Path p, String what) throws IOException {
    SearchSettings s = SearchSettings.all().withKey(KEY);
    List<String> seq =
        run(new AuditSearch(s, AuditSearchTest.ACCOUNTS, AuditSearch.Mode.SEQUENTIAL), p);
    List<String> win =
        run(
            new AuditSearch(
                s, AuditSearchTest.ACCOUNTS, AuditSearch.Mode.WINDOWED, 1, Long.MAX_VALUE),
            p);
    assertEquals(seq, win, what + ": windowed");
    long size = Files.size(p);
    for (int parts : new int[] {2, 3, 7}) {
      List<String> par =
          run(
              new AuditSearch(
                  s, AuditSearchTest.ACCOUNTS, AuditSearch.Mode.WINDOWED, parts, size / parts),
              p);
      assertEquals(seq, par, what + ": windowed in " + parts + " parts");
    }
    return seq;
  }

  private static List<String> run(AuditSearch search, Path p) throws IOException {
    List<String> got = new ArrayList<>();
    search.run(
        List.of(p),
        e -> {
          StringBuilder b = new StringBuilder(e.sequence() + ":");
          e.records().forEach(r -> b.append(r.typeName()).append(','));
          e.records().forEach(r -> b.append('\n').append(r.rawText()));
          got.add(b.toString());
        });
    return got;
  }

  /**
   * Unkeyed events (a SYSCALL with another key and its PROCTITLE) up to exactly {@code n} bytes.
   */
  private static void fill(ByteArrayOutputStream log, int n) {
    int end = log.size() + n;
    while (end - log.size() > 400) {
      int s = serial++;
      log.writeBytes(syscallLine(s, "other").getBytes(StandardCharsets.US_ASCII));
      log.writeBytes(proctitleLine(s).getBytes(StandardCharsets.US_ASCII));
    }
    // The rest as one record of exactly the bytes left (a USER record's message padded).
    String head = "type=USER msg=audit(1700000000." + ms(serial) + ":" + serial++ + "): msg='";
    int pad = end - log.size() - head.length() - 2;
    if (pad < 0) throw new IllegalStateException("fill of " + n + " bytes too short");
    log.writeBytes((head + "x".repeat(pad) + "'\n").getBytes(StandardCharsets.US_ASCII));
  }

  private static String syscallLine(int s, String key) {
    return "type=SYSCALL msg=audit(1700000000."
        + ms(s)
        + ":"
        + s
        + "): arch=c000003e syscall=257 success=yes exit=3 a0=ffffff9c a1=7ffc1b2a3f10 a2=241"
        + " a3=1b6 items=2 ppid=4100 pid=4242 auid=1001 uid=0 gid=0 euid=0 tty=pts0 ses=7"
        + " comm=\"vim\" exe=\"/usr/bin/vim.basic\" key=\""
        + key
        + "\"\n";
  }

  private static String proctitleLine(int s) {
    return "type=PROCTITLE msg=audit(1700000000." + ms(s) + ":" + s + "): proctitle=76696D\n";
  }

  /** A millisecond per serial, so that no two events share (serial, time). */
  private static String ms(int s) {
    return String.format("%03d", s % 1000);
  }

  private static int indexOf(byte[] b, byte[] n) {
    outer:
    for (int i = 0; i + n.length <= b.length; i++) {
      for (int k = 0; k < n.length; k++) if (b[i + k] != n[k]) continue outer;
      return i;
    }
    return -1;
  }
}
