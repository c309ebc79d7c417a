package dev.fim.engine.fanotify;

import static dev.fim.engine.fanotify.EventBytes.*;
import static dev.fim.engine.fanotify.FanotifyEvent.*;
import static dev.fim.engine.fanotify.FanotifyLayout.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Decoding of hand-built read buffers: one row per shape, boundary rows included. Never throws on
 * bad input.
 */
class EventDecoderTest {
  private static final long FSID = 0x1122334455667788L;
  private static final byte[] DIR = {
    0x0c, 0, 1, 0, 0, 0, 0, 0
  }; // ext4 FILEID_INO32_GEN-like: 8 bytes
  private static final byte[] DIR2 = {0x0d, 0, 1, 0, 0, 0, 0, 0};
  private static final byte[] FILE = {0x2a, 0, 0, 0, 7, 0, 0, 0};
  private static final int TYPE = 1;

  private static FileHandleKey key(byte[] h) {
    return new FileHandleKey(FSID, TYPE, h);
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] dfidName(byte[] dir, byte[] name) {
    return fid(FAN_EVENT_INFO_TYPE_DFID_NAME, FSID, TYPE, dir, name);
  }

  private static byte[] objectFid(byte[] h) {
    return fid(FAN_EVENT_INFO_TYPE_FID, FSID, TYPE, h, null);
  }

  /**
   * What a decode delivered: the events, then "overflow" and "malformed N" markers in call order.
   */
  record Outcome(List<Object> calls) {}

  static Stream<Arguments> rows() {
    byte[] create = event(FAN_CREATE, 100, dfidName(DIR, b("a.txt")), objectFid(FILE));
    FanotifyEvent createE =
        new FanotifyEvent(FAN_CREATE, 100, key(DIR), b("a.txt"), key(FILE), null, null, null, null);

    byte[] odd = {'x', (byte) 0xff, '\n', 'y'};
    byte[] oddName = event(FAN_CLOSE_WRITE, 101, dfidName(DIR, odd), objectFid(FILE));
    FanotifyEvent oddE =
        new FanotifyEvent(FAN_CLOSE_WRITE, 101, key(DIR), odd, key(FILE), null, null, null, null);

    byte[] rename =
        event(
            FAN_RENAME,
            102,
            fid(FAN_EVENT_INFO_TYPE_OLD_DFID_NAME, FSID, TYPE, DIR, b("old")),
            fid(FAN_EVENT_INFO_TYPE_NEW_DFID_NAME, FSID, TYPE, DIR2, b("new-name")),
            objectFid(FILE));
    FanotifyEvent renameE =
        new FanotifyEvent(
            FAN_RENAME, 102, null, null, key(FILE), key(DIR), b("old"), key(DIR2), b("new-name"));

    byte[] dirSelf =
        event(FAN_DELETE_SELF | FAN_ONDIR, 103, dfidName(DIR2, b(".")), objectFid(DIR2));
    FanotifyEvent dirSelfE =
        new FanotifyEvent(
            FAN_DELETE_SELF | FAN_ONDIR, 103, key(DIR2), b("."), key(DIR2), null, null, null, null);

    byte[] dfidOnly =
        event(FAN_ATTRIB | FAN_ONDIR, 104, fid(FAN_EVENT_INFO_TYPE_DFID, FSID, TYPE, DIR, null));
    FanotifyEvent dfidOnlyE =
        new FanotifyEvent(
            FAN_ATTRIB | FAN_ONDIR, 104, key(DIR), null, null, null, null, null, null);

    byte[] overflow = event(FAN_Q_OVERFLOW, 0);
    // A record with a length of 0 would loop forever if trusted.
    byte[] zeroLen = withRecordLen(create, 24, 0);
    // The name record claims more bytes than the event has.
    byte[] pastEvent = withRecordLen(create, 24, 200);
    // The event claims more bytes than were read: the rest of the buffer cannot be trusted.
    byte[] truncatedTail = java.util.Arrays.copyOf(create, create.length - 5);
    byte[] tinyEventLen = withEventLen(create, 8);
    // A name record cut before its NUL (len shortened to end inside the name).
    byte[] noNul =
        event(
            FAN_CREATE,
            105,
            raw(
                FAN_EVENT_INFO_TYPE_DFID_NAME,
                4 + 8 + 8 + DIR.length + 3,
                concat(new byte[8], le(DIR.length), le(TYPE), DIR, b("abc"))));
    // handle_bytes larger than the record.
    byte[] bigHandle =
        event(
            FAN_CREATE,
            106,
            raw(FAN_EVENT_INFO_TYPE_FID, 4 + 8 + 8, concat(new byte[8], le(64), le(TYPE))));
    byte[] unknownType =
        event(FAN_MODIFY, 107, dfidName(DIR, b("f")), raw(99, 8, new byte[4]), objectFid(FILE));
    FanotifyEvent unknownTypeE =
        new FanotifyEvent(FAN_MODIFY, 107, key(DIR), b("f"), key(FILE), null, null, null, null);
    byte[] badVersion = event(2, FAN_CREATE, 108, -1, dfidName(DIR, b("v2")));
    byte[] emptyName = event(FAN_CREATE, 109, dfidName(DIR, new byte[0]));
    FanotifyEvent emptyNameE =
        new FanotifyEvent(FAN_CREATE, 109, key(DIR), new byte[0], null, null, null, null, null);
    byte[] longName = new byte[255];
    java.util.Arrays.fill(longName, (byte) 'n');
    byte[] long255 = event(FAN_CREATE, 110, dfidName(DIR, longName), objectFid(FILE));
    FanotifyEvent long255E =
        new FanotifyEvent(FAN_CREATE, 110, key(DIR), longName, key(FILE), null, null, null, null);

    return Stream.of(
        row("create: DFID_NAME + child FID", create, createE),
        row("name with \\xff and a newline", oddName, oddE),
        row("FAN_RENAME: old and new dir+name in one event", rename, renameE),
        row("directory self event: own handle, name \".\"", dirSelf, dirSelfE),
        row("DFID without a name", dfidOnly, dfidOnlyE),
        row("empty buffer", new byte[0]),
        row("overflow becomes overflow()", overflow, "overflow"),
        row("three events in one read", concat(create, rename, oddName), createE, renameE, oddE),
        row(
            "overflow between events keeps order",
            concat(create, overflow, oddName),
            createE,
            "overflow",
            oddE),
        row(
            "record len 0: event skipped, next decoded",
            concat(zeroLen, oddName),
            oddE,
            "malformed 1"),
        row(
            "record past its event: event skipped, next decoded",
            concat(pastEvent, oddName),
            oddE,
            "malformed 1"),
        row(
            "event cut by the end of the read: counted once",
            concat(oddName, truncatedTail),
            oddE,
            "malformed 1"),
        row(
            "event_len below 24: rest of the buffer dropped",
            concat(oddName, tinyEventLen, create),
            oddE,
            "malformed 1"),
        row("buffer shorter than a metadata", java.util.Arrays.copyOf(create, 10), "malformed 1"),
        row("name without its NUL", concat(noNul, create), createE, "malformed 1"),
        row("handle_bytes beyond the record", concat(bigHandle, create), createE, "malformed 1"),
        row("unknown info type skipped by its length", unknownType, unknownTypeE),
        row("metadata version 2 skipped", concat(badVersion, create), createE, "malformed 1"),
        row(
            "two malformed in one read: one call with 2",
            concat(zeroLen, noNul, create),
            createE,
            "malformed 2"),
        row("empty name", emptyName, emptyNameE),
        row("255-byte name (NAME_MAX)", long255, long255E));
  }

