package dev.fim.store;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Versioned binary encoding of a {@link ChangeEvent} (the value of the {@code events} column
 * family). Lossless, unlike the JSON: path bytes and both file records are kept exactly, so the
 * JSON, text and report forms are all derived from it.
 */
final class ChangeEventCodec {
  static final int VERSION = 1;

  /** The tagged section {@code fim.writers} (see {@link #writeWriters}). */
  static final int TAG_WRITERS = 1;

  /** Tag of the package section ({@link PackageOrigin}). */
  static final int TAG_PACKAGE = 2;

  private ChangeEventCodec() {}

  static byte[] encode(ChangeEvent e) {
    ValueBuffer bytes = new ValueBuffer(512);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      out.writeLong(e.timeNs());
      out.writeLong(e.sequence());
      out.writeByte(e.action().ordinal());
      writeBytes(out, e.path().toBytes());
      writeBytes(out, e.oldPath() == null ? null : e.oldPath().toBytes());
      writeBytes(out, e.after() == null ? null : FileRecordCodec.encode(e.after()));
      writeBytes(out, e.before() == null ? null : FileRecordCodec.encode(e.before()));
      out.writeInt(e.changes().size());
      for (AttributeChange c : e.changes()) {
        writeString(out, c.attribute());
        writeString(out, c.oldValue());
        writeString(out, c.newValue());
      }
      // The enums' labels: the same bytes as when these were strings.
      writeString(out, e.origin() == null ? null : e.origin().label());
      writeString(out, e.attribution() == null ? null : e.attribution().label());
      writeString(out, e.attributionReason());
      // Added after version 1 shipped, as an optional tail: older values simply end before it.
      writeString(out, e.message());
      writeActor(out, e.actor());
      // Tagged sections after the actor (a tag byte, then the body), in tag order; absent ones
      // are not written, so an event without them is the same bytes as before (the evidence chain
      // seals them).
      if (!e.writers().isEmpty()) {
        out.writeByte(TAG_WRITERS);
        writeWriters(out, e.writers());
      }
      if (e.pkg() != null) {
        out.writeByte(TAG_PACKAGE);
        writePackage(out, e.pkg());
      }
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    return bytes.toByteArray();
  }

