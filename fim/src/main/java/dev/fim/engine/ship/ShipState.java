package dev.fim.engine.ship;

import dev.fim.store.KeyValueLines;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;

/**
 * The last acknowledged sequence for one destination: every event with a sequence at or below it is
 * in the cluster. Kept in the database directory ({@code ship/<sha256 of the URL, 16 hex>}), not in
 * RocksDB's {@code meta}: a running {@code fim watch} holds the database's write lock, and shipping
 * must neither wait for it nor block it. One small file per destination, replaced atomically
 * (written beside, synced, renamed, directory synced), so a crash leaves the old or the new value,
 * never a torn one. It names its URL and database id: a file copied from another database or
 * destination is refused, not trusted.
 */
public final class ShipState implements Acknowledging {
  private final Path file;
  private final String url;
  private final String databaseId;

  private ShipState(Path file, String url, String databaseId) {
    this.file = file;
    this.url = url;
    this.databaseId = databaseId;
  }

  /** The state of shipping database {@code dbDir} (id {@code databaseId}) to {@code url}. */
  public static ShipState of(Path dbDir, String databaseId, String url) {
    return new ShipState(dbDir.resolve("ship").resolve(key(url)), url, databaseId);
  }

  public Path file() {
    return file;
  }

  /** Whether a backlog notice was recorded for the current crossing of the bound (Shipper). */
  public boolean backlogNoted() {
    return Files.exists(backlogMarker(), LinkOption.NOFOLLOW_LINKS);
  }

  /** Records (or clears) that the current crossing's backlog notice is in the store. */
  public void backlogNoted(boolean noted) throws ShipException {
    Path marker = backlogMarker();
    try {
      if (!noted) {
        Files.deleteIfExists(marker);
        return;
      }
      Path dir = marker.getParent();
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectory(
            dir,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
      Files.writeString(marker, "noted\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ShipException(
          ShipException.Reason.SETUP, "cannot write the backlog marker " + marker + ": " + e, e);
    }
  }

  private Path backlogMarker() {
    return file.resolveSibling(file.getFileName() + ".backlog");
  }

  /**
   * The state of shipping this database's approvals to the same destination: its value is a time
   * (ns), every approval accepted before it is in the cluster. A file beside this one.
   */
  public ShipState approvals() {
    return new ShipState(file.resolveSibling(file.getFileName() + ".approvals"), url, databaseId);
  }

  /** The acknowledged sequence, 0 when nothing was shipped to this destination yet. */
  public long acknowledged() throws ShipException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return 0;
    } catch (IOException e) {
      throw new ShipException(
          ShipException.Reason.SETUP, "cannot read shipping state " + file + ": " + e, e);
    }
    String u = null;
    String db = null;
    Long acked = null;
    for (var kv : KeyValueLines.parse(text)) {
      String v = kv.getValue();
      switch (kv.getKey()) {
        case "url" -> u = v;
        case "database_id" -> db = v;
        case "acknowledged" -> {
          try {
            acked = Long.parseLong(v);
          } catch (NumberFormatException e) {
            acked = null;
          }
        }
        default -> {}
      }
    }
    if (!url.equals(u) || !databaseId.equals(db) || acked == null || acked < 0) {
      throw new ShipException(
          ShipException.Reason.SETUP,
          "shipping state "
              + file
              + " does not belong to "
              + url
              + " and database "
              + databaseId
              + " or is damaged; remove it to ship everything again (documents already in the"
              + " cluster are recognised by their ids, not duplicated)");
    }
    return acked;
  }

  /**
   * The state of shipping this database's watch coverage to the same destination ({@link
   * CoverageState}): a file beside this one.
   */
  public CoverageState coverage() {
    return new CoverageState(
        file.resolveSibling(file.getFileName() + ".coverage"), url, databaseId);
  }

  /** Records {@code seq} as acknowledged, durably, before returning. */
  @Override
  public void acknowledge(long seq) throws ShipException {
    writeDurably(
        file,
        ("url=" + url + "\ndatabase_id=" + databaseId + "\nacknowledged=" + seq + "\n")
            .getBytes(StandardCharsets.UTF_8),
        "the acknowledged sequence " + seq);
  }

  /**
   * Replaces {@code file} with {@code body}: written beside, synced, renamed, directory synced (a
   * crash leaves the old or the new content). {@code what} names it in the error.
   */
  static void writeDurably(Path file, byte[] body, String what) throws ShipException {
    Path dir = file.getParent();
    // a name of this process and thread: fim check --ship beside fim watch --ship (or fim ship)
    // write the same state; a shared temporary could be torn between two writers. Each renames a
    // whole file of its own; the last one wins, which at worst resends what the other acknowledged
    // (409 in the cluster: no duplicate), never skips.
    Path tmp =
        dir.resolve(
            file.getFileName()
                + "."
                + ProcessHandle.current().pid()
                + "-"
                + Thread.currentThread().getId()
                + ".tmp");
    try {
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectory(
            dir,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
      try (FileChannel c =
          FileChannel.open(
              tmp,
              Set.of(
                  StandardOpenOption.CREATE,
                  StandardOpenOption.WRITE,
                  StandardOpenOption.TRUNCATE_EXISTING,
                  LinkOption.NOFOLLOW_LINKS),
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
        c.write(ByteBuffer.wrap(body));
        c.force(true);
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
        d.force(true);
      }
    } catch (IOException e) {
      throw new ShipException(
          ShipException.Reason.SETUP, "cannot record " + what + " in " + file + ": " + e, e);
    }
  }

  private static String key(String url) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(url.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
