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

  /** The differences, or null when the records agree on every compared attribute. */
  public static Difference compare(FileRecord before, FileRecord after) {
    AttributeSet attrs = AttributeSet.ofBits(before.selected() & after.selected());
    List<AttributeChange> out = new ArrayList<>(4);
    if (before.type() != after.type()) {
      // Every other attribute means something else for another type: report the type alone.
      out.add(new AttributeChange("type", before.type().label(), after.type().label()));
      return new Difference(Action.UPDATED, out);
    }
    content(before, after, attrs, out);
    if (attrs.contains(Attribute.INODE) && before.ino() != after.ino()) {
      out.add(
          change("inode", Long.toUnsignedString(before.ino()), Long.toUnsignedString(after.ino())));
    }
    size(before, after, attrs, out);
    if (attrs.contains(Attribute.LINKNAME)
        && !Arrays.equals(before.linkTarget(), after.linkTarget())) {
      out.add(change("link_target", target(before), target(after)));
    }
    if (attrs.contains(Attribute.PERMISSIONS)
        && (before.mode() & 07777) != (after.mode() & 07777)) {
      out.add(change("permissions", Values.mode(before.mode()), Values.mode(after.mode())));
    }
    if (attrs.contains(Attribute.UID) && before.uid() != after.uid()) {
      out.add(
          change(
              "owner",
              Integer.toUnsignedString(before.uid()),
              Integer.toUnsignedString(after.uid())));
    }
    if (attrs.contains(Attribute.GID) && before.gid() != after.gid()) {
      out.add(
          change(
              "group",
              Integer.toUnsignedString(before.gid()),
              Integer.toUnsignedString(after.gid())));
    }
    if (attrs.contains(Attribute.LINKCOUNT) && before.nlink() != after.nlink()) {
      out.add(change("links", Long.toString(before.nlink()), Long.toString(after.nlink())));
    }
    if (attrs.contains(Attribute.BLOCKS) && before.blocks() != after.blocks()) {
      out.add(change("blocks", Long.toString(before.blocks()), Long.toString(after.blocks())));
    }
    if (attrs.contains(Attribute.MTIME) && before.mtimeNs() != after.mtimeNs()) {
      out.add(
          change("mtime", Timestamps.format(before.mtimeNs()), Timestamps.format(after.mtimeNs())));
    }
    if (attrs.contains(Attribute.CTIME) && before.ctimeNs() != after.ctimeNs()) {
      out.add(
          change("ctime", Timestamps.format(before.ctimeNs()), Timestamps.format(after.ctimeNs())));
    }
    xattrs(before, after, attrs, out);
    if (out.isEmpty()) {
      return null;
    }
    boolean content = out.stream().anyMatch(c -> CONTENT_LABELS.contains(c.attribute()));
    return new Difference(content ? Action.UPDATED : Action.ATTRIBUTES_MODIFIED, out);
  }

  private static void content(
      FileRecord before, FileRecord after, AttributeSet attrs, List<AttributeChange> out) {
    // Compare the strongest algorithm both sides have; a side without it (hash skipped, e.g.
    // unreadable) is a problem reported elsewhere, not a content change.
    for (Attribute a : new Attribute[] {Attribute.SHA512, Attribute.SHA256, Attribute.XXH3}) {
      if (!attrs.contains(a)) {
        continue;
      }
      Digest d0 = before.digest(a.hashAlgorithm());
      Digest d1 = after.digest(a.hashAlgorithm());
      if (d0 != null && d1 != null) {
        if (!d0.equals(d1)) {
          out.add(change("content", d0.toString(), d1.toString()));
        }
        return;
      }
    }
  }

  private static void size(
      FileRecord before, FileRecord after, AttributeSet attrs, List<AttributeChange> out) {
    if (before.size() == after.size()) {
      return;
    }
    if (attrs.contains(Attribute.GROWING)) {
      // '>' files (logs) may grow; only a shrink (truncation, rotation by copy) is a change.
      if (after.size() < before.size()) {
        out.add(change("size", Long.toString(before.size()), after.size() + " (shrank)"));
      }
    } else if (attrs.contains(Attribute.SIZE)) {
      out.add(change("size", Long.toString(before.size()), Long.toString(after.size())));
    }
  }

  private static void xattrs(
      FileRecord before, FileRecord after, AttributeSet attrs, List<AttributeChange> out) {
    if (before.xattrs() == null || after.xattrs() == null) {
      return; // not captured on one side
    }
    if (attrs.contains(Attribute.XATTRS)) {
      family("xattrs", before, after, x -> true, out);
      return; // the whole set covers acl, caps and selinux too
    }
    if (attrs.contains(Attribute.ACL)) {
      family("acl", before, after, x -> x.name().startsWith("system.posix_acl_"), out);
    }
    if (attrs.contains(Attribute.CAPS)) {
      family("caps", before, after, x -> x.name().equals("security.capability"), out);
    }
    if (attrs.contains(Attribute.SELINUX)) {
      family("selinux", before, after, x -> x.name().equals("security.selinux"), out);
    }
  }

  private static void family(
      String label,
      FileRecord before,
      FileRecord after,
      Predicate<Xattr> member,
      List<AttributeChange> out) {
    List<Xattr> b = before.xattrs().stream().filter(member).toList();
    List<Xattr> a = after.xattrs().stream().filter(member).toList();
    if (!b.equals(a)) {
      out.add(change(label, render(b), render(a)));
    }
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
