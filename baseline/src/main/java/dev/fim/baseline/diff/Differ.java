package dev.fim.baseline.diff;

import dev.fim.baseline.Attribute;
import dev.fim.baseline.AttributeSet;
import dev.fim.store.Action;
import dev.fim.store.AttributeChange;
import dev.fim.store.Digest;
import dev.fim.store.FileRecord;
import dev.fim.store.PathBytes;
import dev.fim.store.Timestamps;
import dev.fim.store.Values;
import dev.fim.store.Xattr;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.function.Predicate;

/**
 * Compares the old and new record of one path, attribute by attribute, for the attributes both
 * records were captured with (so a config change never reports an attribute that was not captured
 * on one side). Stateless and thread-safe.
 *
 * <p>Labels are the {@code file.changes} names of the event JSON: {@code type}, {@code content},
 * {@code inode}, {@code size}, {@code link_target}, {@code permissions}, {@code owner}, {@code
 * group}, {@code links}, {@code blocks}, {@code mtime}, {@code ctime}, {@code xattrs}, {@code acl},
 * {@code caps}, {@code selinux}.
 */
public final class Differ {
  /** Changes that make an {@code updated}; the others alone make {@code attributes_modified}. */
  private static final List<String> CONTENT_LABELS =
      List.of("type", "content", "inode", "size", "link_target");

  private Differ() {}

  /** The result of comparing one path: what changed and which action that makes. */
  public record Difference(Action action, List<AttributeChange> changes) {}

  /**
   * The differences, or null when the records agree on every compared attribute. Without the path a
   * growing file's new hash cannot be checked against its old prefix: it counts as a change.
   */
  public static Difference compare(FileRecord before, FileRecord after) {
    return compare(null, before, after, PrefixHasher.NONE);
  }

  /**
   * As {@link #compare(FileRecord, FileRecord)}, for the file now at {@code path}: a {@code
   * growing} file whose hash changed while it grew is hashed again up to its old size by {@code
   * prefixes} (AIDE 0.18's growing).
   */
  public static Difference compare(
      PathBytes path, FileRecord before, FileRecord after, PrefixHasher prefixes) {
    // The selection's bits tested directly: an AttributeSet per record made its hash list each
    // time, and this runs for every change fim watch reports (issue 18).
    long attrs = before.selected() & after.selected();
    // AIDE decides by the old entry's attributes (gen_list.c get_changed_attributes: l1->attr).
    boolean growing = has(before.selected(), Attribute.GROWING_FILE);
    List<AttributeChange> out = new ArrayList<>(4);
    if (before.type() != after.type()) {
      // Every other attribute means something else for another type: report the type alone.
      out.add(new AttributeChange("type", before.type().label(), after.type().label()));
      return new Difference(Action.UPDATED, out);
    }
    content(path, before, after, attrs, growing, prefixes, out);
    if (has(attrs, Attribute.INODE) && before.ino() != after.ino()) {
      out.add(
          change("inode", Long.toUnsignedString(before.ino()), Long.toUnsignedString(after.ino())));
    }
    size(before, after, attrs, growing, out);
    if (has(attrs, Attribute.LINKNAME) && !Arrays.equals(before.linkTarget(), after.linkTarget())) {
      out.add(change("link_target", target(before), target(after)));
    }
    if (has(attrs, Attribute.PERMISSIONS) && (before.mode() & 07777) != (after.mode() & 07777)) {
      out.add(change("permissions", Values.mode(before.mode()), Values.mode(after.mode())));
    }
    if (has(attrs, Attribute.UID) && before.uid() != after.uid()) {
      out.add(
          change(
              "owner",
              Integer.toUnsignedString(before.uid()),
              Integer.toUnsignedString(after.uid())));
    }
    if (has(attrs, Attribute.GID) && before.gid() != after.gid()) {
      out.add(
          change(
              "group",
              Integer.toUnsignedString(before.gid()),
              Integer.toUnsignedString(after.gid())));
    }
    if (has(attrs, Attribute.LINKCOUNT) && before.nlink() != after.nlink()) {
      out.add(change("links", Long.toString(before.nlink()), Long.toString(after.nlink())));
    }
    if (has(attrs, Attribute.BLOCKS) && changed(before.blocks(), after.blocks(), growing)) {
      out.add(change("blocks", Long.toString(before.blocks()), Long.toString(after.blocks())));
    }
    if (has(attrs, Attribute.MTIME) && changed(before.mtimeNs(), after.mtimeNs(), growing)) {
      out.add(
          change("mtime", Timestamps.format(before.mtimeNs()), Timestamps.format(after.mtimeNs())));
    }
    if (has(attrs, Attribute.CTIME) && changed(before.ctimeNs(), after.ctimeNs(), growing)) {
      out.add(
          change("ctime", Timestamps.format(before.ctimeNs()), Timestamps.format(after.ctimeNs())));
    }
    xattrs(before, after, attrs, out);
    if (out.isEmpty()) {
      return null;
    }
    boolean content = false;
    for (AttributeChange c : out) {
      content |= CONTENT_LABELS.contains(c.attribute());
    }
    return new Difference(content ? Action.UPDATED : Action.ATTRIBUTES_MODIFIED, out);
  }

