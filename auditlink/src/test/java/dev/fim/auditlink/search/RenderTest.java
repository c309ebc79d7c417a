package dev.fim.auditlink.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.fim.auditlink.interpret.Interpreter;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The text renderer against a golden file (src/test/resources/golden/search/, rewritten with
 * -Dfim.updateGolden=true), and the JSON renderer's summary of each file action.
 */
class RenderTest {
  private static final Interpreter NAMES = new Interpreter(AuditSearchTest.ACCOUNTS);

  static List<AuditEvent> events() throws IOException {
    List<AuditEvent> events = new ArrayList<>();
    new AuditSearch(SearchSettings.all(), AuditSearchTest.ACCOUNTS)
        .run(List.of(AuditSearchTest.own()), events::add);
    return events;
  }

  @Test
  void textMatchesGolden() throws IOException {
    StringWriter w = new StringWriter();
    SearchText text = new SearchText(NAMES, ZoneOffset.UTC);
    for (AuditEvent e : events()) {
      text.write(e, w);
    }
    Path golden = Path.of("src/test/resources/golden/search/file-events.txt");
    if (Boolean.getBoolean("fim.updateGolden")) {
      Files.createDirectories(golden.getParent());
      Files.writeString(golden, w.toString(), StandardCharsets.UTF_8);
    }
    assertEquals(
        Files.readString(golden, StandardCharsets.UTF_8), w.toString(), "golden " + golden);
  }

  /**
   * Rendering on the search's threads (one SearchText each, text joined in order) writes what
   * rendering each event on the caller's thread writes: fixtures and the generated logs of {@link
   * WindowedEquivalenceTest}, the input cut into parts.
   */
  @Test
  void renderingOnSearchThreadsWritesTheSameText(@TempDir Path dir) throws IOException {
    List<List<Path>> inputs = new ArrayList<>();
    inputs.add(List.of(AuditSearchTest.own()));
    inputs.add(List.of(AuditSearchTest.fixture("auparse/test3.log")));
    inputs.add(
        List.of(
            AuditSearchTest.fixture("reassembly/normal.log"),
            AuditSearchTest.fixture("auparse/audit-rhel7.log")));
    for (int seed = 1; seed <= 3; seed++) {
      inputs.add(WindowedEquivalenceTest.generate(dir, seed, new java.util.Random(seed)));
    }
    int events = 0;
    for (List<Path> in : inputs) {
      for (SearchSettings s :
          List.of(
              SearchSettings.all().withKey("fim"),
              SearchSettings.all().withKey("hit"),
              SearchSettings.all().withPath("/etc/hit"),
              SearchSettings.all().withAuid("1001"))) {
        StringWriter one = new StringWriter();
        SearchText text = new SearchText(NAMES, ZoneOffset.UTC);
        SearchStats st =
            new AuditSearch(s, AuditSearchTest.ACCOUNTS, AuditSearch.Mode.SEQUENTIAL)
                .run(in, e -> text.write(e, one));
        StringWriter par = new StringWriter();
        new AuditSearch(s, AuditSearchTest.ACCOUNTS, AuditSearch.Mode.WINDOWED, 3, 300)
            .run(in, () -> new SearchText(NAMES, ZoneOffset.UTC)::write, par);
        assertEquals(one.toString(), par.toString(), in + " " + s);
        events += st.eventsMatched();
      }
    }
    assertTrue(events > 500, "events rendered: " + events);
  }

