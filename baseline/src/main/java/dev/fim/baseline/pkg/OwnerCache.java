package dev.fim.baseline.pkg;

import dev.fim.baseline.walk.DirCalls;
import dev.fim.store.PathBytes;
import dev.fim.store.seal.HmacSha256;
import dev.fim.store.sys.NativeException;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * dpkg's path index as a command keeps it beside its database, so that a command that finds a
 * change or two reads one small part of it instead of all of dpkg's ~1,000 file lists (~8 MB,
 * 0.1-0.25 s of a cold JVM's CPU). Its answers are the full read's, or it gives none:
 *
 * <ul>
 *   <li><b>Stale.</b> It is used only while the stamps it was built from ({@link ListStamps}:
 *       device, inode, size, mtime and ctime, taken before the lists were read) are unchanged: the
 *       {@code info/} directory's, which moves whenever dpkg adds, replaces (it writes {@code
 *       .list-new} and renames it over the old one) or removes a list, and every list's, which
 *       moves when anyone edits one in place (its ctime, which no system call sets back). It is not
 *       written while any of them changed less than {@link #SETTLE_NS} before (a dpkg still
 *       running, or a second write within one tick of the file system's clock, which would leave a
 *       stamp as it was).
 *   <li><b>Forged.</b> Whoever can write fim's database directory but cannot read the seal key (the
 *       evidence chain's attacker, docs/security.md) cannot make one: its header (the database's
 *       path, the directory's stamp, the parts' hash seed, the number of lists), the parts' offsets
 *       and the list table (each list's name and stamp) carry one HMAC under a key derived from the
 *       seal key, checked before any of it is used, and each part an HMAC over the header's HMAC,
 *       its number and its bytes, checked when the part is first read. Parts hold the owners'
 *       names, so no unsealed table maps them. (Before, the list table and the offsets were outside
 *       the HMAC: a list's new stamp written in kept its old paths in use, and a forged length made
 *       fim allocate gigabytes; the review's tests in {@code OwnerCacheTest}.) The file is opened
 *       only if it is a regular file, without blocking (a FIFO in its place).
 *   <li><b>Torn.</b> Written to a temporary and renamed over the old one, without a sync: after a
 *       crash a short, grown or empty file fails its size check or its HMAC and is built again.
 * </ul>
 *
 * The index is split into {@link #PARTS} parts by a hash of the path; each holds its paths whole
 * (no hash collision to get wrong) with their owners in list order, so a question reads and
 * verifies one part of ~3 KB. {@code status} and {@code diversions} are not in it: every command
 * reads them afresh, {@code status} once a path has an owner ({@link DpkgSnapshot#statusRead}).
 */
final class OwnerCache implements OwnerIndex, AutoCloseable {
  /** Its name in fim's database directory. */
  static final String FILE_NAME = "dpkg-owners.cache";

  /** How long the lists must have been left alone before they are cached. */
  static final long SETTLE_NS = 2_000_000_000L;

  static final int PARTS = 4096;

  static final byte[] MAGIC = "FIMDPKG3".getBytes(StandardCharsets.US_ASCII);
  private static final int MAX_HEADER = 64 * 1024;
  private static final int MAX_TABLES = 64 << 20;
  private static final int MAC = HmacSha256.LENGTH;

  /** A part that does not verify: the command falls back to reading the lists. */
  static final class Unusable extends RuntimeException {
    Unusable(String why) {
      super(why, null, false, false);
    }
  }

  private final FileChannel file;
  private final Supplier<HmacSha256> macs;
  private final byte[] headerMac;
  private final long seed;

  /** Where each part starts, from {@link #partsStart}: sealed, read once at open, kept here. */
  private final int[] offsets;

  private final long partsStart;
  private final byte[][] parts = new byte[PARTS][];

  private OwnerCache(
      FileChannel file,
      Supplier<HmacSha256> macs,
      byte[] headerMac,
      long seed,
      int[] offsets,
      long partsStart) {
    this.file = file;
    this.macs = macs;
    this.headerMac = headerMac;
    this.seed = seed;
    this.offsets = offsets;
    this.partsStart = partsStart;
  }

  /**
   * The header's HMAC: over MAGIC, the header, the list table's length, the parts' offsets and the
   * list table. All of what opening trusts before a part is asked is under it: the lists' stamps
   * (else whoever can write the file could put a list's new stamp in and keep its old paths) and
   * the offsets (else a forged length made fim allocate gigabytes before any part's HMAC failed).
   */
  private static byte[] sealOf(HmacSha256 mac, byte[] header, byte[] listTable, byte[] offsets) {
    mac.update(MAGIC);
    mac.update(header);
    mac.update(ByteBuffer.allocate(4).putInt(listTable.length).array());
    mac.update(offsets);
    mac.update(listTable);
    return mac.doFinal();
  }

  /**
   * The cache file opened for reading if it is a regular file; null otherwise. Opened without
   * following a symlink and without blocking ({@link DirCalls#openFile}: a FIFO put in its place
   * would have hung a cron'd check in open(2)), checked with fstat on that descriptor, then read
   * through a channel on the same file ({@code /proc/self/fd}).
   */
  private static FileChannel openRegular(Path file) throws IOException {
    PathBytes where = PathBytes.ofUtf8(file.toAbsolutePath().toString());
    DirCalls calls = new DirCalls();
    int fd;
    try {
      fd = calls.openFile(DirCalls.AT_FDCWD, where.toBytes(), where);
    } catch (NativeException e) {
      return null; // missing, a symlink, unreadable
    }
    try {
      if (!calls.fstat(fd, where).isRegularFile()) {
        return null;
      }
      return FileChannel.open(Path.of("/proc/self/fd/" + fd), StandardOpenOption.READ);
    } finally {
      calls.close(fd);
    }
  }

  /*
   * Layout: MAGIC, int header length, header, HMAC(MAGIC || header); int length of the list
   * table; PARTS + 1 int offsets of the parts (each with its HMAC) from the first part; the list
   * table; the parts, each followed by HMAC(header's HMAC || int number || part). Header: u16
   * length + root path (UTF-8), the info directory's stamp (5 longs), long seed, int PARTS, int
   * lists. List table: int lists, per list u16 length + name + stamp (5 longs). Part: entries of
   * u16 length + path, u16 owners, per owner u8 length + key (ASCII). Opening reads the header and
   * the list table; a part's offsets are read when the part is asked.
   */

  /**
   * The cache at {@code file} if its header verifies, it was built from the database under {@code
   * root} and every list is as it was then; null otherwise (missing, damaged, forged, stale).
   */
  static OwnerCache open(Path file, Path root, Supplier<HmacSha256> macs) {
    FileChannel ch;
    try {
      ch = openRegular(file);
    } catch (IOException | RuntimeException | LinkageError e) {
      return null;
    }
    if (ch == null) {
      return null;
    }
    OwnerCache c = null;
    try {
      ByteBuffer start = read(ch, 0, MAGIC.length + 4);
      byte[] magic = new byte[MAGIC.length];
      start.get(magic);
      int headerLength = start.getInt();
      if (!Arrays.equals(magic, MAGIC) || headerLength < 0 || headerLength > MAX_HEADER) {
        return null;
      }
      long at = MAGIC.length + 4L;
      ByteBuffer header = read(ch, at, headerLength + MAC + 4);
      byte[] headerBytes = new byte[headerLength];
      byte[] storedMac = new byte[MAC];
      header.get(headerBytes).get(storedMac);
      int listsLength = header.getInt();
      if (listsLength < 4 || listsLength > MAX_TABLES) {
        return null;
      }
      long offsetsAt = at + headerLength + MAC + 4;
      byte[] offsetBytes = new byte[4 * (PARTS + 1)];
      read(ch, offsetsAt, offsetBytes.length).get(offsetBytes);
      byte[] listTable = new byte[listsLength];
      read(ch, offsetsAt + offsetBytes.length, listsLength).get(listTable);
      if (!MessageDigest.isEqual(
          sealOf(macs.get(), headerBytes, listTable, offsetBytes), storedMac)) {
        return null; // forged, damaged or of another key: the header, offsets and lists are sealed
      }
      int[] offsets = new int[PARTS + 1];
      ByteBuffer.wrap(offsetBytes).asIntBuffer().get(offsets);
      long partsStart = offsetsAt + offsetBytes.length + listsLength;
      for (int i = 0; i < PARTS; i++) {
        if (offsets[i] < 0 || offsets[i + 1] - offsets[i] < MAC) {
          return null;
        }
      }
      if (partsStart + offsets[PARTS] != ch.size()) {
        return null; // cut short or grown
      }
      ByteBuffer h = ByteBuffer.wrap(headerBytes);
      byte[] rootBytes = new byte[h.getShort() & 0xffff];
      h.get(rootBytes);
      ListStamps.Stamp dir = stamp(h);
      long seed = h.getLong();
      if (!Arrays.equals(rootBytes, rootBytes(root)) || h.getInt() != PARTS) {
        return null;
      }
      int sealedLists = h.getInt();
      if (h.hasRemaining()) {
        return null;
      }
      // As many distinct *.list names as the sealed count, each a regular file with its stamp of
      // then, in a directory whose entries have not changed since: every list, none left out.
      if (!ListStamps.tableIsCurrent(
          root.resolve("info"), dir, ByteBuffer.wrap(listTable), sealedLists)) {
        return null; // dpkg added, replaced or removed a list since, or one was edited in place
      }
      c = new OwnerCache(ch, macs, storedMac, seed, offsets, partsStart);
      return c;
    } catch (IOException | RuntimeException | LinkageError e) {
      return null; // short, damaged or unreadable: not used
    } finally {
      if (c == null) {
        closeQuietly(ch);
      }
    }
  }

  /**
   * Writes the cache of the index read from the lists that {@code before} stamped just before they
   * were read ({@code keys} numbers its owners), unless they changed less than {@link #SETTLE_NS}
   * before {@code nowNs} or the lists read are not the ones stamped. Best effort: a cache that
   * cannot be written is left out (the next command reads the lists, as without it).
   */
  static void write(
      Path file,
      Path root,
      ListStamps before,
      List<String> keys,
      PathIndex index,
      Supplier<HmacSha256> macs,
      long nowNs) {
    if (before.latestNs() > nowNs - SETTLE_NS || keys.size() != before.names.size()) {
      return;
    }
    byte[][] keyBytes = new byte[keys.size()][];
    for (int i = 0; i < keys.size(); i++) {
      byte[] name = before.names.get(i);
      if (!printableAscii(name)
          || name.length > 0xffff
          || !new String(name, StandardCharsets.US_ASCII).equals(keys.get(i) + ".list")) {
        return; // a list added or taken away between the stamps and the read, or an odd name
      }
      keyBytes[i] = keys.get(i).getBytes(StandardCharsets.US_ASCII);
      if (keyBytes[i].length > 0xff) {
        return;
      }
    }
    byte[] rootBytes = rootBytes(root);
    if (rootBytes.length > 0xffff) {
      return;
    }
    long seed = ThreadLocalRandom.current().nextLong();
    ByteArrayOutputStream[] parts = new ByteArrayOutputStream[PARTS];
    for (int i = 0; i < PARTS; i++) {
      parts[i] = new ByteArrayOutputStream(512);
    }
    boolean[] fits = {true};
    index.forEach(
        (arena, off, len, owners) -> {
          if (len > 0xffff || owners.length > 0xffff) {
            fits[0] = false;
            return;
          }
          ByteArrayOutputStream p = parts[part(seed, arena, off, len)];
          p.write(len >>> 8);
          p.write(len);
          p.write(arena, off, len);
          p.write(owners.length >>> 8);
          p.write(owners.length);
          for (int o : owners) {
            p.write(keyBytes[o].length);
            p.write(keyBytes[o], 0, keyBytes[o].length);
          }
        });
    if (!fits[0]) {
      return;
    }
    try {
      ByteArrayOutputStream hb = new ByteArrayOutputStream(256);
      DataOutputStream h = new DataOutputStream(hb);
      h.writeShort(rootBytes.length);
      h.write(rootBytes);
      stamp(h, before.dir);
      h.writeLong(seed);
      h.writeInt(PARTS);
      h.writeInt(keys.size());
      byte[] header = hb.toByteArray();
      ByteArrayOutputStream lb = new ByteArrayOutputStream(64 * 1024);
      DataOutputStream l = new DataOutputStream(lb);
      l.writeInt(keys.size());
      for (int i = 0; i < keys.size(); i++) {
        byte[] name = before.names.get(i);
        l.writeShort(name.length);
        l.write(name);
        stamp(l, before.lists.get(i));
      }
      byte[] listTable = lb.toByteArray();
      ByteBuffer offsets = ByteBuffer.allocate(4 * (PARTS + 1));
      long at = 0;
      for (int i = 0; i < PARTS; i++) {
        offsets.putInt((int) at);
        at += parts[i].size() + MAC;
      }
      if (at > Integer.MAX_VALUE) {
        return;
      }
      offsets.putInt((int) at).flip();
      byte[] headerMac = sealOf(macs.get(), header, listTable, offsets.array());
      // A name of its own: two commands writing at once do not rename each other's half-written
      // file into place (it would fail its HMAC: harmless, but a rebuild for nothing).
      Path tmp =
          file.resolveSibling(file.getFileName() + "." + Long.toUnsignedString(seed) + ".tmp");
      try (FileChannel out =
          FileChannel.open(
              tmp,
              java.util.Set.of(
                  StandardOpenOption.CREATE_NEW,
                  StandardOpenOption.WRITE,
                  LinkOption.NOFOLLOW_LINKS),
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
        ByteBuffer intro = ByteBuffer.allocate(MAGIC.length + 4);
        intro.put(MAGIC).putInt(header.length).flip();
        writeAll(out, intro);
        writeAll(out, ByteBuffer.wrap(header));
        writeAll(out, ByteBuffer.wrap(headerMac));
        writeAll(out, ByteBuffer.allocate(4).putInt(0, listTable.length));
        writeAll(out, offsets);
        writeAll(out, ByteBuffer.wrap(listTable));
        byte[] number = new byte[4];
        for (int i = 0; i < PARTS; i++) {
          byte[] part = parts[i].toByteArray();
          writeAll(out, ByteBuffer.wrap(part));
          writeAll(out, ByteBuffer.wrap(partMac(macs.get(), headerMac, i, number, part)));
        }
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException e) {
      // best effort: no cache, the lists are read as before
    }
  }

  @Override
  public List<String> owners(byte[] path) {
    byte[] p = part(part(seed, path, 0, path.length));
    int pos = 0;
    while (pos < p.length) {
      int len = (p[pos] & 0xff) << 8 | (p[pos + 1] & 0xff);
      pos += 2;
      boolean match = Arrays.equals(p, pos, pos + len, path, 0, path.length);
      pos += len;
      int n = (p[pos] & 0xff) << 8 | (p[pos + 1] & 0xff);
      pos += 2;
      String[] keys = match ? new String[n] : null;
      for (int i = 0; i < n; i++) {
        int k = p[pos] & 0xff;
        if (match) {
          keys[i] = new String(p, pos + 1, k, StandardCharsets.US_ASCII);
        }
        pos += 1 + k;
      }
      if (match) {
        return Arrays.asList(keys);
      }
    }
    return List.of();
  }

  /** Part {@code i}, read and verified the first time it is asked. */
  private byte[] part(int i) {
    byte[] p = parts[i];
    if (p != null) {
      return p;
    }
    byte[] bytes;
    try {
      int from = offsets[i];
      int length = offsets[i + 1] - from; // sealed and checked against the file's size at open
      ByteBuffer b = read(file, partsStart + from, length);
      bytes = new byte[length - MAC];
      byte[] stored = new byte[MAC];
      b.get(bytes).get(stored);
      if (!MessageDigest.isEqual(stored, partMac(macs.get(), headerMac, i, new byte[4], bytes))) {
        throw new Unusable("part " + i + " of the dpkg index cache does not verify");
      }
    } catch (IOException e) {
      throw new Unusable("the dpkg index cache cannot be read: " + e.getMessage());
    }
    parts[i] = bytes;
    return bytes;
  }

  @Override
  public void close() {
    closeQuietly(file);
  }

  private static byte[] partMac(
      HmacSha256 mac, byte[] headerMac, int i, byte[] number, byte[] part) {
    number[0] = (byte) (i >>> 24);
    number[1] = (byte) (i >>> 16);
    number[2] = (byte) (i >>> 8);
    number[3] = (byte) i;
    mac.update(headerMac);
    mac.update(number);
    mac.update(part);
    return mac.doFinal();
  }

  static int part(long seed, byte[] b, int off, int len) {
    long h = seed;
    for (int i = off; i < off + len; i++) {
      h = (h ^ (b[i] & 0xff)) * 0x100000001b3L;
    }
    h ^= h >>> 29;
    h *= 0xbf58476d1ce4e5b9L;
    h ^= h >>> 32;
    return (int) (h & (PARTS - 1));
  }

  private static ByteBuffer read(FileChannel ch, long at, int length) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(length);
    while (b.hasRemaining()) {
      if (ch.read(b, at + b.position()) < 0) {
        throw new IOException("short file");
      }
    }
    return b.flip();
  }

  private static void writeAll(FileChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }

  private static ListStamps.Stamp stamp(ByteBuffer h) {
    return new ListStamps.Stamp(h.getLong(), h.getLong(), h.getLong(), h.getLong(), h.getLong());
  }

  static void stamp(DataOutputStream h, ListStamps.Stamp s) throws IOException {
    h.writeLong(s.dev());
    h.writeLong(s.ino());
    h.writeLong(s.size());
    h.writeLong(s.mtimeNs());
    h.writeLong(s.ctimeNs());
  }

  private static byte[] rootBytes(Path root) {
    return root.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8);
  }

  private static boolean printableAscii(byte[] b) {
    for (byte x : b) {
      if (x < 0x21 || x > 0x7e) {
        return false;
      }
    }
    return true;
  }

  private static void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException e) {
      // a read-only file: nothing lost
    }
  }
}
