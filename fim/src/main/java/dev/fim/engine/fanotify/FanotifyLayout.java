package dev.fim.engine.fanotify;

import jnr.ffi.Runtime;
import jnr.ffi.StructLayout;

/**
 * The structs and flags of {@code include/uapi/linux/fanotify.h} that the reader exchanges with the
 * kernel. Line numbers are those of linux-libc-dev 6.1's {@code /usr/include/linux/fanotify.h} (the
 * uapi header); none of these changed up to 6.18. The event mask bits are public, on {@link
 * FanotifyEvent}.
 *
 * <p>The layouts are jnr {@link StructLayout}s so that their sizes and offsets can be checked
 * against the header ({@code FanotifyLayoutTest}); {@link EventDecoder} reads the fields at these
 * offsets from the read buffer, little-endian (x86_64). Immutable.
 */
final class FanotifyLayout {
  // fanotify_init() flags, fanotify.h:39-68.
  static final int FAN_CLOEXEC = 0x00000001;
  static final int FAN_NONBLOCK = 0x00000002;

  /** Not a bit: the default class, no permission events (fanotify.h:44). */
  static final int FAN_CLASS_NOTIF = 0x00000000;

  static final int FAN_REPORT_FID = 0x00000200;
  static final int FAN_REPORT_DIR_FID = 0x00000400;
  static final int FAN_REPORT_NAME = 0x00000800;

  /** Linux 5.17+: the child's fid on create/delete/move/rename (fanotify.h:62). */
  static final int FAN_REPORT_TARGET_FID = 0x00001000;

  /** FAN_REPORT_NAME requires FAN_REPORT_DIR_FID (fanotify.h:64-65). */
  static final int FAN_REPORT_DFID_NAME = FAN_REPORT_DIR_FID | FAN_REPORT_NAME;

  /** FAN_REPORT_TARGET_FID requires all other FID flags (fanotify.h:66-68). */
  static final int FAN_REPORT_DFID_NAME_TARGET =
      FAN_REPORT_DFID_NAME | FAN_REPORT_FID | FAN_REPORT_TARGET_FID;

  // fanotify_mark() flags, fanotify.h:75-92.
  static final int FAN_MARK_ADD = 0x00000001;
  static final int FAN_MARK_REMOVE = 0x00000002;

  /** Needs CAP_SYS_ADMIN (fanotify_mark(2)); one mark covers every mount of the filesystem. */
  static final int FAN_MARK_FILESYSTEM = 0x00000100;

  /** An ignore mask is kept when the object is modified (fanotify.h:82). */
  static final int FAN_MARK_IGNORED_SURV_MODIFY = 0x00000040;

  /**
   * An ignore mask whose FAN_ONDIR and FAN_EVENT_ON_CHILD bits count (Linux 6.0+, fanotify.h:87);
   * on a directory it must come with {@link #FAN_MARK_IGNORED_SURV_MODIFY}.
   */
  static final int FAN_MARK_IGNORE = 0x00000400;

  /** In a mask: the events of the marked directory's children (fanotify.h:29). */
  static final long FAN_EVENT_ON_CHILD = 0x08000000L;

  /** fanotify.h:128: a reader must check {@code vers} against this (fanotify(7)). */
  static final int FANOTIFY_METADATA_VERSION = 3;

  // Info record types, fanotify.h:140-150.
  static final int FAN_EVENT_INFO_TYPE_FID = 1;
  static final int FAN_EVENT_INFO_TYPE_DFID_NAME = 2;
  static final int FAN_EVENT_INFO_TYPE_DFID = 3;
  static final int FAN_EVENT_INFO_TYPE_PIDFD = 4;
  static final int FAN_EVENT_INFO_TYPE_ERROR = 5;

  /** FAN_RENAME's old parent + old name (fanotify.h:147). */
  static final int FAN_EVENT_INFO_TYPE_OLD_DFID_NAME = 10;

  /** FAN_RENAME's new parent + new name (fanotify.h:149). */
  static final int FAN_EVENT_INFO_TYPE_NEW_DFID_NAME = 12;

  /** No fd in the event (fanotify.h:202): always so in FID mode. */
  static final int FAN_NOFD = -1;

  /** {@code struct fanotify_event_metadata}, fanotify.h:130-138. 24 bytes. */
  static final class EventMetadata extends StructLayout {
    /**
     * Length of this event with its info records; the next event starts {@code event_len} bytes
     * later.
     */
    final Unsigned32 event_len = new Unsigned32();

