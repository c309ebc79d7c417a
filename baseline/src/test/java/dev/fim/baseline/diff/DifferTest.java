package dev.fim.baseline.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.fim.baseline.Attribute;
import dev.fim.baseline.AttributeSet;
import dev.fim.store.Action;
import dev.fim.store.AttributeChange;
import dev.fim.store.Digest;
import dev.fim.store.FileRecord;
import dev.fim.store.FileType;
import dev.fim.store.HashAlgorithm;
import dev.fim.store.Xattr;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A table: one base record, a mutation, the attribute set, and the expected action and labels. */
class DifferTest {
  static final AttributeSet ALL =
      AttributeSet.of(Attribute.values())
          .without(Attribute.GROWING)
          .without(Attribute.GROWING_FILE)
          .without(Attribute.ALLOW_NEW)
          .without(Attribute.ALLOW_REMOVED);
  static final AttributeSet LOG =
      AttributeSet.of(
          Attribute.PERMISSIONS,
          Attribute.UID,
          Attribute.GID,
          Attribute.INODE,
          Attribute.SIZE,
          Attribute.GROWING_FILE);

  static byte[] bytes(int fill, int len) {
    byte[] b = new byte[len];
    Arrays.fill(b, (byte) fill);
    return b;
  }

  static FileRecord base(AttributeSet attrs) {
    return new FileRecord(
        FileType.FILE,
        0644,
        0,
        0,
        100,
        8,
        1_000,
        2_000,
        1,
        10,
        1,
        null,
        List.of(new Xattr("security.capability", bytes(1, 20)), new Xattr("user.x", bytes(2, 3))),
        List.of(new Digest(HashAlgorithm.XXH3_128, bytes(7, 16))),
        attrs.bits(),
        null);
  }

  static FileRecord with(FileRecord r, UnaryOperator<Object[]> f) {
    Object[] v = {
      r.type(),
      r.mode(),
      r.uid(),
      r.gid(),
      r.size(),
      r.blocks(),
      r.mtimeNs(),
      r.ctimeNs(),
      r.dev(),
      r.ino(),
      r.nlink(),
      r.linkTarget(),
      r.xattrs(),
      r.digests(),
      r.selected(),
      r.problem()
    };
    v = f.apply(v);
    @SuppressWarnings("unchecked")
    FileRecord out =
        new FileRecord(
            (FileType) v[0],
            (int) v[1],
            (int) v[2],
            (int) v[3],
            (long) v[4],
            (long) v[5],
            (long) v[6],
            (long) v[7],
            (long) v[8],
            (long) v[9],
            (long) v[10],
            (byte[]) v[11],
            (List<Xattr>) v[12],
            (List<Digest>) v[13],
            (long) v[14],
            (String) v[15]);
    return out;
  }

  static UnaryOperator<Object[]> set(int i, Object value) {
    return v -> {
      v[i] = value;
      return v;
    };
  }

  static Stream<Arguments> table() {
    return Stream.of(
        Arguments.of("identical", ALL, set(1, 0644), null, List.of()),
        Arguments.of(
            "chmod", ALL, set(1, 0600), Action.ATTRIBUTES_MODIFIED, List.of("permissions")),
        Arguments.of(
            "setuid bit", ALL, set(1, 04644), Action.ATTRIBUTES_MODIFIED, List.of("permissions")),
        Arguments.of("chown", ALL, set(2, 1001), Action.ATTRIBUTES_MODIFIED, List.of("owner")),
        Arguments.of("chgrp", ALL, set(3, 1001), Action.ATTRIBUTES_MODIFIED, List.of("group")),
        Arguments.of(
            "content",
            ALL,
            set(13, List.of(new Digest(HashAlgorithm.XXH3_128, bytes(8, 16)))),
            Action.UPDATED,
            List.of("content")),
        Arguments.of("replaced inode", ALL, set(9, 11L), Action.UPDATED, List.of("inode")),
        Arguments.of("grown", ALL, set(4, 200L), Action.UPDATED, List.of("size")),
        Arguments.of("touch", ALL, set(6, 5_000L), Action.ATTRIBUTES_MODIFIED, List.of("mtime")),
        Arguments.of(
            "hard link added", ALL, set(10, 2L), Action.ATTRIBUTES_MODIFIED, List.of("links")),
        Arguments.of(
            "capability removed",
            ALL,
            set(12, List.of(new Xattr("user.x", bytes(2, 3)))),
            Action.ATTRIBUTES_MODIFIED,
            List.of("xattrs")),
        Arguments.of(
            "became a dir", ALL, set(0, FileType.DIRECTORY), Action.UPDATED, List.of("type")),
        Arguments.of("log grew: fine", LOG, set(4, 200L), null, List.of()),
        Arguments.of("log shrank", LOG, set(4, 50L), Action.UPDATED, List.of("size")),
        Arguments.of("log mtime not selected", LOG, set(6, 9_000L), null, List.of()),
        Arguments.of(
            "hash skipped on one side (unreadable): not a content change",
            ALL,
            set(13, List.of()),
            null,
            List.of()),
        Arguments.of(
            "attribute not captured at baseline time is not compared",
            ALL.without(Attribute.MTIME),
            set(6, 9_000L),
            null,
            List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void compares(
      String name,
      AttributeSet attrs,
      UnaryOperator<Object[]> mutation,
      Action action,
      List<String> labels) {
    FileRecord before = base(attrs);
    FileRecord after = with(before, mutation);
    Differ.Difference d = Differ.compare(before, after);
    if (action == null) {
      assertNull(d, () -> "expected no difference, got " + d);
      return;
    }
    assertEquals(action, d.action(), d.toString());
    assertEquals(labels, d.changes().stream().map(AttributeChange::attribute).toList());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void valuesReadOldToNew(
      String name,
      AttributeSet attrs,
      UnaryOperator<Object[]> mutation,
      Action action,
      List<String> labels) {
    if (!name.equals("chmod")) {
      return;
    }
    Differ.Difference d = Differ.compare(base(attrs), with(base(attrs), mutation));
    assertEquals("permissions: 0644 → 0600", d.changes().get(0).toString());
  }
}
