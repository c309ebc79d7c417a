package dev.fim.auditlink.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fim.auditlink.Fixtures;
import dev.fim.auditlink.interpret.AccountSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Searches over the go-libaudit fixtures and our own file-events fixture, asserting the exact
 * sequences found (in output order). Rows marked "ausearch" were checked against ausearch 3.0.9 by
 * hand; {@link AusearchParityTest} re-checks them whenever ausearch is available.
 */
class AuditSearchTest {
  static final AccountSource ACCOUNTS =
      AccountSource.of(
          "root:x:0:0::/root:/bin/sh\nalice:x:1001:1001::/home/alice:/bin/sh\n", "root:x:0:\n");
  static final String OWN = "search/file-events.log";

  static Path own() {
    try {
      return Path.of(AuditSearchTest.class.getClassLoader().getResource(OWN).toURI());
    } catch (Exception e) {
      throw new AssertionError("test resource " + OWN + " is missing", e);
    }
  }

  static Path fixture(String name) {
    return name.equals(OWN) ? own() : Fixtures.file("go-libaudit/" + name);
  }

  static List<Long> search(SearchSettings s, List<Path> inputs) throws IOException {
    List<Long> found = new ArrayList<>();
    new AuditSearch(s, ACCOUNTS, 4096).run(inputs, e -> found.add(e.sequence()));
    return found;
  }