  /**
   * A search asked for bytes ({@code run(inputs, writers, OutputStream)}: fim's stdout) writes
   * exactly the UTF-8 of the text it writes to a Writer, whether the events were rendered on the
   * search's threads (windowed, in parts) or in order (sequential): on a log whose names are
   * hex-encoded UTF-8 ({@code é}), not UTF-8 at all (shown as {@code \xff}), quoted with escapes,
   * beside a record cut mid-line and a line of non-UTF-8 garbage.
   */
  @Test
  void renderingToBytesWritesTheUtf8OfTheText(@TempDir Path dir) throws IOException {
    Path log = dir.resolve("hostile.log");
    StringBuilder b = new StringBuilder();
    String[] names = {
      "2F6574632FC3A9", // /etc/é
      "2F6574632FFF686F737473", // /etc/\xffhosts
      "\"/etc/ho\\x20sts\"",
      "\"/etc/hosts\""
    };
    for (int i = 0; i < 40; i++) {
      String h = "msg=audit(1764064800." + String.format("%03d", i) + ":" + (500 + i) + "): ";
      b.append("type=SYSCALL ")
          .append(h)
          .append("arch=c000003e syscall=257 success=no exit=-13 items=1 auid=1001 uid=0 ")
          .append("comm=\"v\\\"i\" exe=2F7573722F62696EFF key=\"fim\"\n");
      if (i == 7) b.append("type=CWD ").append(h, 0, 12).append('\n'); // cut mid-line
      b.append("type=PATH ")
          .append(h)
          .append("item=0 name=")
          .append(names[i % names.length])
          .append(" mode=0104755 nametype=NORMAL\n");
      b.append("type=PROCTITLE ").append(h).append("proctitle=6100C3A9FF62\n");
      b.append("type=EOE ").append(h).append('\n');
    }
    byte[] text = b.toString().getBytes(StandardCharsets.ISO_8859_1);
    byte[] garbage = {(byte) 0xff, (byte) 0xfe, ' ', 'x', (byte) 0x80, '\n'};
    byte[] all = new byte[text.length + garbage.length];
    System.arraycopy(text, 0, all, 0, text.length / 2);
    System.arraycopy(garbage, 0, all, text.length / 2, garbage.length);
    System.arraycopy(
        text,
        text.length / 2,
        all,
        text.length / 2 + garbage.length,
        text.length - text.length / 2);
    // The garbage lands mid-line or between lines; either way the same for both sinks.
    Files.write(log, all);
    java.util.function.Supplier<EventWriter> jsonWriters = new SearchJson(NAMES).lines();
    java.util.function.Supplier<EventWriter> textWriters =
        () -> new SearchText(NAMES, ZoneOffset.UTC)::write;
    int nonAscii = 0;
    for (List<Path> in : List.of(List.of(log), List.of(AuditSearchTest.own(), log))) {
      for (SearchSettings s :
          List.of(
              SearchSettings.all().withKey("fim"),
              SearchSettings.all().withAuid("1001"),
              SearchSettings.all())) {
        for (java.util.function.Supplier<EventWriter> writers : List.of(textWriters, jsonWriters)) {
          // The oracle: rendered in order on this thread to a Writer, encoded once at the end.
          StringWriter inOrder = new StringWriter();
          new AuditSearch(s, AuditSearchTest.ACCOUNTS, AuditSearch.Mode.SEQUENTIAL)
              .run(in, writers, inOrder);
          byte[] want = inOrder.toString().getBytes(StandardCharsets.UTF_8);
          for (AuditSearch search :
              List.of(
                  new AuditSearch(s, AuditSearchTest.ACCOUNTS, AuditSearch.Mode.SEQUENTIAL),
                  new AuditSearch(s, AuditSearchTest.ACCOUNTS, AuditSearch.Mode.WINDOWED, 3, 300),
                  new AuditSearch(s, AuditSearchTest.ACCOUNTS, AuditSearch.Mode.WINDOWED))) {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            search.run(in, writers, bytes);
            assertArrayEquals(want, bytes.toByteArray(), in + " " + s);
            StringWriter chars = new StringWriter();
            search.run(in, writers, chars);
            assertEquals(inOrder.toString(), chars.toString(), in + " " + s);
          }
          for (char c : inOrder.toString().toCharArray()) if (c > 127) nonAscii++;
        }
      }
    }
    assertTrue(nonAscii > 100, "the text holds non-ASCII characters: " + nonAscii);
  }