  /** Whether the selection's {@code bits} hold {@code a} ({@link AttributeSet#contains}). */
  private static boolean has(long bits, Attribute a) {
    return (bits & (1L << a.bit())) != 0;
  }

  /** Changed; under {@code growing} only a smaller new value counts (a larger one is growth). */
  private static boolean changed(long before, long after, boolean growing) {
    return growing ? after < before : after != before;
  }

  private static void content(
      PathBytes path,
      FileRecord before,
      FileRecord after,
      long attrs,
      boolean growing,
      PrefixHasher prefixes,
      List<AttributeChange> out) {
    // Compare the strongest algorithm both sides have; a side without it (hash skipped, e.g.
    // unreadable) is a problem reported elsewhere, not a content change.
    for (Attribute a : new Attribute[] {Attribute.SHA512, Attribute.SHA256, Attribute.XXH3}) {
      if (!has(attrs, a)) {
        continue;
      }
      Digest d0 = before.digest(a.hashAlgorithm());
      Digest d1 = after.digest(a.hashAlgorithm());
      if (d0 != null && d1 != null) {
        if (!d0.equals(d1) && !grewFromSamePrefix(path, before, after, a, growing, prefixes)) {
          out.add(change("content", d0.toString(), d1.toString()));
        }
        return;
      }
    }
  }

  /**
   * AIDE 0.18's growing for hashes (gen_list.c): the content hash changed, but the file grew and
   * either was empty before or its first old-size bytes hash as before: it only grew. The file is
   * read again now, by the same inode, so a file swapped in since the scan is not vouched for.
   */
  private static boolean grewFromSamePrefix(
      PathBytes path,
      FileRecord before,
      FileRecord after,
      Attribute hash,
      boolean growing,
      PrefixHasher prefixes) {
    if (!growing || after.size() <= before.size()) {
      return false;
    }
    if (before.size() == 0) {
      return true;
    }
    if (path == null) {
      return false;
    }
    Digest prefix = prefixes.prefix(path, after, before.size(), hash.hashAlgorithm());
    return prefix != null && prefix.equals(before.digest(hash.hashAlgorithm()));
  }

  private static void size(
      FileRecord before, FileRecord after, long attrs, boolean growing, List<AttributeChange> out) {
    if (before.size() == after.size()) {
      return;
    }
    if (has(attrs, Attribute.SIZE) && changed(before.size(), after.size(), growing)) {
      out.add(change("size", Long.toString(before.size()), Long.toString(after.size())));
    } else if (has(attrs, Attribute.GROWING) && after.size() < before.size()) {
      // S: files (logs) may grow; only a shrink (truncation, rotation by copy) is a change.
      out.add(change("size", Long.toString(before.size()), after.size() + " (shrank)"));
    }
  }

  private static void xattrs(
      FileRecord before, FileRecord after, long attrs, List<AttributeChange> out) {
    if (before.xattrs() == null || after.xattrs() == null) {
      return; // not captured on one side
    }
    if (has(attrs, Attribute.XATTRS)) {
      family("xattrs", before, after, x -> true, out);
      return; // the whole set covers acl, caps and selinux too
    }
    if (has(attrs, Attribute.ACL)) {
      family("acl", before, after, x -> x.name().startsWith("system.posix_acl_"), out);
    }
    if (has(attrs, Attribute.CAPS)) {
      family("caps", before, after, x -> x.name().equals("security.capability"), out);
    }
    if (has(attrs, Attribute.SELINUX)) {
      family("selinux", before, after, x -> x.name().equals("security.selinux"), out);
    }
  }

  private static void family(
      String label,
      FileRecord before,
      FileRecord after,
      Predicate<Xattr> member,
      List<AttributeChange> out) {
    List<Xattr> b = members(before.xattrs(), member);
    List<Xattr> a = members(after.xattrs(), member);
    if (!b.equals(a)) {
      out.add(change(label, render(b), render(a)));
    }
  }

  /**
   * The members of {@code xs}, in order (a loop: C1, which runs fim watch, compiles a stream's
   * pipeline into calls it does not inline, ~3 µs per change in the watch's profile, issue 18).
   */
  private static List<Xattr> members(List<Xattr> xs, Predicate<Xattr> member) {
    List<Xattr> out = List.of();
    for (Xattr x : xs) {
      if (member.test(x)) {
        if (out.isEmpty()) {
          out = new ArrayList<>(xs.size());
        }
        out.add(x);
      }
    }
    return out;
  }

  private static String render(List<Xattr> xs) {
    if (xs.isEmpty()) {
      return "(none)";
    }
    StringJoiner j = new StringJoiner(", ");
    for (Xattr x : xs) {
      j.add(x.toString());
    }
    return j.toString();
  }

  private static String target(FileRecord r) {
    return r.linkTarget() == null ? null : PathBytes.of(r.linkTarget()).display();
  }

  private static AttributeChange change(String label, String oldValue, String newValue) {
    return new AttributeChange(
        label, Objects.toString(oldValue, "(none)"), Objects.toString(newValue, "(none)"));
  }
}