  private static Arguments row(String name, byte[] buffer, Object... expected) {
    return Arguments.of(name, buffer, List.of(expected));
  }

  private static byte[] le(int v) {
    return ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(v).array();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void decodes(String name, byte[] buffer, List<Object> expected) {
    List<Object> calls = new ArrayList<>();
    List<Integer> closed = new ArrayList<>();
    EventDecoder decoder = new EventDecoder(closed::add);
    ByteBuffer direct = ByteBuffer.allocateDirect(Math.max(buffer.length, 1));
    direct.put(buffer).clear();
    int delivered =
        decoder.decode(
            direct,
            buffer.length,
            new FanotifyStream() {
              @Override
              public void event(FanotifyEvent e) {
                calls.add(e);
              }

              @Override
              public void overflow() {
                calls.add("overflow");
              }

              @Override
              public void malformed(int count) {
                calls.add("malformed " + count);
              }
            });
    assertEquals(expected, calls);
    assertEquals(expected.stream().filter(o -> o instanceof FanotifyEvent).count(), delivered);
    assertEquals(
        expected.stream()
            .filter(o -> o instanceof String s && s.startsWith("malformed"))
            .mapToInt(o -> Integer.parseInt(((String) o).substring(10)))
            .sum(),
        decoder.malformed());
    assertEquals(List.of(), closed);
  }

  @org.junit.jupiter.api.Test
  void strayEventFdAndPidfdAreClosed() {
    byte[] pidfd = raw(FAN_EVENT_INFO_TYPE_PIDFD, 8, le(42));
    byte[] e = event(3, FAN_MODIFY, 1, 41, dfidName(DIR, b("f")), pidfd);
    List<Integer> closed = new ArrayList<>();
    List<FanotifyEvent> events = new ArrayList<>();
    new EventDecoder(closed::add)
        .decode(
            ByteBuffer.wrap(e),
            e.length,
            new FanotifyStream() {
              @Override
              public void event(FanotifyEvent ev) {
                events.add(ev);
              }

              @Override
              public void overflow() {}

              @Override
              public void malformed(int count) {}
            });
    assertEquals(List.of(41, 42), closed);
    assertEquals(1, events.size());
  }

  @org.junit.jupiter.api.Test
  void eventIsImmutableAndComparesByContent() {
    byte[] name = b("a");
    FanotifyEvent e =
        new FanotifyEvent(FAN_CREATE, 1, key(DIR), name, null, null, null, null, null);
    e.name()[0] = 'z';
    assertEquals("a", new String(e.name(), StandardCharsets.UTF_8));
    assertEquals(
        e, new FanotifyEvent(FAN_CREATE, 1, key(DIR), b("a"), null, null, null, null, null));
    assertEquals(
        e.hashCode(),
        new FanotifyEvent(FAN_CREATE, 1, key(DIR), b("a"), null, null, null, null, null)
            .hashCode());
  }
}
