package dev.fim.store.seal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Set;

/**
 * The secret that keys the seal: 32 random bytes in a 0600 file. {@code fim init} creates it when
 * missing and no baseline exists yet; every later command only reads it. Keep it outside the
 * watched trees (its hash would otherwise sit in the very baseline it protects) and, for
 * adversarial settings, on read-only or offline media (docs/security.md).
 *
 * <p>What is read as a key is checked first, because the key path is outside input too: only a
 * regular file (not a symlink, FIFO or device: {@code --key /dev/zero} or a FIFO must not exhaust
 * memory or hang), of exactly {@value #LENGTH} bytes, owned by root or by the user running fim,
 * with no permission for group or others (whoever can read the key can forge the seal; whoever can
 * write it can swap it). A symlink is refused rather than followed: give the real path.
 */
public final class SealKey {
  static final int LENGTH = 32;
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");
  private final byte[] key;
  private final Path file;

  private SealKey(Path file, byte[] key) {
    this.file = file;
    this.key = key;
  }

  /**
   * Reads the key; a missing, unsafe or malformed key file is an IOException naming the file and
   * what is wrong with it.
   */
  public static SealKey load(Path file) throws IOException {
    PosixFileAttributes a;
    try {
      a = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      throw new IOException(
          "seal key "
              + file
              + " does not exist; it is created by fim init"
              + " (or pass the right one with --key)",
          e);
    } catch (IOException e) {
      throw new IOException("seal key " + file + " cannot be read: " + reason(e), e);
    }
    checkSafe(file, a);
    checkDirectories(file);
    // Checked above as a regular file of the right size; opened without following a symlink
    // that replaced it meanwhile, and read with a bound, so a file swapped in after the check
    // (which needs write access to the key's directory) cannot make fim read without end.
    byte[] k = new byte[LENGTH + 1];
    int n = 0;
    try (FileChannel ch =
        FileChannel.open(file, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
      ByteBuffer buf = ByteBuffer.wrap(k);
      while (buf.hasRemaining()) {
        int r = ch.read(buf);
        if (r < 0) {
          break;
        }
      }
      n = buf.position();
    } catch (IOException e) {
      throw new IOException("seal key " + file + " cannot be read: " + reason(e), e);
    }
    if (n != LENGTH) {
      throw new IOException(
          "seal key "
              + file
              + " has "
              + (n > LENGTH ? "more than " + LENGTH : n)
              + " bytes, expected "
              + LENGTH
              + "; it is not a fim key");
    }
    return new SealKey(file, Arrays.copyOf(k, LENGTH));
  }

  /** Refuses what must not be used as a key, before a byte of it is read. */
  private static void checkSafe(Path file, PosixFileAttributes a) throws IOException {
    if (a.isSymbolicLink()) {
      throw new IOException(
          "seal key "
              + file
              + " is a symbolic link; fim does not follow one to its key"
              + " (whoever can change the link chooses the key): give the real file with --key or seal_key");
    }
    if (!a.isRegularFile()) {
      throw new IOException(
          "seal key " + file + " is not a regular file (" + kind(a) + "); it is not a fim key");
    }
    if (a.size() != LENGTH) {
      throw new IOException(
          "seal key "
              + file
              + " has "
              + a.size()
              + " bytes, expected "
              + LENGTH
              + "; it is not a fim key"
              + (a.size() == 0
                  ? " (an empty file, e.g. left by an older fim on a full disk:"
                      + " delete it if no baseline was sealed with it)"
                  : ""));
    }
    int uid = (Integer) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    long me = new com.sun.security.auth.module.UnixSystem().getUid();
    if (uid != 0 && uid != me) {
      throw new IOException(
          "seal key "
              + file
              + " belongs to uid "
              + uid
              + ", neither root nor the user running"
              + " fim (uid "
              + me
              + "): that user could read or replace it; chown it");
    }
    Set<PosixFilePermission> p = a.permissions();
    if (!OWNER_ONLY.containsAll(p)) {
      throw new IOException(
          "seal key "
              + file
              + " has mode "
              + PosixFilePermissions.toString(p)
              + ": group or others may use it, and whoever can read the key can forge the seal; run chmod 600 "
              + file);
    }
  }

  /**
   * Refuses a key in a directory that someone else could rearrange: the key is checked and then
   * read (and a new one written and linked) by name, so whoever may rename entries in its
   * directory, or in any directory above, could swap their own key in between the check and the
   * read, or a symlink for the temporary file a new key is written to. Each directory up to / must
   * belong to root or to the user running fim, and if group or others may write it, have the sticky
   * bit (as /tmp: then only an entry's owner may rename or remove it).
   */
  private static void checkDirectories(Path file) throws IOException {
    long me = new com.sun.security.auth.module.UnixSystem().getUid();
    for (Path d = file.toAbsolutePath().getParent(); d != null; d = d.getParent()) {
      int uid;
      int mode;
      try {
        uid = (Integer) Files.getAttribute(d, "unix:uid");
        mode = (Integer) Files.getAttribute(d, "unix:mode");
      } catch (IOException | UnsupportedOperationException e) {
        throw new IOException(
            "seal key "
                + file
                + ": directory "
                + d
                + " cannot be examined: "
                + (e instanceof IOException io ? reason(io) : e.getMessage()),
            e);
      }
      if (uid != 0 && uid != me) {
        throw new IOException(
            "seal key "
                + file
                + ": directory "
                + d
                + " belongs to uid "
                + uid
                + ", neither root"
                + " nor the user running fim (uid "
                + me
                + "): that user could replace the key; keep the key in a"
                + " directory of root's");
      }
      if ((mode & 0022) != 0 && (mode & 01000) == 0) {
        throw new IOException(
            "seal key "
                + file
                + ": directory "
                + d
                + " has mode "
                + String.format("%04o", mode & 07777)
                + ": group or others may replace the key in it (between fim's check and its read); run"
                + " chmod go-w "
                + d);
      }
    }
  }

  private static String kind(PosixFileAttributes a) {
    if (a.isDirectory()) {
      return "a directory";
    }
    return a.isOther() ? "a device, FIFO or socket" : "not a plain file";
  }

  /**
   * Loads the key, or creates a new random one when the file is missing. Create it only where no
   * baseline exists yet: a baseline sealed with a lost key cannot be verified, and sealing it with
   * a new key would bless records nobody verified.
   *
   * <p>The key is written atomically: 32 bytes into a 0600 temporary file in the same directory,
   * fsync, then linked to its name (which fails rather than replace a key another fim made
   * meanwhile), then the directory is fsynced. A full disk or a crash leaves no key (never an empty
   * one).
   */
  public static SealKey loadOrCreate(Path file) throws IOException {
    if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return load(file);
    }
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      try {
        Files.createDirectories(
            parent,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } catch (IOException e) {
        throw new IOException(
            "seal key " + file + " cannot be created: directory " + parent + ": " + reason(e), e);
      }
    }
    checkDirectories(file);
    byte[] k = new byte[LENGTH];
    new SecureRandom().nextBytes(k);
    Path tmp = null;
    boolean raced = false;
    try {
      tmp =
          Files.createTempFile(
              parent,
              "." + file.getFileName() + ".",
              ".tmp",
              PosixFilePermissions.asFileAttribute(OWNER_ONLY));
      Files.setPosixFilePermissions(
          tmp, OWNER_ONLY); // a umask cannot widen it, but an odd one could narrow it
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(k);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      try {
        Files.createLink(file, tmp);
      } catch (FileAlreadyExistsException e) {
        raced =
            true; // another fim created it meanwhile (or something else sits there): load decides
      } catch (UnsupportedOperationException e) {
        // No hard links (e.g. vfat): a rename, which could replace a key made in the last instant.
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        tmp = null;
      }
      if (!raced) {
        syncDirectory(parent);
      }
    } catch (IOException e) {
      throw new IOException("seal key " + file + " cannot be created: " + reason(e), e);
    } finally {
      if (tmp != null) {
        Files.deleteIfExists(tmp);
      }
    }
    return raced ? load(file) : new SealKey(file, k);
  }

  /** Makes a new directory entry durable (Linux lets a directory be opened and fsynced). */
  private static void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  private static String reason(IOException e) {
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    return String.valueOf(e.getMessage());
  }

  public Path file() {
    return file;
  }

  /**
   * MACs for dpkg's path index that check and update keep beside the database, under a key derived
   * for that one purpose, HMAC(seal key, "fim-dpkg-owner-index-v1"), as the evidence chain's is
   * ({@link EvidenceKey}): the index is sealed without sharing inputs with the baseline's seal or
   * the chain. One fixed label, not a label the caller chooses: no caller can ask for another
   * purpose's key through it. Each call of the supplier gives a new MAC (not thread-safe: one per
   * thread); the derived bytes are never handed out.
   */
  public java.util.function.Supplier<HmacSha256> dpkgIndexMacs() {
    byte[] derived =
        new HmacSha256(key)
            .doFinal(
                "fim-dpkg-owner-index-v1".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    return () -> new HmacSha256(derived);
  }

  byte[] bytes() {
    return key.clone();
  }
}
