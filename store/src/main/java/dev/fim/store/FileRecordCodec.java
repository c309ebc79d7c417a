package dev.fim.store;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The versioned binary encoding of a {@link FileRecord} (the value of the {@code baseline}, {@code
 * current} and {@code scan} column families). Big-endian, fixed fields first:
 *
 * <pre>
 * u8 version(1) u8 type u8 flags(1=link,2=xattrs,4=problem) u32 mode u32 uid u32 gid
 * i64 size i64 blocks i64 mtimeNs i64 ctimeNs i64 dev i64 ino i64 nlink i64 selected
 * [u32 len, link bytes] [u32 n, n × (u16 len, name utf8, u32 len, value)]
 * u8 ndigests, ndigests × (u8 algorithm id, digest bytes)   [u32 len, problem utf8]
 * </pre>
 */
final class FileRecordCodec {
  static final int VERSION = 1;
  private static final int HAS_LINK = 1;
  private static final int HAS_XATTRS = 2;
  private static final int HAS_PROBLEM = 4;

  private FileRecordCodec() {}

  /**
   * Encodes into an array of exactly the record's size. Written with one {@link ByteBuffer} rather
   * than a {@code DataOutputStream} over a {@code ByteArrayOutputStream}: same bytes, but that
   * stream's dozens of synchronized one-byte writes made this the scan's costliest method for C2 to
   * compile (4.2 s of compiler thread time in a 100k-file init under load, JFR {@code
   * jdk.Compilation}; issue 18) and cost a copy of the output.
   */
  static byte[] encode(FileRecord r) {
    byte[] link = r.linkTarget();
    List<Xattr> xattrs = r.xattrs();
    List<Digest> digests = r.digests();
    byte[] problem = r.problem() != null ? r.problem().getBytes(StandardCharsets.UTF_8) : null;
    int size = 3 + 3 * 4 + 8 * 8 + 1;
    if (link != null) {
      size += 4 + link.length;
    }
    byte[][] xattrNames = null;
    if (xattrs != null) {
      xattrNames = new byte[xattrs.size()][];
      size += 4;
      for (int i = 0; i < xattrNames.length; i++) {
        Xattr x = xattrs.get(i);
        xattrNames[i] = x.name().getBytes(StandardCharsets.UTF_8);
        size += 2 + xattrNames[i].length + 4 + x.value().length;
      }
    }
    for (Digest d : digests) {
      size += 1 + d.value().length;
    }
    if (problem != null) {
      size += 4 + problem.length;
    }
    int flags =
        (link != null ? HAS_LINK : 0)
            | (xattrs != null ? HAS_XATTRS : 0)
            | (problem != null ? HAS_PROBLEM : 0);
    ByteBuffer out = ByteBuffer.allocate(size); // big-endian, as DataOutputStream wrote it
    out.put((byte) VERSION).put((byte) r.type().ordinal()).put((byte) flags);
    out.putInt(r.mode()).putInt(r.uid()).putInt(r.gid());
    out.putLong(r.size()).putLong(r.blocks()).putLong(r.mtimeNs()).putLong(r.ctimeNs());
    out.putLong(r.dev()).putLong(r.ino()).putLong(r.nlink()).putLong(r.selected());
    if (link != null) {
      out.putInt(link.length).put(link);
    }
    if (xattrs != null) {
      out.putInt(xattrNames.length);
      for (int i = 0; i < xattrNames.length; i++) {
        byte[] v = xattrs.get(i).value();
        out.putShort((short) xattrNames[i].length).put(xattrNames[i]);
        out.putInt(v.length).put(v);
      }
    }
    out.put((byte) digests.size());
    for (Digest d : digests) {
      out.put((byte) d.algorithm().id()).put(d.value());
    }
    if (problem != null) {
      out.putInt(problem.length).put(problem);
    }
    return out.array();
  }

  /** Decodes; throws {@link IllegalArgumentException} naming the defect on bad input. */
  static FileRecord decode(byte[] value) {
    try {
      ByteBuffer in = ByteBuffer.wrap(value);
      int version = in.get() & 0xff;
      if (version != VERSION) {
        throw new IllegalArgumentException(
            "record encoding version " + version + " (this fim reads " + VERSION + ")");
      }
      int typeOrdinal = in.get() & 0xff;
      FileType[] types = FileType.values();
      if (typeOrdinal >= types.length) {
        throw new IllegalArgumentException("bad file type " + typeOrdinal);
      }
      int flags = in.get() & 0xff;
      int mode = in.getInt();
      int uid = in.getInt();
      int gid = in.getInt();
      long size = in.getLong();
      long blocks = in.getLong();
      long mtime = in.getLong();
      long ctime = in.getLong();
      long dev = in.getLong();
      long ino = in.getLong();
      long nlink = in.getLong();
      long selected = in.getLong();
      byte[] link = null;
      if ((flags & HAS_LINK) != 0) {
        link = new byte[checkedLength(in, in.getInt())];
        in.get(link);
      }
      List<Xattr> xattrs = null;
      if ((flags & HAS_XATTRS) != 0) {
        int n = checkedLength(in, in.getInt());
        xattrs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          byte[] name = new byte[checkedLength(in, in.getShort() & 0xffff)];
          in.get(name);
          byte[] v = new byte[checkedLength(in, in.getInt())];
          in.get(v);
          xattrs.add(new Xattr(new String(name, StandardCharsets.UTF_8), v));
        }
      }
      int nd = in.get() & 0xff;
      List<Digest> digests = new ArrayList<>(nd);
      for (int i = 0; i < nd; i++) {
        HashAlgorithm a = HashAlgorithm.ofId(in.get() & 0xff);
        byte[] d = new byte[a.length()];
        in.get(d);
        digests.add(new Digest(a, d));
      }
      String problem = null;
      if ((flags & HAS_PROBLEM) != 0) {
        byte[] p = new byte[checkedLength(in, in.getInt())];
        in.get(p);
        problem = new String(p, StandardCharsets.UTF_8);
      }
      if (in.hasRemaining()) {
        throw new IllegalArgumentException(in.remaining() + " trailing bytes");
      }
      return new FileRecord(
          types[typeOrdinal],
          mode,
          uid,
          gid,
          size,
          blocks,
          mtime,
          ctime,
          dev,
          ino,
          nlink,
          link,
          xattrs,
          digests,
          selected,
          problem);
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("record truncated at " + value.length + " bytes", e);
    }
  }

  private static int checkedLength(ByteBuffer in, int len) {
    if (len < 0 || len > in.remaining()) {
      throw new IllegalArgumentException(
          "length " + len + " exceeds the " + in.remaining() + " bytes left");
    }
    return len;
  }
}
