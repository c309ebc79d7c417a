package dev.fim.engine.fanotify;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A file identifier as fanotify reports it in FID mode: the filesystem's {@code fsid} and an opaque
 * {@code struct file_handle} ({@code handle_type} + {@code f_handle} bytes) that {@code
 * open_by_handle_at(2)} turns back into an open file while the inode exists. Two keys are equal
 * when all three are equal, so a key can index a cache or join a delete with an earlier create.
 *
 * <p>{@code fsid} packs {@code __kernel_fsid_t val[0]} in the low 32 bits and {@code val[1]} in the
 * high 32 bits, the order in which they lie in memory on x86_64; it equals {@code statfs(2)}'s
 * {@code f_fsid} read the same way.
 *
 * <p>Immutable and thread-safe: the handle bytes are copied in and never handed out.
 */
public final class FileHandleKey {
  private final long fsid;
  private final int handleType;
  private final byte[] handle;
  private final int hash;

  public FileHandleKey(long fsid, int handleType, byte[] handle) {
    this(fsid, handleType, handle.clone(), true);
  }

  /** For the decoder, which hands over a fresh array it never touches again. */
  FileHandleKey(long fsid, int handleType, byte[] handle, boolean owned) {
    this.fsid = fsid;
    this.handleType = handleType;
    this.handle = handle;
    this.hash = (Long.hashCode(fsid) * 31 + handleType) * 31 + Arrays.hashCode(handle);
  }

  public long fsid() {
    return fsid;
  }

  /** {@code handle_type}: filesystem-specific (e.g. FILEID_INO32_GEN = 1 on ext4). */
  public int handleType() {
    return handleType;
  }

  /** A copy of {@code f_handle}. */
  public byte[] handle() {
    return handle.clone();
  }

  public int handleLength() {
    return handle.length;
  }

  /**
   * The {@code struct file_handle} that open_by_handle_at(2) takes, in native (little-endian)
   * order: {@code handle_bytes}, {@code handle_type}, {@code f_handle}.
   */
  byte[] fileHandleStruct() {
    ByteBuffer b =
        ByteBuffer.allocate(FanotifyLayout.HANDLE_HEADER_SIZE + handle.length)
            .order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(FanotifyLayout.HANDLE_BYTES, handle.length);
    b.putInt(FanotifyLayout.HANDLE_TYPE, handleType);
    b.put(FanotifyLayout.HANDLE_HEADER_SIZE, handle);
    return b.array();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FileHandleKey k
        && k.hash == hash
        && k.fsid == fsid
        && k.handleType == handleType
        && Arrays.equals(k.handle, handle);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  /** {@code fsid:type:hex}, e.g. {@code 5f1e2c3d4b5a6978:1:0c0001000000a1b2}. */
  @Override
  public String toString() {
    return Long.toHexString(fsid) + ':' + handleType + ':' + HexFormat.of().formatHex(handle);
  }
}
