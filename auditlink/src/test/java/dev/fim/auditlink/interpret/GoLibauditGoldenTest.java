package dev.fim.auditlink.interpret;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fim.auditlink.Fixtures;
import dev.fim.auditlink.parse.AuditParseException;
import dev.fim.auditlink.parse.AuditRecord;
import dev.fim.auditlink.parse.RecordParser;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every record of go-libaudit's {@code auparse/*.log} against its {@code .golden}: type, sequence,
 * timestamp and every field value the golden lists.
 *
 * <p>Where go-libaudit names or represents a value differently from us, the comparison maps ours to
 * theirs here, and says why (see {@link #theirs}). Fields we have that the golden lacks are not
 * errors: go-libaudit drops {@code ?} values and {@code key=(null)}, we keep what the record says,
 * as ausearch does.
 */
class GoLibauditGoldenTest {
  private static final Interpreter NO_ACCOUNTS = new Interpreter(AccountSource.of("", ""));

  static Stream<String> logs() {
    return Fixtures.list("go-libaudit/auparse", ".log").stream()
        .map(p -> p.getFileName().toString());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("logs")
  @SuppressWarnings("unchecked")
  void everyRecordMatchesGolden(String name) {
    Path log = Fixtures.file("go-libaudit/auparse/" + name);
    List<byte[]> lines = Fixtures.lines(log);
    List<Object> golden =
        (List<Object>) GoldenJson.read(Fixtures.file("go-libaudit/auparse/" + name + ".golden"));
    assertEquals(golden.size(), lines.size(), name + ": records in golden vs lines in log");

    List<String> mismatches = new ArrayList<>();
    int matched = 0;
    int fieldsChecked = 0;
    for (int i = 0; i < lines.size(); i++) {
      byte[] line = lines.get(i);
      String where = name + ":" + (i + 1);
      Map<String, Object> g = (Map<String, Object>) golden.get(i);
      if (g == null) {
        // go-libaudit failed on this line (e.g. "type=UNKNOWN[1329] msg=?"): so must we.
        assertThrows(
            AuditParseException.class,
            () -> RecordParser.parseLogLineOrThrow(line, 0, line.length),
            where);
        matched++;
        continue;
      }
      AuditRecord r;
      try {
        r = RecordParser.parseLogLineOrThrow(line, 0, line.length);
      } catch (AuditParseException e) {
        mismatches.add(where + ": not parsed: " + e.getMessage());
        continue;
      }
      int before = mismatches.size();
      check(
          mismatches,
          where,
          "record_type",
          g.get("record_type"),
          r.typeName().toLowerCase(Locale.ROOT));
      check(mismatches, where, "sequence", g.get("sequence"), r.serial());
      check(
          mismatches,
          where,
          "@timestamp",
          Instant.parse((String) g.get("@timestamp")),
          r.timestamp());
      if (g.containsKey("keys")) {
        List<String> ours =
            r.field("key") == null ? List.of() : Arrays.asList(r.field("key").split("\u0001"));
        check(mismatches, where, "keys", g.get("keys"), ours);
      }
      Map<String, Object> data = (Map<String, Object>) g.get("data");
      for (Map.Entry<String, Object> e : data.entrySet()) {
        fieldsChecked++;
        String expected = (String) e.getValue();
        String got = theirs(r, e.getKey());
        if ("unset".equals(expected) && "4294967295".equals(got)) {
          // go-libaudit shows the unsigned -1 of auid/ses/old-auid as "unset" (as
          // ausearch -i does); our parser keeps the number, Interpreter says "unset".
          continue;
        }
        check(mismatches, where, "data." + e.getKey(), expected, got);
      }
      if (mismatches.size() == before) {
        matched++;
      }
    }
    System.out.printf(
        "%s: %d/%d records match the golden (%d field values checked)%n",
        name, matched, lines.size(), fieldsChecked);
    assertTrue(
        mismatches.isEmpty(),
        name + ": " + mismatches.size() + " mismatches:\n" + String.join("\n", mismatches));
  }

  /**
   * Our value under go-libaudit's name and representation.
   *
   * <ul>
   *   <li>{@code subj_user/role/domain/level/category}, {@code obj_*}: go-libaudit splits the
   *       SELinux context; we keep {@code subj}/{@code obj} whole, as written (ausearch does).
   *   <li>{@code result}: go-libaudit normalises {@code success=yes|no} and {@code
   *       res=success|failed|1|0} into one field; we keep the record's own field.
   *   <li>{@code arch}, {@code syscall}, {@code exit}, {@code sig}: go-libaudit interprets these in
   *       its parser; we parse raw and interpret in {@link Interpreter}.
   *   <li>SOCKADDR {@code family/addr/port/path}: go-libaudit decodes {@code saddr} with its own
   *       names (ipv4, ipv6, unix); we use ausearch's (inet, inet6, local) in {@link
   *       Interpreter#sockaddr}.
   * </ul>
   */
  private static String theirs(AuditRecord r, String key) {
    if (key.startsWith("subj_") || key.startsWith("obj_")) {
      String ctx = r.field(key.startsWith("subj_") ? "subj" : "obj");
      if (ctx == null) return null;
      String[] parts = ctx.split(":", 5);
      int idx =
          List.of("user", "role", "domain", "level", "category")
              .indexOf(key.substring(key.indexOf('_') + 1));
      return idx >= 0 && idx < parts.length ? parts[idx] : null;
    }
    if (key.equals("result")) {
      String v = r.field("success") != null ? r.field("success") : r.field("res");
      if (v == null) return null;
      return v.equals("yes") || v.equals("success") || v.equals("1") ? "success" : "fail";
    }
    if (r.type() == dev.fim.auditlink.parse.RecordType.SOCKADDR && !key.equals("saddr")) {
      Map<String, String> s = Interpreter.sockaddr(r.field("saddr"));
      return switch (key) {
        case "family" ->
            switch (s.getOrDefault("saddr_fam", "")) {
              case "inet" -> "ipv4";
              case "inet6" -> "ipv6";
              case "local" -> "unix";
              default -> s.get("saddr_fam");
            };
        case "addr" -> s.get("laddr");
        case "port" -> s.get("lport");
        default -> s.get(key);
      };
    }
    switch (key) {
      case "arch":
      case "syscall":
      case "exit":
      case "sig":
        return NO_ACCOUNTS.value(r, key);
      default:
        return r.field(key);
    }
  }

  private static void check(
      List<String> out, String where, String what, Object expected, Object got) {
    Object e = expected instanceof Long l ? (Object) l : expected;
    if (!String.valueOf(e).equals(String.valueOf(got))) {
      out.add(where + " " + what + ": expected <" + expected + "> got <" + got + ">");
    }
  }
}