    /** {@link #FANOTIFY_METADATA_VERSION}. */
    final Unsigned8 vers = new Unsigned8();

    final Unsigned8 reserved = new Unsigned8();

    /** Length of this struct: the info records start here. */
    final Unsigned16 metadata_len = new Unsigned16();

    /** {@code __aligned_u64 mask}: FAN_* bits, see {@link FanotifyEvent}. */
    final Unsigned64 mask = new Unsigned64();

    /** FAN_NOFD in FID mode. */
    final Signed32 fd = new Signed32();

    /**
     * tgid of the process that caused the event (a tid with FAN_REPORT_TID, which fim does not
     * set).
     */
    final Signed32 pid = new Signed32();

    EventMetadata(Runtime runtime) {
      super(runtime);
    }
  }

  /** {@code struct fanotify_event_info_header}, fanotify.h:153-157. 4 bytes. */
  static final class InfoHeader extends StructLayout {
    final Unsigned8 info_type = new Unsigned8();
    final Unsigned8 pad = new Unsigned8();

    /** Length of the whole info record, header included (padded to 4 bytes by the kernel). */
    final Unsigned16 len = new Unsigned16();

    InfoHeader(Runtime runtime) {
      super(runtime);
    }
  }

  /**
   * {@code struct fanotify_event_info_fid}, fanotify.h:166-174: the header, {@code __kernel_fsid_t
   * fsid} ({@code int val[2]}), then an opaque {@code struct file_handle} for open_by_handle_at(2),
   * then for the *_DFID_NAME types a NUL-terminated name. 12 bytes before the handle.
   */
  static final class InfoFid extends StructLayout {
    final InfoHeader hdr = inner(new InfoHeader(getRuntime()));
    final Signed32 fsid0 = new Signed32(); // __kernel_fsid_t fsid.val[0]
    final Signed32 fsid1 = new Signed32(); // __kernel_fsid_t fsid.val[1]

    InfoFid(Runtime runtime) {
      super(runtime);
    }
  }

  /**
   * {@code struct file_handle} (include/linux/fs.h; open_by_handle_at(2)): {@code unsigned int
   * handle_bytes}, {@code int handle_type}, then {@code unsigned char f_handle[handle_bytes]}. 8
   * bytes before the handle.
   */
  static final class FileHandleHeader extends StructLayout {
    final Unsigned32 handle_bytes = new Unsigned32();
    final Signed32 handle_type = new Signed32();

    FileHandleHeader(Runtime runtime) {
      super(runtime);
    }
  }

  static final EventMetadata METADATA = new EventMetadata(Runtime.getSystemRuntime());
  static final InfoHeader INFO_HEADER = new InfoHeader(Runtime.getSystemRuntime());
  static final InfoFid INFO_FID = new InfoFid(Runtime.getSystemRuntime());
  static final FileHandleHeader FILE_HANDLE = new FileHandleHeader(Runtime.getSystemRuntime());

  // Offsets the decoder reads at, taken from the layouts above so that one place states them.
  static final int META_SIZE = METADATA.size();
  static final int META_EVENT_LEN = (int) METADATA.event_len.offset();
  static final int META_VERS = (int) METADATA.vers.offset();
  static final int META_METADATA_LEN = (int) METADATA.metadata_len.offset();
  static final int META_MASK = (int) METADATA.mask.offset();
  static final int META_FD = (int) METADATA.fd.offset();
  static final int META_PID = (int) METADATA.pid.offset();
  static final int INFO_HEADER_SIZE = INFO_HEADER.size();
  static final int INFO_TYPE = (int) INFO_HEADER.info_type.offset();
  static final int INFO_LEN = (int) INFO_HEADER.len.offset();
  static final int INFO_FID_FSID = (int) INFO_FID.fsid0.offset();
  static final int INFO_FID_HANDLE = INFO_FID.size();
  static final int HANDLE_BYTES = (int) FILE_HANDLE.handle_bytes.offset();
  static final int HANDLE_TYPE = (int) FILE_HANDLE.handle_type.offset();
  static final int HANDLE_HEADER_SIZE = FILE_HANDLE.size();

  /**
   * {@code MAX_HANDLE_SZ} (include/linux/exportfs.h): the kernel never reports a longer f_handle.
   */
  static final int MAX_HANDLE_SZ = 128;

  private FanotifyLayout() {}
}
