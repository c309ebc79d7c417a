package dev.fim.baseline;

import dev.fim.store.PathBytes;
import java.util.Objects;

/**
 * Something a scan could not see or could not trust, with the reason a person reads (errno name and
 * consequence included). Immutable.
 *
 * @param path the path concerned
 * @param kind what happened, and so what a later comparison may conclude
 * @param message e.g. {@code open /etc/shadow for hashing: EACCES (Permission denied); hash
 *     skipped, attributes kept}
 */
public record ScanProblem(PathBytes path, Kind kind, String message) {
  public ScanProblem {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(message, "message");
  }

  /**
   * True when the entry concerned could not be checked: everything but {@link Kind#VANISHED} (a
   * path that is gone was checked: it is gone, and a comparison says so). A check or update with
   * such a problem exits with bit 8 set, so a file that cannot be read (or keeps changing while it
   * is hashed, or sits below an unreadable directory) never passes as unchanged.
   */
  public boolean unchecked() {
    return kind != Kind.VANISHED;
  }

  /**
   * The problem as one line for a person: the message, which names the path already (it is a system
   * call's failure: {@code open /etc/shadow for hashing: EACCES…}); the path is put in front only
   * when the message does not contain it. A path of 20 KB is printed once, not twice.
   */
  public String line() {
    String shown = path.display();
    return message.contains(shown) ? message : shown + ": " + message;
  }

  /** What happened. Each constant says what a diff of this scan against a baseline may conclude. */
  public enum Kind {
    /**
     * A directory could not be opened or listed (EACCES, EIO…): its contents were not scanned, or
     * only partly. A later diff must not treat its baseline children as removed.
     */
    UNREADABLE_DIRECTORY,
    /**
     * A regular file could not be read (EACCES, EIO, a lease…) or its xattrs could not be listed:
     * its {@code lstat} attributes are recorded, the hash (or xattrs) skipped; the record carries
     * the same text in {@code problem}.
     */
    UNREADABLE_FILE,
    /**
     * A listed name could not even be {@code lstat}ed (e.g. a directory readable but not
     * searchable): no record. A diff must not treat it as removed.
     */
    UNREADABLE_ENTRY,
    /** The path disappeared between its listing and its {@code lstat} or open: no record. */
    VANISHED,
    /**
     * The content kept moving while it was hashed (size, mtime or ctime differed after the hash,
     * three times): the record has no digest, so no hash is credited to the wrong writer.
     */
    CHANGED_DURING_HASH,
    /**
     * The name was a regular file at {@code lstat} but is something else now (a FIFO, a symlink…),
     * or names another inode, twice in a row: attributes of the {@code lstat} are recorded, nothing
     * was read.
     */
    NOT_A_REGULAR_FILE_ANYMORE,
    /** A root of the selection does not exist or cannot be looked up: nothing below it scanned. */
    MISSING_ROOT
  }
}