  @Test
  void jsonSummarisesEachFileAction() throws IOException {
    List<String> lines = new ArrayList<>();
    SearchJson json = new SearchJson(NAMES);
    for (AuditEvent e : events()) {
      StringWriter w = new StringWriter();
      try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
        json.write(e, g);
      }
      lines.add(w.toString());
    }
    assertEquals(
        List.of(
            "{\"sequence\":100,\"time\":\"2025-11-25T10:00:00.123Z\",\"record_types\":[\"SYSCALL\",\"CWD\",\"PATH\",\"PATH\",\"PROCTITLE\"],"
                + "\"keys\":[\"fim\"],\"actor\":{\"auid\":{\"id\":\"1001\",\"name\":\"alice\"},\"uid\":{\"id\":\"0\",\"name\":\"root\"}},"
                + "\"action\":\"opened-file\",\"result\":\"success\",\"object\":{\"what\":\"file\",\"paths\":[{\"path\":\"/etc/hosts\","
                + "\"nametype\":\"NORMAL\",\"inode\":\"131290\",\"mode\":\"0100644\"}]},"
                + "\"how\":{\"exe\":\"/usr/bin/vim.basic\",\"comm\":\"vim\",\"proctitle\":\"vim /etc/hosts\",\"syscall\":\"openat\"}}",
            "{\"sequence\":101,\"time\":\"2025-11-25T10:00:01.500Z\",\"record_types\":[\"SYSCALL\",\"CWD\",\"PATH\",\"PATH\",\"PROCTITLE\"],"
                + "\"keys\":[\"fim\"],\"actor\":{\"auid\":{\"id\":\"1001\",\"name\":\"alice\"},\"uid\":{\"id\":\"1001\",\"name\":\"alice\"}},"
                + "\"action\":\"deleted\",\"result\":\"success\",\"object\":{\"what\":\"file\",\"paths\":[{\"path\":\"/etc/motd\","
                + "\"nametype\":\"DELETE\",\"inode\":\"131300\",\"mode\":\"0100644\"}]},"
                + "\"how\":{\"exe\":\"/usr/bin/rm\",\"comm\":\"rm\",\"proctitle\":\"rm /etc/motd\",\"syscall\":\"unlinkat\"}}",
            "{\"sequence\":102,\"time\":\"2025-11-25T10:00:02.000Z\",\"record_types\":[\"SYSCALL\",\"CWD\",\"PATH\",\"PATH\",\"PATH\",\"PATH\",\"PROCTITLE\"],"
                + "\"keys\":[\"fim\"],\"actor\":{\"auid\":{\"id\":\"1001\",\"name\":\"alice\"},\"uid\":{\"id\":\"0\",\"name\":\"root\"}},"
                + "\"action\":\"renamed\",\"result\":\"success\",\"object\":{\"what\":\"file\",\"paths\":["
                + "{\"path\":\"hosts.new\",\"nametype\":\"DELETE\",\"inode\":\"131310\",\"mode\":\"0100644\"},"
                + "{\"path\":\"hosts\",\"nametype\":\"CREATE\",\"inode\":\"131310\",\"mode\":\"0100644\"}]},"
                + "\"how\":{\"exe\":\"/usr/bin/mv\",\"comm\":\"mv\",\"proctitle\":\"mv hosts.new hosts\",\"syscall\":\"renameat2\"}}",
            "{\"sequence\":103,\"time\":\"2025-11-25T10:00:03.250Z\",\"record_types\":[\"SYSCALL\",\"CWD\",\"PATH\",\"PROCTITLE\"],"
                + "\"keys\":[\"perms\"],\"actor\":{\"auid\":{\"id\":\"4294967295\",\"name\":\"unset\"},\"uid\":{\"id\":\"1002\",\"name\":\"unknown(1002)\"}},"
                + "\"action\":\"changed-file-permissions-of\",\"result\":\"fail\",\"object\":{\"what\":\"file\",\"paths\":[{\"path\":\"/etc/shadow\","
                + "\"nametype\":\"NORMAL\",\"inode\":\"131400\",\"mode\":\"0100640\"}]},"
                + "\"how\":{\"exe\":\"/usr/bin/chmod\",\"comm\":\"chmod\",\"proctitle\":\"chmod 755 /etc/shadow\",\"syscall\":\"chmod\"}}",
            "{\"sequence\":104,\"time\":\"2025-11-25T10:00:04.999Z\",\"record_types\":[\"SYSCALL\",\"CWD\",\"PATH\",\"PATH\",\"PROCTITLE\"],"
                + "\"keys\":[\"fim\",\"watch-tmp\"],\"actor\":{\"auid\":{\"id\":\"1001\",\"name\":\"alice\"},\"uid\":{\"id\":\"1001\",\"name\":\"alice\"}},"
                + "\"action\":\"opened-file\",\"result\":\"success\",\"object\":{\"what\":\"file\",\"paths\":[{\"path\":\"/tmp/f\\\\xffo b\","
                + "\"path_hex\":\"2f746d702f66ff6f2062\",\"nametype\":\"CREATE\",\"inode\":\"2001\",\"mode\":\"0100664\"}]},"
                + "\"how\":{\"exe\":\"/usr/bin/touch\",\"comm\":\"touch\",\"proctitle\":\"touch /tmp/f\\\\xffo b\",\"syscall\":\"openat\"}}"),
        lines);
  }
}
