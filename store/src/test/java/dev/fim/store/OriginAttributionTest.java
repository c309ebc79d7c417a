package dev.fim.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Origin and attribution as enums: stored as the same text as when they were strings (existing
 * databases stay readable and new values are byte for byte what the old code wrote), and a label
 * this fim does not know is read as {@code UNKNOWN}, never a failure.
 */
class OriginAttributionTest {
  @TempDir Path tmp;

  /**
   * The version-1 encoding of an event without states, changes or actor, written field by field as
   * it is specified.
   */
  private static byte[] oldEncoding(String origin, String attribution, String reason)
      throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeByte(1);
    out.writeLong(1_764_000_000_000_000_000L);
    out.writeLong(7);
    out.writeByte(Action.UPDATED.ordinal());
    text(out, "/etc/hosts");
    out.writeInt(-1); // old path
    out.writeInt(-1); // after
    out.writeInt(-1); // before
    out.writeInt(0); // changes
    text(out, origin);
    text(out, attribution);
    text(out, reason);
    out.writeInt(-1); // message
    out.writeByte(0); // no actor
    out.flush();
    return bytes.toByteArray();
  }

  private static void text(DataOutputStream out, String s) throws IOException {
    if (s == null) {
      out.writeInt(-1);
      return;
    }
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static ChangeEvent event(Origin o, Attribution a, String reason) {
    return new ChangeEvent(
        1_764_000_000_000_000_000L,
        7,
        Action.UPDATED,
        PathBytes.ofUtf8("/etc/hosts"),
        null,
        null,
        null,
        List.of(),
        o,
        a,
        reason,
        null,
        null);
  }

  @Test
  void everyKnownValueIsStoredAsItsOldTextByteForByte() throws IOException {
    for (Origin o : Origin.values()) {
      for (Attribution a : Attribution.values()) {
        if (o == Origin.UNKNOWN || a == Attribution.UNKNOWN) {
          continue; // never written
        }
        byte[] expected = oldEncoding(o.label(), a.label(), "why");
        assertArrayEquals(expected, ChangeEventCodec.encode(event(o, a, "why")), o + " " + a);
        ChangeEvent back = ChangeEventCodec.decode(expected);
        assertEquals(o, back.origin());
        assertEquals(a, back.attribution());
      }
    }
    assertArrayEquals(
        oldEncoding(null, null, null),
        ChangeEventCodec.encode(event(null, null, null)),
        "absent stays absent");
  }

  @Test
  void theLabelsAreTheOnesOldDatabasesHold() {
    assertEquals(
        List.of("check", "update", "accept", "watch", "reconcile", "rescan", "unknown"),
        java.util.Arrays.stream(Origin.values()).map(Origin::label).toList());
    assertEquals(
        List.of("audit", "proc", "audit-log", "none", "unknown"),
        java.util.Arrays.stream(Attribution.values()).map(Attribution::label).toList());
  }

  @Test
  void anUnknownStoredLabelIsReadAsUnknown() throws Exception {
    byte[] stored = oldEncoding("frobnicate", "ebpf", "a newer fim's source");
    ChangeEvent e = ChangeEventCodec.decode(stored);
    assertEquals(Origin.UNKNOWN, e.origin());
    assertEquals(Attribution.UNKNOWN, e.attribution());
    assertEquals("a newer fim's source", e.attributionReason());
    // How it is rendered: EventJsonTest#unknownAndAbsentLabelsAreRendered (the engine's output
    // package). Through a real store's reader, as history and report read it.
    try (Store store = Store.open(tmp.resolve("db"), Store.OpenMode.CREATE)) {
      assertEquals(Origin.UNKNOWN, new EventLog(store).decode(stored).origin());
    }
  }

  @Test
  void absentValuesStayAbsentAndAttributionReadsAsNone() throws IOException {
    ChangeEvent e = ChangeEventCodec.decode(oldEncoding(null, null, null));
    assertNull(e.origin());
    assertNull(e.attribution());
    assertEquals(Origin.UNKNOWN, Origin.ofLabel(""));
    assertNull(Attribution.ofLabel(null));
  }
}
