package dev.fim.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fim.store.Action;
import dev.fim.store.Actor;
import dev.fim.store.Approval;
import dev.fim.store.AttributeChange;
import dev.fim.store.Attribution;
import dev.fim.store.ChangeEvent;
import dev.fim.store.Origin;
import dev.fim.store.PackageOrigin;
import dev.fim.store.PathBytes;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An HTML row written straight into a batch's characters (issue 18) is the row written to any other
 * writer, and every field a hostile file name, process, package or approval note can reach is
 * escaped in it, as it was when each field was escaped into a String of its own.
 */
class HtmlRowTest {
  private static final String HOSTILE = "<script>alert('x')</script>&\"q\"é";
  private static final String ESCAPED =
      "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;q&quot;é";

  /** The escaping of the build before issue 18's tenth session, character by character. */
  private static String reference(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      b.append(
          switch (c) {
            case '&' -> "&amp;";
            case '<' -> "&lt;";
            case '>' -> "&gt;";
            case '"' -> "&quot;";
            case '\'' -> "&#39;";
            default -> String.valueOf(c);
          });
    }
    return b.toString();
  }

  @Test
  void everyCharacterIsEscapedAsBefore() {
    StringBuilder all = new StringBuilder();
    for (char c = 0; c < 0x500; c++) {
      all.append(c);
      String one = "a" + c + "b";
      assertEquals(reference(one), HtmlReport.esc(one), "char " + (int) c);
      assertEquals(
          reference(one), HtmlReport.escTo(new StringBuilder(), one).toString(), "char " + (int) c);
    }
    assertEquals(reference(all.toString()), HtmlReport.esc(all.toString()));
    assertEquals(
        "x" + reference(all.toString()),
        HtmlReport.escTo(new StringBuilder("x"), all.toString()).toString());
    String plain = "/usr/lib/x86_64-linux-gnu/libc.so.6";
    assertTrue(plain == HtmlReport.esc(plain), "a string with nothing to escape is itself");
  }

  @Test
  void aRowIntoABatchIsTheRowIntoAWriterWithEveryFieldEscaped() throws Exception {
    Actor actor =
        new Actor(
            1001L,
            "al<i>ce",
            0L,
            "r&oot",
            4242,
            1,
            "/tmp/" + HOSTILE,
            "v\"im",
            List.of("vim"),
            3L,
            "pts/0",
            null,
            null);
    ChangeEvent e =
        new ChangeEvent(
            1_700_000_000_000_000_000L,
            7,
            Action.MOVED,
            PathBytes.ofUtf8("/etc/" + HOSTILE),
            PathBytes.ofUtf8("/etc/old" + HOSTILE),
            null,
            null,
            List.of(new AttributeChange("mo<de", "0644'", "0755&")),
            Origin.WATCH,
            Attribution.AUDIT,
            null,
            "message " + HOSTILE,
            actor,
            List.of(),
            new PackageOrigin("pkg<" + HOSTILE, "1.0&", false, "reason " + HOSTILE));
    Approval a = new Approval(1_700_000_001_000_000_000L, 1001, "b<ob", 0, "root", HOSTILE);
    for (Approval approval : new Approval[] {a, null}) {
      CharsWriter batch = new CharsWriter(16);
      batch.write("before|");
      new HtmlReport().change(batch, e, approval);
      StringWriter plain = new StringWriter();
      new HtmlReport().change(plain, e, approval);
      String row = new String(batch.utf8(), java.nio.charset.StandardCharsets.UTF_8);
      assertEquals("before|" + plain, row, "the same row either way");
      String r = plain.toString();
      assertFalse(r.contains(HOSTILE), r);
      assertFalse(r.contains("<script") || r.contains("<i>") || r.contains("b<ob"), r);
      assertTrue(r.contains("/etc/" + ESCAPED + "</td>"), r);
      assertTrue(r.contains("/etc/old" + ESCAPED + " &rarr;<br>"), r);
      assertTrue(r.contains("message " + ESCAPED + "<br>"), r);
      assertTrue(r.contains("mo&lt;de: 0644&#39; &rarr; 0755&amp;<br>"), r);
      assertTrue(r.contains("reason " + ESCAPED), r);
      assertTrue(r.contains("al&lt;i&gt;ce (auid 1001) as r&amp;oot"), r);
      assertTrue(r.contains("/tmp/" + ESCAPED), r);
      if (approval != null) {
        assertTrue(r.startsWith("<tr><td class=\"t\">"), r);
        assertTrue(r.contains("by b&lt;ob (auid 1001"), r);
        assertTrue(r.endsWith(": " + ESCAPED + "</td></tr>\n"), r);
      } else {
        assertTrue(r.startsWith("<tr class=\"unapproved\">"), r);
        assertTrue(r.endsWith("<span class=\"badge no\">UNAPPROVED</span></td></tr>\n"), r);
      }
    }
  }
}
