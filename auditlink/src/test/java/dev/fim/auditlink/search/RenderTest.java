package dev.fim.auditlink.search;

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
