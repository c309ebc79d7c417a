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

  static byte[] encode(FileRecord r) {
    ValueBuffer bytes = new ValueBuffer(128);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      int flags =
          (r.linkTarget() != null ? HAS_LINK : 0)
              | (r.xattrs() != null ? HAS_XATTRS : 0)
              | (r.problem() != null ? HAS_PROBLEM : 0);
      out.writeByte(VERSION);
      out.writeByte(r.type().ordinal());
      out.writeByte(flags);
      out.writeInt(r.mode());
      out.writeInt(r.uid());
      out.writeInt(r.gid());
      out.writeLong(r.size());
      out.writeLong(r.blocks());
      out.writeLong(r.mtimeNs());
      out.writeLong(r.ctimeNs());
      out.writeLong(r.dev());
      out.writeLong(r.ino());
      out.writeLong(r.nlink());
      out.writeLong(r.selected());
      if (r.linkTarget() != null) {
        byte[] t = r.linkTarget();
        out.writeInt(t.length);
        out.write(t);
      }
      if (r.xattrs() != null) {
        out.writeInt(r.xattrs().size());
        for (Xattr x : r.xattrs()) {
          byte[] name = x.name().getBytes(StandardCharsets.UTF_8);
          out.writeShort(name.length);
          out.write(name);
          byte[] v = x.value();
          out.writeInt(v.length);
          out.write(v);
        }
      }
      out.writeByte(r.digests().size());
      for (Digest d : r.digests()) {
        out.writeByte(d.algorithm().id());
        out.write(d.value());
      }
      if (r.problem() != null) {
        byte[] p = r.problem().getBytes(StandardCharsets.UTF_8);
        out.writeInt(p.length);
        out.write(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // an in-memory buffer does not fail
    }
    return bytes.toByteArray();
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
