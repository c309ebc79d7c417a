package dev.fim.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fim.store.Action;
import dev.fim.store.Actor;
import dev.fim.store.Approval;
import dev.fim.store.AttributeChange;
import dev.fim.store.Attribution;
import dev.fim.store.ChangeEvent;
import dev.fim.store.Origin;
import dev.fim.store.PathBytes;
import dev.fim.store.Timestamps;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A CSV row written straight into a batch's characters, with its numbers appended without a String
 * each (issue 18, session 12), is the row the build before wrote: every cell as {@code field} made
 * it from a String, quoted and defused where a hostile path, name or note needs it, and the row is
 * the same written into a batch or to any other writer.
 */
class CsvRowTest {
  private static final String HOSTILE = "=HYPERLINK(\"http://x\"),a\r\nb";

  /** A cell as the build before issue 18's twelfth session wrote it, from its String. */
  private static String cell(String v) {
    boolean formula = CsvReport.formulaLike(v);
    boolean quote = formula;
    for (char c : v.toCharArray()) {
      quote |= c == ',' || c == '"' || c == '\n' || c == '\r';
    }
    if (!quote) {
      return v;
    }
    return "\"" + (formula ? "'" : "") + v.replace("\"", "\"\"") + "\"";
  }

  private static String num(Number n) {
    return n == null ? "" : n.toString();
  }

  /** The row of the build before, cell by cell from the event's values as Strings. */
  private static String reference(ChangeEvent e, Approval a) {
    Actor x = e.actor();
    List<String> cells = new ArrayList<>();
    cells.add(Timestamps.format(e.timeNs()));
    cells.add(Long.toString(e.sequence()));
    cells.add(e.action().label());
    cells.add(e.path().display());
    cells.add(e.path().isUtf8() ? "" : e.path().hex());
    cells.add(e.oldPath() == null ? "" : e.oldPath().display());
    StringBuilder changes = new StringBuilder();
    for (AttributeChange c : e.changes()) {
      changes.append(changes.length() == 0 ? "" : "; ");
      changes.append(c.attribute() + ": " + c.oldValue() + " -> " + c.newValue());
    }
    cells.add(changes.toString());
    cells.add(x == null ? "" : num(x.auid()));
    cells.add(x == null || x.auidName() == null ? "" : x.auidName());
    cells.add(x == null ? "" : num(x.uid()));
    cells.add(x == null || x.uidName() == null ? "" : x.uidName());
    cells.add(x == null ? "" : num(x.pid()));
    cells.add(x == null || x.executable() == null ? "" : x.executable());
    cells.add(e.attribution().label());
    cells.add(e.attributionReason() == null ? "" : e.attributionReason());
    cells.add(CsvReport.writers(e));
    cells.add(e.origin().label());
    cells.add(e.message() == null ? "" : e.message());
    cells.add(
        (e.action() == Action.OVERFLOW ? "n/a" : a == null ? "UNAPPROVED" : "approved")
            .toLowerCase(java.util.Locale.ROOT));
    cells.add(a == null ? "" : Timestamps.format(a.acceptedNs()));
    cells.add(a == null ? "" : a.who());
    cells.add(a == null ? "" : a.note());
    cells.add("verified");
    StringBuilder row = new StringBuilder();
    for (String c : cells) {
      row.append(row.length() == 0 ? "" : ",").append(cell(c));
    }
    return row.append("\r\n").toString();
  }

  private static ChangeEvent event(long sequence, Action action, Actor actor) {
    return new ChangeEvent(
        1_700_000_000_123_456_789L,
        sequence,
        action,
        PathBytes.ofUtf8("/etc/" + HOSTILE),
        PathBytes.ofUtf8("-1"),
        null,
        null,
        List.of(new AttributeChange("mode", "0644", "0755"), new AttributeChange("x", "-1", "=2")),
        Origin.WATCH,
        Attribution.AUDIT,
        "+reason",
        "@message, \"quoted\"",
        actor);
  }

  @Test
  void everyRowIsTheRowOfTheBuildBeforeAtEveryNumbersEdge() throws Exception {
    Actor[] actors = {
      null,
      new Actor(
          Actor.UNSET_ID, "-al,ice", -1L, "=root", -7, 1, "/tmp/" + HOSTILE, "v", null, 3L, null),
      new Actor(
          Long.MIN_VALUE,
          null,
          Long.MAX_VALUE,
          null,
          Integer.MIN_VALUE,
          1,
          null,
          null,
          null,
          null,
          null),
      new Actor(0L, "a", 0L, "b", Integer.MAX_VALUE, 1, "/bin/x", "x", null, null, null),
      new Actor(null, null, null, null, null, null, null, null, null, null, null)
    };
    long[] sequences = {0, 7, -1, Long.MIN_VALUE, Long.MAX_VALUE};
    Approval approval = new Approval(1_700_000_001_000_000_000L, 1001, "b,ob", 0, "root", HOSTILE);
    for (Actor actor : actors) {
      for (long sequence : sequences) {
        for (Action action : new Action[] {Action.UPDATED, Action.OVERFLOW}) {
          for (Approval a : new Approval[] {approval, null}) {
            ChangeEvent e = event(sequence, action, actor);
            StringWriter plain = new StringWriter();
            new CsvReport(true).change(plain, e, a);
            assertEquals(reference(e, a), plain.toString(), actor + " " + sequence);
            CharsWriter batch = new CharsWriter(16);
            batch.write("before\r\n");
            CsvReport rows = new CsvReport(true);
            rows.change(batch, e, a);
            rows.change(batch, e, a);
            assertEquals(
                "before\r\n" + plain + plain,
                new String(batch.utf8(), StandardCharsets.UTF_8),
                "the same rows in a batch");
          }
        }
      }
    }
  }

  @Test
  void aHostileCellIsStillQuotedAndDefused() throws Exception {
    StringWriter out = new StringWriter();
    new CsvReport(true).change(out, event(1, Action.UPDATED, null), null);
    String row = out.toString();
    assertEquals(
        "2023-11-14T22:13:20.123456789Z,1,updated,"
            // the path's line ends shown escaped (PathBytes.display), the cell quoted for its comma
            + "\"/etc/=HYPERLINK(\"\"http://x\"\"),a\\x0d\\nb\",,-1,"
            + "mode: 0644 -> 0755; x: -1 -> =2,,,,,,,audit,\"'+reason\",,watch,"
            + "\"'@message, \"\"quoted\"\"\",unapproved,,,,verified\r\n",
        row);
  }
}
