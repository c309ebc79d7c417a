package dev.fim.engine.fanotify;

import static dev.fim.engine.fanotify.FanotifyLayout.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.IntConsumer;

/**
 * Decodes the bytes of one {@code read(2)} of an FID-mode fanotify fd into {@link FanotifyEvent}s:
 * a sequence of {@code struct fanotify_event_metadata}, each followed by its info records
 * (fanotify(7), "Reading fanotify events"; the walk is {@code FAN_EVENT_OK}/{@code FAN_EVENT_NEXT},
 * fanotify.h:209-215).
 *
 * <p>Defensive, never throws on input: an event whose records do not fit (truncated, a record
 * length of 0, a handle longer than its record, a name without its NUL, an unknown metadata
 * version) is skipped and counted; an event length that cannot be trusted ends the buffer, counted
 * once. Unknown info types are skipped by their length, as fanotify(7) asks, so newer kernels do
 * not break the reader.
 *
 * <p>Allocation: the record, its names and its handle keys; nothing per buffer. Not thread-safe
 * (one reader thread).
 */
final class EventDecoder {
  private final IntConsumer strayFdCloser;
  private long malformed;

  /**
   * @param strayFdCloser closes an fd the kernel put in an event (an event fd or a pidfd) although
   *     this group asks for none; never called in FID mode without FAN_REPORT_PIDFD, but an fd must
   *     never leak
   */
  EventDecoder(IntConsumer strayFdCloser) {
    this.strayFdCloser = strayFdCloser;
  }

  /** Events skipped as malformed since this decoder was made. */
  long malformed() {
    return malformed;
  }

  /**
   * Decodes {@code buf[0, len)} and hands each event to {@code out}; overflow and malformed events
   * become the stream's calls. Returns the number of events handed to {@link FanotifyStream#event}.
   */
  int decode(ByteBuffer buf, int len, FanotifyStream out) {
    ByteBuffer b = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    int delivered = 0;
    int bad = 0;
    int off = 0;
    while (off < len) {
      int remaining = len - off;
      // FAN_EVENT_OK: the metadata fits and event_len is within [sizeof metadata, remaining].
      if (remaining < META_SIZE) {
        bad++;
        break;
      }
      long eventLen = Integer.toUnsignedLong(b.getInt(off + META_EVENT_LEN));
      if (eventLen < META_SIZE || eventLen > remaining) {
        bad++;
        break;
      }
      int end = off + (int) eventLen;
      int fd = b.getInt(off + META_FD);
      if (fd >= 0) {
        strayFdCloser.accept(fd);
      }
      FanotifyEvent e = decodeOne(b, off, end);
      if (e == null) {
        bad++;
      } else if ((e.mask() & FanotifyEvent.FAN_Q_OVERFLOW) != 0) {
        out.overflow();
      } else {
        out.event(e);
        delivered++;
      }
      off = end;
    }
    if (bad > 0) {
      malformed += bad;
      out.malformed(bad);
    }
    return delivered;
  }

  /** One event in {@code [off, end)}, or null if its records are inconsistent. */
  private FanotifyEvent decodeOne(ByteBuffer b, int off, int end) {
    int vers = b.get(off + META_VERS) & 0xff;
    int metadataLen = b.getShort(off + META_METADATA_LEN) & 0xffff;
    if (vers != FANOTIFY_METADATA_VERSION || metadataLen < META_SIZE || metadataLen > end - off) {
      return null;
    }
    long mask = b.getLong(off + META_MASK);
    int pid = b.getInt(off + META_PID);
    FileHandleKey dir = null;
    FileHandleKey object = null;
    FileHandleKey oldDir = null;
    FileHandleKey newDir = null;
    byte[] name = null;
    byte[] oldName = null;
    byte[] newName = null;
    int pos = off + metadataLen;
    while (pos < end) {
      if (end - pos < INFO_HEADER_SIZE) {
        return null;
      }
      int type = b.get(pos + INFO_TYPE) & 0xff;
      int recLen = b.getShort(pos + INFO_LEN) & 0xffff;
      if (recLen < INFO_HEADER_SIZE || recLen > end - pos) {
        return null;
      }
      int recEnd = pos + recLen;
      switch (type) {
        case FAN_EVENT_INFO_TYPE_FID, FAN_EVENT_INFO_TYPE_DFID -> {
          FileHandleKey k = handle(b, pos, recEnd);
          if (k == null) {
            return null;
          }
          if (type == FAN_EVENT_INFO_TYPE_FID) {
            object = k;
          } else {
            dir = k;
          }
        }
        case FAN_EVENT_INFO_TYPE_DFID_NAME,
            FAN_EVENT_INFO_TYPE_OLD_DFID_NAME,
            FAN_EVENT_INFO_TYPE_NEW_DFID_NAME -> {
          FileHandleKey k = handle(b, pos, recEnd);
          if (k == null) {
            return null;
          }
          byte[] n = name(b, pos + INFO_FID_HANDLE + HANDLE_HEADER_SIZE + k.handleLength(), recEnd);
          if (n == null) {
            return null;
          }
          if (type == FAN_EVENT_INFO_TYPE_DFID_NAME) {
            dir = k;
            name = n;
          } else if (type == FAN_EVENT_INFO_TYPE_OLD_DFID_NAME) {
            oldDir = k;
            oldName = n;
          } else {
            newDir = k;
            newName = n;
          }
        }
        case FAN_EVENT_INFO_TYPE_PIDFD -> {
          // struct fanotify_event_info_pidfd (fanotify.h:180-183): header, __s32 pidfd. Never
          // requested.
          if (recLen >= INFO_HEADER_SIZE + 4) {
            int pidfd = b.getInt(pos + INFO_HEADER_SIZE);
            if (pidfd >= 0) {
              strayFdCloser.accept(pidfd);
            }
          }
        }
        default -> {
          // FAN_EVENT_INFO_TYPE_ERROR and types newer than this code: skipped by length
          // (fanotify(7)).
        }
      }
      pos = recEnd;
    }
    return new FanotifyEvent(mask, pid, dir, name, object, oldDir, oldName, newDir, newName);
  }

  /**
   * The fsid and {@code struct file_handle} of a fid record at {@code pos}, or null if it overruns
   * the record.
   */
  private static FileHandleKey handle(ByteBuffer b, int pos, int recEnd) {
    int h = pos + INFO_FID_HANDLE;
    if (recEnd - h < HANDLE_HEADER_SIZE) {
      return null;
    }
    long handleBytes = Integer.toUnsignedLong(b.getInt(h + HANDLE_BYTES));
    if (handleBytes > MAX_HANDLE_SZ || handleBytes > recEnd - h - HANDLE_HEADER_SIZE) {
      return null;
    }
    long fsid =
        (b.getInt(pos + INFO_FID_FSID) & 0xffffffffL)
            | ((long) b.getInt(pos + INFO_FID_FSID + 4) << 32);
    int type = b.getInt(h + HANDLE_TYPE);
    byte[] f = new byte[(int) handleBytes];
    b.get(h + HANDLE_HEADER_SIZE, f);
    return new FileHandleKey(fsid, type, f, true);
  }

  /**
   * The NUL-terminated name in {@code [from, recEnd)}, or null if there is no NUL (a truncated
   * record).
   */
  private static byte[] name(ByteBuffer b, int from, int recEnd) {
    for (int i = from; i < recEnd; i++) {
      if (b.get(i) == 0) {
        byte[] n = new byte[i - from];
        b.get(from, n);
        return n;
      }
    }
    return null;
  }
}
