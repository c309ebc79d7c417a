package dev.fim.engine.fanotify;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Hand-built fanotify read buffers, laid out as fanotify(7) and include/uapi/linux/fanotify.h
 * describe them.
 */
final class EventBytes {
  private EventBytes() {}

  /** {@code struct fanotify_event_metadata} (vers 3, fd FAN_NOFD) followed by {@code records}. */
  static byte[] event(long mask, int pid, byte[]... records) {
    return event(3, mask, pid, -1, records);
  }

  static byte[] event(int vers, long mask, int pid, int fd, byte[]... records) {
    int len = 24;
    for (byte[] r : records) {
      len += r.length;
    }
    ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(len)
        .put((byte) vers)
        .put((byte) 0)
        .putShort((short) 24)
        .putLong(mask)
        .putInt(fd)
        .putInt(pid);
    for (byte[] r : records) {
      b.put(r);
    }
    return b.array();
  }

  /**
   * A fid info record: header, fsid, struct file_handle, then (if non-null) the name and its NUL;
   * padded to 4.
   */
  static byte[] fid(int type, long fsid, int handleType, byte[] handle, byte[] name) {
    int len = 4 + 8 + 8 + handle.length + (name == null ? 0 : name.length + 1);
    len = (len + 3) & ~3;
    ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) type).put((byte) 0).putShort((short) len);
    b.putLong(fsid);
    b.putInt(handle.length).putInt(handleType).put(handle);
    if (name != null) {
      b.put(name).put((byte) 0);
    }
    return b.array();
  }

  /** An info record of any type with a raw body (length = 4 + body). */
  static byte[] raw(int type, int declaredLen, byte[] body) {
    ByteBuffer b = ByteBuffer.allocate(4 + body.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) type).put((byte) 0).putShort((short) declaredLen).put(body);
    return b.array();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** Sets the u16 {@code len} of the info record at {@code recordOffset} in {@code event}. */
  static byte[] withRecordLen(byte[] event, int recordOffset, int len) {
    byte[] out = event.clone();
    ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putShort(recordOffset + 2, (short) len);
    return out;
  }

  /** Sets the u32 {@code event_len} of an event. */
  static byte[] withEventLen(byte[] event, int len) {
    byte[] out = event.clone();
    ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putInt(0, len);
    return out;
  }
}