  static ChangeEvent decode(byte[] value) {
    try {
      ByteBuffer in = ByteBuffer.wrap(value);
      int version = in.get() & 0xff;
      if (version != VERSION) {
        throw new IllegalArgumentException(
            "event encoding version " + version + " (this fim reads " + VERSION + ")");
      }
      long time = in.getLong();
      long seq = in.getLong();
      int ai = in.get() & 0xff;
      if (ai >= Action.values().length) {
        throw new IllegalArgumentException("bad action " + ai);
      }
      byte[] path = readBytes(in);
      byte[] oldPath = readBytes(in);
      byte[] after = readBytes(in);
      byte[] before = readBytes(in);
      int n = in.getInt();
      if (n < 0 || n > in.remaining()) {
        throw new IllegalArgumentException("bad change count " + n);
      }
      List<AttributeChange> changes = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        changes.add(new AttributeChange(readString(in), readString(in), readString(in)));
      }
      // A label this fim does not know reads as UNKNOWN: an old or newer history stays readable.
      Origin origin = Origin.ofLabel(readString(in));
      Attribution attribution = Attribution.ofLabel(readString(in));
      String reason = readString(in);
      String message = in.hasRemaining() ? readString(in) : null;
      Actor actor = in.hasRemaining() ? readActor(in) : null;
      List<Writer> writers = null;
      PackageOrigin pkg = null;
      while (in.hasRemaining()) {
        int tag = in.get() & 0xff;
        if (tag == TAG_WRITERS && writers == null && pkg == null) {
          writers = readWriters(in);
        } else if (tag == TAG_PACKAGE && pkg == null) {
          pkg = readPackage(in);
        } else {
          throw new IllegalArgumentException(
              tag == TAG_WRITERS || tag == TAG_PACKAGE
                  ? "event section " + tag + " twice or out of order"
                  : "unknown event section tag " + tag);
        }
      }
      if (path == null) {
        throw new IllegalArgumentException("event without a path");
      }
      return new ChangeEvent(
          time,
          seq,
          Action.values()[ai],
          PathBytes.wrap(path),
          oldPath == null ? null : PathBytes.wrap(oldPath),
          after == null ? null : FileRecordCodec.decode(after),
          before == null ? null : FileRecordCodec.decode(before),
          changes,
          origin,
          attribution,
          reason,
          message,
          actor,
          writers,
          pkg);
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("event truncated at " + value.length + " bytes", e);
    }
  }

  /**
   * The actor tail: a presence byte, then each field as a string (null kept), args as a count and
   * strings. The presence byte is the actor's own version: 1 ends after the tty; 2 (an actor with
   * the unset-login context) adds the systemd unit and the parent chain after it, so values written
   * before them read as they were, and an actor without context is written byte for byte as before
   * (the evidence chain seals these bytes).
   */
  private static void writeActor(DataOutputStream out, Actor a) throws IOException {
    out.writeByte(a == null ? 0 : a.hasContext() ? 2 : 1);
    if (a == null) {
      return;
    }
    writeString(out, a.auid() == null ? null : a.auid().toString());
    writeString(out, a.auidName());
    writeString(out, a.uid() == null ? null : a.uid().toString());
    writeString(out, a.uidName());
    writeString(out, a.pid() == null ? null : a.pid().toString());
    writeString(out, a.ppid() == null ? null : a.ppid().toString());
    writeString(out, a.executable());
    writeString(out, a.name());
    out.writeInt(a.args() == null ? -1 : a.args().size());
    if (a.args() != null) {
      for (String arg : a.args()) {
        writeString(out, arg);
      }
    }
    writeString(out, a.sessionId() == null ? null : a.sessionId().toString());
    writeString(out, a.tty());
    if (a.hasContext()) {
      writeString(out, a.systemdUnit());
      out.writeInt(a.parents() == null ? -1 : a.parents().size());
      if (a.parents() != null) {
        for (Actor.Parent p : a.parents()) {
          out.writeInt(p.pid());
          writeString(out, p.executable());
          writeString(out, p.auid() == null ? null : p.auid().toString());
        }
      }
    }
  }

  private static Actor readActor(ByteBuffer in) {
    int form = in.get() & 0xff;
    if (form == 0) {
      return null;
    }
    if (form > 2) {
      throw new IllegalArgumentException("actor form " + form + " (this fim reads 1 and 2)");
    }
    Long auid = toLong(readString(in));
    String auidName = readString(in);
    Long uid = toLong(readString(in));
    String uidName = readString(in);
    Long pid = toLong(readString(in));
    Long ppid = toLong(readString(in));
    String exe = readString(in);
    String name = readString(in);
    int n = in.getInt();
    if (n < -1 || n > in.remaining()) {
      throw new IllegalArgumentException("bad argument count " + n);
    }
    List<String> args = null;
    if (n >= 0) {
      args = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        String arg = readString(in);
        if (arg == null) {
          // fim never writes a null argument; Actor's List.copyOf would throw a
          // NullPointerException
          throw new IllegalArgumentException("argument " + i + " is null");
        }
        args.add(arg);
      }
    }
    Long session = toLong(readString(in));
    String tty = readString(in);
    String unit = null;
    List<Actor.Parent> parents = null;
    if (form == 2) {
      unit = readString(in);
      int m = in.getInt();
      if (m < -1 || m > in.remaining()) {
        throw new IllegalArgumentException("bad parent count " + m);
      }
      if (m >= 0) {
        parents = new ArrayList<>(m);
        for (int i = 0; i < m; i++) {
          parents.add(new Actor.Parent(in.getInt(), readString(in), toLong(readString(in))));
        }
      }
    }
    return new Actor(
        auid,
        auidName,
        uid,
        uidName,
        pid == null ? null : pid.intValue(),
        ppid == null ? null : ppid.intValue(),
        exe,
        name,
        args,
        session,
        tty,
        unit,
        parents);
  }

  /** name, version, verified (0 unknown, 1 false, 2 true), reason. */
  private static void writePackage(DataOutputStream out, PackageOrigin p) throws IOException {
    writeString(out, p.name());
    writeString(out, p.version());
    out.writeByte(p.verified() == null ? 0 : p.verified() ? 2 : 1);
    writeString(out, p.reason());
  }

  private static PackageOrigin readPackage(ByteBuffer in) {
    String name = readString(in);
    String version = readString(in);
    int v = in.get() & 0xff;
    if (name == null || v > 2) {
      throw new IllegalArgumentException(
          name == null ? "package section without a name" : "bad package verified byte " + v);
    }
    return new PackageOrigin(name, version, v == 0 ? null : v == 2, readString(in));
  }

  /**
   * The writers section: a count, then per writer its time (a long), pid, executable, name, auid,
   * uid, syscall and serial as strings (null kept).
   */
  private static void writeWriters(DataOutputStream out, List<Writer> writers) throws IOException {
    out.writeInt(writers.size());
    for (Writer w : writers) {
      out.writeLong(w.timeNs());
      writeString(out, w.pid() == null ? null : w.pid().toString());
      writeString(out, w.executable());
      writeString(out, w.name());
      writeString(out, w.auid() == null ? null : w.auid().toString());
      writeString(out, w.uid() == null ? null : w.uid().toString());
      writeString(out, w.syscall());
      writeString(out, w.serial() == null ? null : w.serial().toString());
    }
  }

  private static List<Writer> readWriters(ByteBuffer in) {
    int n = in.getInt();
    // each writer takes at least 8 + 7 * 4 bytes
    if (n < 1 || n > in.remaining() / 36) {
      throw new IllegalArgumentException("bad writer count " + n);
    }
    List<Writer> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      long time = in.getLong();
      Long pid = toLong(readString(in));
      String exe = readString(in);
      String name = readString(in);
      Long auid = toLong(readString(in));
      Long uid = toLong(readString(in));
      String syscall = readString(in);
      Long serial = toLong(readString(in));
      if (pid != null && (pid < 0 || pid > Integer.MAX_VALUE)) {
        throw new IllegalArgumentException("bad writer pid " + pid);
      }
      out.add(
          new Writer(
              pid == null ? null : pid.intValue(), exe, name, auid, uid, syscall, serial, time));
    }
    return out;
  }

  private static Long toLong(String s) {
    return s == null ? null : Long.valueOf(s);
  }

  private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
    if (b == null) {
      out.writeInt(-1);
    } else {
      out.writeInt(b.length);
      out.write(b);
    }
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    writeBytes(out, s == null ? null : s.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] readBytes(ByteBuffer in) {
    int len = in.getInt();
    if (len == -1) {
      return null;
    }
    if (len < 0 || len > in.remaining()) {
      throw new IllegalArgumentException(
          "length " + len + " exceeds the " + in.remaining() + " bytes left");
    }
    byte[] b = new byte[len];
    in.get(b);
    return b;
  }

  /**
   * A string straight from the value's bytes (a decoded event has a dozen or more: copying each
   * into an array of its own first doubled their garbage, ChangeEventCodecBench's {@code -prof
   * gc}).
   */
  private static String readString(ByteBuffer in) {
    int len = in.getInt();
    if (len == -1) {
      return null;
    }
    if (len < 0 || len > in.remaining()) {
      throw new IllegalArgumentException(
          "length " + len + " exceeds the " + in.remaining() + " bytes left");
    }
    int at = in.position();
    in.position(at + len);
    return new String(in.array(), in.arrayOffset() + at, len, StandardCharsets.UTF_8);
  }
}