  static Stream<Arguments> table() {
    SearchSettings all = SearchSettings.all();
    return Stream.of(
        Arguments.of("reassembly/normal.log", all, List.of(58L, 59L, 60L, 61L, 62L)),
        Arguments.of("reassembly/rollover.log", all, List.of(4294967294L, 4294967295L, 0L, 1L, 2L)),
        // Interleaved events leave in the order they end (PROCTITLE), not by serial.
        Arguments.of("auparse/test3.log", all.withKey("nothing"), List.of()),
        Arguments.of("reassembly/normal.log", all.withKey("user_commands"), List.of(59L, 60L)),
        Arguments.of("reassembly/normal.log", all.withKey("user"), List.of(59L, 60L)),
        Arguments.of("reassembly/normal.log", all.withKey("user").withExact(true), List.of()),
        Arguments.of(
            "reassembly/out_of_order.log", all.withKey("user_commands"), List.of(59L, 60L)),
        Arguments.of("auparse/audit-rhel7.log", all.withKey("kill_signals"), List.of(1095517L)),
        Arguments.of("reassembly/normal.log", all.withPath("/usr/bin/grep"), List.of(59L)),
        Arguments.of("reassembly/normal.log", all.withPath("grep"), List.of(59L)),
        Arguments.of("reassembly/normal.log", all.withPath("/usr/bin"), List.of(59L, 60L)),
        Arguments.of("reassembly/normal.log", all.withPath("public/pickup"), List.of(61L)),
        Arguments.of(
            "reassembly/normal.log", all.withPath("/var/spool/postfix/public/pickup"), List.of()),
        Arguments.of("auparse/test2.log", all.withPath("maildrop"), List.of(293L)),
        Arguments.of("reassembly/normal.log", all.withAuid("1000"), List.of(59L, 60L)),
        Arguments.of("reassembly/normal.log", all.withAuid("0"), List.of(58L, 61L)),
        Arguments.of("reassembly/normal.log", all.withAuid("root"), List.of(58L, 61L)),
        Arguments.of("reassembly/normal.log", all.withAuid("89"), List.of(62L)),
        Arguments.of("reassembly/normal.log", all.withAuid("100"), List.of()),
        Arguments.of(
            "reassembly/normal.log",
            all.withKey("user_commands").withAuid("1000").withPath("cat"),
            List.of(60L)),
        // 59 is at .036, 62 at 22:48:18.883: both ends inclusive.
        Arguments.of(
            "reassembly/normal.log",
            all.withTime(
                Instant.parse("2017-04-12T22:48:11.037Z"),
                Instant.parse("2017-04-12T22:48:18.883Z")),
            List.of(60L, 61L, 62L)),
        Arguments.of(
            "reassembly/normal.log",
            all.withKey("user_commands").withTime(null, Instant.parse("2017-04-12T22:48:11.036Z")),
            List.of(59L)),
        Arguments.of(OWN, all, List.of(100L, 101L, 102L, 103L, 104L)),
        Arguments.of(OWN, all.withKey("fim"), List.of(100L, 101L, 102L, 104L)),
        // 104's key is hex: "fim" 0x01 "watch-tmp".
        Arguments.of(OWN, all.withKey("watch-tmp").withExact(true), List.of(104L)),
        Arguments.of(OWN, all.withKey("fim").withExact(true), List.of(100L, 101L, 102L, 104L)),
        Arguments.of(OWN, all.withPath("/etc/hosts"), List.of(100L)),
        Arguments.of(OWN, all.withPath("hosts"), List.of(100L, 102L)),
        Arguments.of(
            OWN,
            all.withPath(new byte[] {'/', 't', 'm', 'p', '/', 'f', (byte) 0xff}),
            List.of(104L)),
        Arguments.of(OWN, all.withAuid("alice"), List.of(100L, 101L, 102L, 104L)),
        Arguments.of(OWN, all.withAuid("4294967295"), List.of(103L)));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("table")
  void findsExactSequences(String file, SearchSettings s, List<Long> expected) throws IOException {
    assertEquals(expected, search(s, List.of(fixture(file))), file + " " + s);
  }

  /** The windowed search (byte search, then only the lines around each hit) finds the same. */
  @ParameterizedTest(name = "windowed {0} {1}")
  @MethodSource("table")
  void windowedSearchFindsTheSame(String file, SearchSettings s, List<Long> expected)
      throws IOException {
    List<Long> found = new ArrayList<>();
    new AuditSearch(s, ACCOUNTS, AuditSearch.Mode.WINDOWED)
        .run(List.of(fixture(file)), e -> found.add(e.sequence()));
    assertEquals(expected, found, file + " " + s);
  }

  /** The same again, the input cut into parts of 200 bytes searched on up to 4 threads. */
  @ParameterizedTest(name = "windowed in parts {0} {1}")
  @MethodSource("table")
  void windowedSearchInPartsFindsTheSame(String file, SearchSettings s, List<Long> expected)
      throws IOException {
    List<Long> found = new ArrayList<>();
    new AuditSearch(s, ACCOUNTS, AuditSearch.Mode.WINDOWED, 4, 200)
        .run(List.of(fixture(file)), e -> found.add(e.sequence()));
    assertEquals(expected, found, file + " " + s);
  }

  @Test
  void windowedRotationsAndRepeats(@TempDir Path dir) throws IOException {
    write(dir.resolve("audit.log.1"), line("SYSCALL", 11, "key=\"k\""));
    write(
        dir.resolve("audit.log"),
        line("PROCTITLE", 11, "proctitle=6C73"),
        line("SYSCALL", 12, "key=\"other\""),
        line("PROCTITLE", 12, "proctitle=6C73"));
    List<Path> files = InputFiles.rotations(dir.resolve("audit.log"));
    for (AuditSearch.Mode m : AuditSearch.Mode.values()) {
      List<String> got = new ArrayList<>();
      new AuditSearch(SearchSettings.all().withKey("k"), ACCOUNTS, m)
          .run(files, e -> got.add(e.sequence() + ":" + e.records().size()));
      assertEquals(List.of("11:2"), got, m.toString());
      List<Long> twice = new ArrayList<>();
      new AuditSearch(SearchSettings.all().withKey("fim"), ACCOUNTS, m)
          .run(List.of(own(), own()), e -> twice.add(e.sequence()));
      assertEquals(List.of(100L, 101L, 102L, 104L, 100L, 101L, 102L, 104L), twice, m.toString());
    }
  }

  @Test
  void interleavedEventsAreJoinedNotSplit() throws IOException {
    List<AuditEvent> events = new ArrayList<>();
    new AuditSearch(SearchSettings.all(), ACCOUNTS)
        .run(List.of(fixture("auparse/test3.log")), events::add);
    List<String> got = events.stream().map(e -> e.sequence() + ":" + e.records().size()).toList();
    assertEquals(
        List.of(
            "194433:2",
            "194435:2",
            "194436:2",
            "194437:2",
            "194439:2",
            "194438:2",
            "194440:2",
            "194894:1",
            "1865:1",
            "10262:1"),
        got);
  }

  @Test
  void garbageIsSkippedAndCounted() throws IOException {
    List<Long> found = new ArrayList<>();
    SearchStats st =
        new AuditSearch(SearchSettings.all(), ACCOUNTS)
            .run(List.of(own()), e -> found.add(e.sequence()));
    // "this line is not an audit record" and a header with serial "garbage"; the empty
    // line is neither a record nor garbage.
    assertEquals(new SearchStats(1, Files.size(own()), 29, 26, 2, 5, 5), st);
    assertEquals(List.of(100L, 101L, 102L, 103L, 104L), found);
  }

  @Test
  void rotationsAreReadOldestFirstAndEventsSpanThem(@TempDir Path dir) throws IOException {
    Path log = dir.resolve("audit.log");
    write(
        dir.resolve("audit.log.2"),
        line("SYSCALL", 10, "key=\"k\""),
        line("PROCTITLE", 10, "proctitle=6C73"));
    // Event 11 is cut by the rotation: SYSCALL in .1, PROCTITLE in audit.log.
    write(dir.resolve("audit.log.1"), line("SYSCALL", 11, "key=\"k\""));
    write(
        log,
        line("PROCTITLE", 11, "proctitle=6C73"),
        line("SYSCALL", 12, "key=\"other\""),
        line("PROCTITLE", 12, "proctitle=6C73"));
    write(
        dir.resolve("audit.log.10"),
        line("SYSCALL", 9, "key=\"k\""),
        line("PROCTITLE", 9, "proctitle=6C73"));
    write(dir.resolve("audit.log.1.gz"), "not ours");
    write(dir.resolve("audit.log.old"), "not ours");
    List<Path> files = InputFiles.rotations(log);
    assertEquals(
        List.of("audit.log.10", "audit.log.2", "audit.log.1", "audit.log"),
        files.stream().map(p -> p.getFileName().toString()).toList());
    List<AuditEvent> events = new ArrayList<>();
    new AuditSearch(SearchSettings.all().withKey("k"), ACCOUNTS).run(files, events::add);
    assertEquals(
        List.of("9:2", "10:2", "11:2"),
        events.stream().map(e -> e.sequence() + ":" + e.records().size()).toList());
  }

  @Test
  void rotationsWithoutAnyLogFail(@TempDir Path dir) {
    assertThrows(
        java.nio.file.NoSuchFileException.class,
        () -> InputFiles.rotations(dir.resolve("audit.log")));
  }

  /** Small buffers force lines across refills: the result must not depend on the block size. */
  @ParameterizedTest(name = "block {0}")
  @MethodSource("blocks")
  void blockSizeDoesNotChangeResults(int block) throws IOException {
    List<Long> found = new ArrayList<>();
    new AuditSearch(SearchSettings.all().withKey("fim"), ACCOUNTS, block)
        .run(List.of(own(), own()), e -> found.add(e.sequence()));
    // The second copy repeats serials at the same times: the same events again.
    assertEquals(List.of(100L, 101L, 102L, 104L, 100L, 101L, 102L, 104L), found);
  }

  static Stream<Integer> blocks() {
    return Stream.of(1024, 1500, 4096, 1 << 20);
  }

  @Test
  void unknownUserIsAnErrorThatSaysSo() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new AuditSearch(SearchSettings.all().withAuid("bob"), ACCOUNTS));
    assertEquals(
        "auid bob: no such user in passwd; give a user name or a numeric id", e.getMessage());
  }

  @Test
  void startAfterEndIsRejected() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                SearchSettings.all()
                    .withTime(
                        Instant.parse("2026-11-02T00:00:00Z"),
                        Instant.parse("2026-11-01T00:00:00Z")));
    assertEquals("start 2026-11-02T00:00:00Z is after end 2026-11-01T00:00:00Z", e.getMessage());
  }

  static String line(String type, long serial, String fields) {
    return "type=" + type + " msg=audit(1764064800.000:" + serial + "): " + fields;
  }

  static void write(Path p, String... lines) throws IOException {
    Files.write(p, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
  }
}
