package dev.fim.baseline.pkg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fim.store.FileType;
import dev.fim.store.PackageOrigin;
import dev.fim.store.PathBytes;
import dev.fim.store.seal.HmacSha256;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The index a command keeps beside its database ({@link OwnerCache}) gives the answers of a full
 * read of every list, or is not used: not while the lists may still change, not once dpkg replaced
 * or removed a list or someone edited an owner's list in place, not when it is damaged or sealed
 * with another key.
 */
class OwnerCacheTest {
  @TempDir Path tmp;

  private Path db;
  private Path root;
  private Path cache;
  private final byte[] key = new byte[32];
  private final Supplier<HmacSha256> macs = () -> new HmacSha256(key);

  /** Ten seconds ahead of the files' times: the lists have settled (SETTLE_NS is two). */
  private final LongSupplier settled =
      () -> System.currentTimeMillis() * 1_000_000L + 10_000_000_000L;

  private Path tool;
  private Path conf;
  private Path shared;
  private Path diverted;
  private Path divertedTo;
  private Path lib;

  private static String md5(String content) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content.getBytes()));
  }

  private Path file(String rel, String content) throws IOException {
    Path p = root.resolve(rel);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
    return p;
  }

  private void info(String name, String content) throws IOException {
    Files.writeString(db.resolve("info").resolve(name), content);
  }

  private static String stanza(String name, String version, String extra) {
    return "Package: "
        + name
        + "\nStatus: install ok installed\nArchitecture: amd64\nVersion: "
        + version
        + "\n"
        + extra
        + "\n";
  }

  @BeforeEach
  void database() throws Exception {
    db = tmp.resolve("dpkg");
    root = tmp.resolve("root");
    cache = tmp.resolve("fim.db").resolve(OwnerCache.FILE_NAME);
    Files.createDirectories(db.resolve("info"));
    Files.createDirectories(cache.getParent());
    tool = file("usr/bin/tool", "tool 2\n");
    conf = file("etc/tool.conf", "a=1\n");
    shared = root.resolve("usr/share/doc");
    Files.createDirectories(shared);
    diverted = file("usr/bin/thing", "the diverter's thing\n");
    divertedTo = file("usr/bin/thing.distrib", "the shipper's thing\n");
    lib = file("usr/lib/x86_64-linux-gnu/libtool.so.1", "ELF\n");
    Files.writeString(
        db.resolve("status"),
        stanza(
                "tool",
                "2.0",
                "Conffiles:\n "
                    + conf
                    + " "
                    + md5("a=1\n")
                    + "\n /etc/gone.conf "
                    + "0".repeat(32)
                    + " obsolete")
            + "\n"
            + stanza("shipper", "1", "")
            + "\n"
            + stanza("diverter", "3", "")
            + "\n"
            + stanza("libtool1", "1.1", "Multi-Arch: same"));
    info("tool.list", "/.\n" + shared + "\n" + tool + "\n" + conf + "\n");
    info("tool.md5sums", md5("tool 2\n") + "  " + tool.toString().substring(1) + "\n");
    info("shipper.list", "/.\n" + shared + "\n" + diverted + "\n");
    info(
        "shipper.md5sums",
        md5("the shipper's thing\n") + "  " + diverted.toString().substring(1) + "\n");
    info("diverter.list", shared + "\n" + diverted + "\n");
    info(
        "diverter.md5sums",
        md5("the diverter's thing\n") + "  " + diverted.toString().substring(1) + "\n");
    info("libtool1:amd64.list", lib + "\n");
    info("libtool1:amd64.md5sums", md5("ELF\n") + "  " + lib.toString().substring(1) + "\n");
    Files.writeString(db.resolve("diversions"), diverted + "\n" + divertedTo + "\ndiverter\n");
  }

  /** Every question of the test, answered by {@code pkgs}: owner and verification. */
  private List<PackageOrigin> answers(PackageDatabase pkgs) {
    List<PackageOrigin> out = new ArrayList<>();
    for (Path p :
        List.of(tool, conf, shared, diverted, divertedTo, lib, root.resolve("usr/bin/none"))) {
      PathBytes b = PathBytes.ofUtf8(p.toString());
      out.add(pkgs.owner(b));
      out.add(pkgs.verify(b, Files.isDirectory(p) ? FileType.DIRECTORY : FileType.FILE));
    }
    return out;
  }

  private List<PackageOrigin> fullRead() {
    try (PackageDatabase pkgs = new PackageDatabase(db)) {
      return answers(pkgs);
    }
  }

  private PackageDatabase cached() {
    return new PackageDatabase(db, cache, macs, settled);
  }

  /** Writes the cache (a first command) and returns the answers of a second one through it. */
  private List<PackageOrigin> throughTheCache() {
    try (PackageDatabase first = cached()) {
      answers(first);
      assertFalse(first.fromCache());
    }
    assertTrue(Files.isRegularFile(cache), "the first command keeps the index");
    try (PackageDatabase second = cached()) {
      List<PackageOrigin> a = answers(second);
      assertTrue(second.fromCache(), "the second command answers from the kept index");
      return a;
    }
  }

  @Test
  void theCacheGivesTheFullReadsAnswers() {
    List<PackageOrigin> full = fullRead();
    assertEquals(new PackageOrigin("tool", "2.0", true, null), full.get(1));
    assertEquals("diverter", full.get(6).name());
    assertEquals("shipper", full.get(8).name());
    assertEquals("libtool1:amd64", full.get(10).name());
    assertNull(full.get(12));
    assertEquals(full, throughTheCache());
  }

  @Test
  void notWrittenWhileTheListsMayStillChange() throws Exception {
    // a clock 1 s after the lists' latest stamp, whatever time the set-up took
    long listsChangedNs = ListStamps.read(db.resolve("info")).latestNs();
    try (PackageDatabase pkgs =
        new PackageDatabase(db, cache, macs, () -> listsChangedNs + 1_000_000_000L)) {
      assertEquals(fullRead(), answers(pkgs));
    }
    assertFalse(Files.exists(cache), "lists changed less than SETTLE_NS ago are not cached");
  }

  @Test
  void aListDpkgReplacesIsReadAgain() throws Exception {
    throughTheCache();
    // dpkg's way: the new list written beside the old one and renamed over it
    Path fresh = db.resolve("info/tool.list-new");
    Files.writeString(fresh, "/.\n" + shared + "\n" + conf + "\n");
    Files.move(
        fresh,
        db.resolve("info/tool.list"),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
    try (PackageDatabase pkgs = cached()) {
      List<PackageOrigin> a = answers(pkgs);
      assertFalse(pkgs.fromCache(), "the info directory's stamp moved");
      assertNull(a.get(0), "tool no longer owns " + tool);
      assertEquals(fullRead(), a);
    }
  }

  @Test
  void aListRemovedIsReadAgain() throws Exception {
    throughTheCache();
    Files.delete(db.resolve("info/libtool1:amd64.list"));
    try (PackageDatabase pkgs = cached()) {
      List<PackageOrigin> a = answers(pkgs);
      assertNull(a.get(10));
      assertEquals(fullRead(), a);
    }
  }

  @Test
  void anOwnersListEditedInPlaceIsReadAgain() throws Exception {
    throughTheCache();
    Path list = db.resolve("info/tool.list");
    Object inode =
        Files.readAttributes(list, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
    Files.writeString(list, "/.\n" + shared + "\n" + conf + "\n"); // same inode, truncated
    assertEquals(
        inode,
        Files.readAttributes(list, java.nio.file.attribute.BasicFileAttributes.class).fileKey());
    try (PackageDatabase pkgs = cached()) {
      List<PackageOrigin> a = answers(pkgs);
      assertNull(a.get(0), "tool no longer owns " + tool);
      assertFalse(pkgs.fromCache());
      assertEquals(fullRead(), a);
    }
  }

  @Test
  void aPathAddedInPlaceToAnotherListIsSeen() throws Exception {
    throughTheCache();
    Path none = root.resolve("usr/bin/none");
    Files.writeString(
        db.resolve("info/shipper.list"),
        none + "\n",
        java.nio.file.StandardOpenOption.APPEND); // same inode, one line longer
    try (PackageDatabase pkgs = cached()) {
      List<PackageOrigin> a = answers(pkgs);
      assertFalse(pkgs.fromCache(), "a list's stamp moved");
      assertEquals("shipper", a.get(12).name(), "the cache said no package owns " + none);
      assertEquals(fullRead(), a);
    }
  }

  @Test
  void aNewStatusIsReadByEveryCommand() throws Exception {
    throughTheCache();
    String status = Files.readString(db.resolve("status")).replace("Version: 2.0", "Version: 2.1");
    Files.writeString(db.resolve("status"), status);
    try (PackageDatabase pkgs = cached()) {
      assertEquals("2.1", pkgs.owner(PathBytes.ofUtf8(tool.toString())).version());
      assertTrue(pkgs.fromCache(), "status is not part of the index");
    }
  }

  @Test
  void aDamagedPartIsNotUsed() throws Exception {
    List<PackageOrigin> full = fullRead();
    throughTheCache();
    byte[] bytes = Files.readAllBytes(cache);
    // the path bytes of tool's entry: flip one of them in place
    byte[] needle = tool.toString().getBytes();
    int at = indexOf(bytes, needle);
    assertTrue(at > 0);
    bytes[at + needle.length - 1] ^= 1;
    Files.write(cache, bytes);
    try (PackageDatabase pkgs = cached()) {
      assertEquals(full, answers(pkgs));
    }
  }

  @Test
  void aCacheSealedWithAnotherKeyOrCutShortIsNotUsed() throws Exception {
    List<PackageOrigin> full = fullRead();
    throughTheCache();
    byte[] other = key.clone();
    other[0] ^= 1;
    try (PackageDatabase pkgs =
        new PackageDatabase(db, cache, () -> new HmacSha256(other), settled)) {
      assertEquals(full, answers(pkgs));
      assertFalse(pkgs.fromCache(), "another key's cache");
    }
    byte[] bytes = Files.readAllBytes(cache);
    assertNotEquals(0, bytes.length);
    Files.write(cache, Arrays.copyOf(bytes, bytes.length / 2));
    try (PackageDatabase pkgs = cached()) {
      assertEquals(full, answers(pkgs));
    }
    Files.write(cache, new byte[0]);
    try (PackageDatabase pkgs = cached()) {
      assertEquals(full, answers(pkgs));
      assertFalse(pkgs.fromCache());
    }
  }

  @Test
  void aCacheOfAnotherDatabaseIsNotUsed() throws Exception {
    throughTheCache();
    Path copy = tmp.resolve("other-dpkg");
    Files.createDirectories(copy.resolve("info"));
    Files.copy(db.resolve("status"), copy.resolve("status"));
    try (PackageDatabase pkgs = new PackageDatabase(copy, cache, macs, settled)) {
      assertNull(pkgs.owner(PathBytes.ofUtf8(tool.toString())));
      assertFalse(pkgs.fromCache());
    }
  }

  /**
   * The review's stale-cache attack: a path appended in place to a list, and the list's new stamp
   * written into the cache's list table by someone who can write the database directory but not
   * read the key. The table is under the header's HMAC: the cache is not used.
   */
  @Test
  void aListsStampRewrittenInTheCacheIsNotTrusted() throws Exception {
    throughTheCache();
    Path none = root.resolve("usr/bin/none");
    Files.writeString(
        db.resolve("info/shipper.list"), none + "\n", java.nio.file.StandardOpenOption.APPEND);
    ListStamps now = ListStamps.read(db.resolve("info"));
    int i = 0;
    while (!new String(now.names.get(i), java.nio.charset.StandardCharsets.US_ASCII)
        .equals("shipper.list")) {
      i++;
    }
    java.io.ByteArrayOutputStream stamp = new java.io.ByteArrayOutputStream();
    OwnerCache.stamp(new java.io.DataOutputStream(stamp), now.lists.get(i));
    byte[] bytes = Files.readAllBytes(cache);
    byte[] name = "shipper.list".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    int at = indexOf(bytes, name);
    assertTrue(at > 0);
    System.arraycopy(stamp.toByteArray(), 0, bytes, at + name.length, stamp.size());
    Files.write(cache, bytes);
    try (PackageDatabase pkgs = cached()) {
      List<PackageOrigin> a = answers(pkgs);
      assertFalse(pkgs.fromCache(), "a forged list stamp made the stale cache current");
      assertEquals("shipper", a.get(12).name(), "the cache said no package owns " + none);
      assertEquals(fullRead(), a);
    }
  }

  /**
   * The review's huge part: the offsets of the part that holds {@code tool} rewritten to 0 and
   * 2^31-1. The offsets are sealed, and a part is bounded by the file: no allocation of gigabytes
   * (before: OutOfMemoryError out of check and update), the lists are read instead.
   */
  @Test
  void aForgedPartLengthIsNotAllocated() throws Exception {
    List<PackageOrigin> full = fullRead();
    throughTheCache();
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(cache));
    int headerLength = b.getInt(OwnerCache.MAGIC.length);
    int headerAt = OwnerCache.MAGIC.length + 4;
    int rootLength = b.getShort(headerAt) & 0xffff;
    long seed = b.getLong(headerAt + 2 + rootLength + 40);
    byte[] t = tool.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    int k = OwnerCache.part(seed, t, 0, t.length);
    int offsetsAt = headerAt + headerLength + HmacSha256.LENGTH + 4;
    b.putInt(offsetsAt + 4 * k, 0).putInt(offsetsAt + 4 * (k + 1), Integer.MAX_VALUE);
    Files.write(cache, b.array());
    try (PackageDatabase pkgs = cached()) {
      assertEquals(full, answers(pkgs));
      assertFalse(pkgs.fromCache());
    }
  }

  /** A FIFO in the cache's place is not opened for reading (that blocks until a writer comes). */
  @Test
  void aFifoInTheCachesPlaceDoesNotHang() throws Exception {
    List<PackageOrigin> full = fullRead();
    throughTheCache();
    Files.delete(cache);
    assertEquals(0, new ProcessBuilder("mkfifo", cache.toString()).start().waitFor());
    List<PackageOrigin> a =
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
            java.time.Duration.ofSeconds(60),
            () -> {
              try (PackageDatabase pkgs = cached()) {
                return answers(pkgs);
              }
            },
            "opening a FIFO named as the cache blocked");
    assertEquals(full, a);
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
