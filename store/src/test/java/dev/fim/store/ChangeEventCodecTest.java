package dev.fim.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The stored form of a change event: what it keeps, and values written by an older fim. */
class ChangeEventCodecTest {
  private static final Actor ALICE_VIM =
      new Actor(
          1001L,
          "alice",
          0L,
          "root",
          4242,
          4200,
          "/usr/bin/vim.basic",
          "vim",
          List.of("vim", "/etc/hosts"),
          3L,
          "pts/0");

  @Test
  void codecKeepsTheActorAndReadsValuesWrittenBeforeIt() {
    ChangeEvent e =
        new ChangeEvent(
            5,
            9,
            Action.MOVED,
            PathBytes.ofUtf8("/b"),
            PathBytes.ofUtf8("/a"),
            Records.file(2, 0644, Records.xxh(2)),
            Records.file(2, 0644, Records.xxh(2)),
            List.of(),
            Origin.WATCH,
            Attribution.PROC,
            null,
            "a message",
            ALICE_VIM);
    ChangeEvent back = ChangeEventCodec.decode(ChangeEventCodec.encode(e));
    assertEquals(ALICE_VIM, back.actor());
    assertEquals("a message", back.message());
    assertArrayEquals(
        ChangeEventCodec.encode(e),
        ChangeEventCodec.encode(back),
        "a round trip keeps every field");

    // A value as the first version wrote it ends after the attribution reason: no message, no
    // actor.
    ChangeEvent old =
        new ChangeEvent(
            5,
            9,
            Action.DELETED,
            PathBytes.ofUtf8("/x"),
            null,
            null,
            Records.file(1, 0644, Records.xxh(1)),
            List.of(),
            Origin.CHECK,
            Attribution.NONE,
            "why");
    byte[] full = ChangeEventCodec.encode(old);
    byte[] v1 =
        java.util.Arrays.copyOf(
            full, full.length - 4 - 1); // minus the null message (-1) and actor byte
    ChangeEvent read = ChangeEventCodec.decode(v1);
    assertEquals(null, read.message());
    assertEquals(null, read.actor());
    assertEquals("why", read.attributionReason());
  }

  /**
   * An unset login uid's context (systemd unit, parent chain) survives the store; an actor without
   * it is written byte for byte as before (sealed histories and older readers see no change), and a
   * value written before the context existed reads as an actor without it.
   */
  @Test
  void codecKeepsTheUnitAndParentChainOfAnUnsetLoginAndReadsActorsWrittenBeforeThem() {
    Actor cron =
        new Actor(
            Actor.UNSET_ID,
            null,
            0L,
            "root",
            812,
            640,
            "/usr/bin/dash",
            "sh",
            List.of("sh", "-c", "x"),
            Actor.UNSET_ID,
            null,
            "cron.service",
            List.of(
                new Actor.Parent(640, "/usr/sbin/cron", Actor.UNSET_ID),
                new Actor.Parent(1, null, null)));
    ChangeEvent e =
        new ChangeEvent(
            5,
            9,
            Action.UPDATED,
            PathBytes.ofUtf8("/etc/x"),
            null,
            Records.file(2, 0644, Records.xxh(2)),
            Records.file(2, 0644, Records.xxh(1)),
            List.of(),
            Origin.WATCH,
            Attribution.PROC,
            null,
            null,
            cron);
    byte[] bytes = ChangeEventCodec.encode(e);
    ChangeEvent back = ChangeEventCodec.decode(bytes);
    assertEquals(cron, back.actor());
    assertArrayEquals(bytes, ChangeEventCodec.encode(back));

    // A unit without a chain (the parent was gone) and a chain without a unit (no systemd) are kept
    // apart.
    Actor unitOnly = cron.withContext("session-3.scope", null);
    assertEquals(
        unitOnly, ChangeEventCodec.decode(ChangeEventCodec.encode(withActor(e, unitOnly))).actor());
    Actor chainOnly = cron.withContext(null, List.of());
    assertEquals(
        chainOnly,
        ChangeEventCodec.decode(ChangeEventCodec.encode(withActor(e, chainOnly))).actor());

    // Without context: the version-1 actor bytes, which an older fim wrote and reads.
    Actor plain = cron.withContext(null, null);
    byte[] v1 = ChangeEventCodec.encode(withActor(e, plain));
    assertEquals(1, v1[v1.length - actorLength(plain)], "actor form byte");
    assertEquals(plain, ChangeEventCodec.decode(v1).actor());
    // The same event with the context is the version-1 bytes with form 2 and the context appended.
    assertEquals(2, bytes[v1.length - actorLength(plain)]);
    assertArrayEquals(
        java.util.Arrays.copyOfRange(v1, 0, v1.length - actorLength(plain)),
        java.util.Arrays.copyOfRange(bytes, 0, v1.length - actorLength(plain)));
    assertArrayEquals(
        java.util.Arrays.copyOfRange(v1, v1.length - actorLength(plain) + 1, v1.length),
        java.util.Arrays.copyOfRange(bytes, v1.length - actorLength(plain) + 1, v1.length));

    byte[] bad = bytes.clone();
    bad[v1.length - actorLength(plain)] = 3;
    assertThrows(IllegalArgumentException.class, () -> ChangeEventCodec.decode(bad));
  }

  /**
   * Every writer of a change ({@code fim.writers}) survives the store as a tagged section after the
   * actor: an event without writers is the same bytes as before, one with writers is those bytes
   * and the section, and a tag this fim does not know is refused rather than skipped.
   */
  @Test
  void codecKeepsEveryWriterInATaggedSectionAfterTheActor() {
    ChangeEvent e =
        new ChangeEvent(
            5,
            9,
            Action.CREATED,
            PathBytes.ofUtf8("/usr/bin/x"),
            null,
            Records.file(2, 04755, Records.xxh(2)),
            null,
            List.of(),
            Origin.WATCH,
            Attribution.AUDIT,
            null,
            null,
            ALICE_VIM);
    List<Writer> writers =
        List.of(
            new Writer(10, "/usr/bin/cp", "cp", 1001L, 0L, "openat", 77L, 1_000_000L),
            new Writer(11, null, null, null, null, null, null, 2_000_000L),
            new Writer(12, "/usr/bin/chmod", "chmod", 1001L, 0L, "fchmodat", 79L, 3_000_000L));
    byte[] plain = ChangeEventCodec.encode(e);
    assertArrayEquals(
        plain,
        ChangeEventCodec.encode(e.withWriters(List.of())),
        "no writers: the bytes sealed before writers existed");
    byte[] with = ChangeEventCodec.encode(e.withWriters(writers));
    assertArrayEquals(plain, java.util.Arrays.copyOf(with, plain.length));
    assertEquals(ChangeEventCodec.TAG_WRITERS, with[plain.length]);
    ChangeEvent back = ChangeEventCodec.decode(with);
    assertEquals(writers, back.writers());
    assertEquals(ALICE_VIM, back.actor());
    assertArrayEquals(with, ChangeEventCodec.encode(back));
    assertEquals(List.of(), ChangeEventCodec.decode(plain).writers());

    byte[] unknown = java.util.Arrays.copyOf(plain, plain.length + 1);
    unknown[plain.length] = 9;
    IllegalArgumentException x =
        assertThrows(IllegalArgumentException.class, () -> ChangeEventCodec.decode(unknown));
    assertEquals("unknown event section tag 9", x.getMessage());

    // both sections, in tag order (writers, then the package), round trip; the other order is
    // refused (one encoding per event: the evidence chain seals these bytes)
    ChangeEvent both =
        e.withWriters(writers).withPackage(new PackageOrigin("tool", "1.0", true, null));
    byte[] bothBytes = ChangeEventCodec.encode(both);
    assertEquals(both, ChangeEventCodec.decode(bothBytes));
    assertArrayEquals(with, java.util.Arrays.copyOf(bothBytes, with.length));
    assertEquals(ChangeEventCodec.TAG_PACKAGE, bothBytes[with.length]);
    byte[] pkgSection = java.util.Arrays.copyOfRange(bothBytes, with.length, bothBytes.length);
    byte[] writersSection = java.util.Arrays.copyOfRange(with, plain.length, with.length);
    byte[] swapped = java.util.Arrays.copyOf(plain, bothBytes.length);
    System.arraycopy(pkgSection, 0, swapped, plain.length, pkgSection.length);
    System.arraycopy(
        writersSection, 0, swapped, plain.length + pkgSection.length, writersSection.length);
    assertThrows(IllegalArgumentException.class, () -> ChangeEventCodec.decode(swapped));
    byte[] twice = java.util.Arrays.copyOf(with, with.length + with.length - plain.length);
    System.arraycopy(with, plain.length, twice, with.length, with.length - plain.length);
    assertThrows(IllegalArgumentException.class, () -> ChangeEventCodec.decode(twice));
    for (int cut = plain.length + 1; cut < with.length; cut++) {
      byte[] truncated = java.util.Arrays.copyOf(with, cut);
      assertThrows(IllegalArgumentException.class, () -> ChangeEventCodec.decode(truncated));
    }
  }

  private static ChangeEvent withActor(ChangeEvent e, Actor a) {
    return new ChangeEvent(
        e.timeNs(),
        e.sequence(),
        e.action(),
        e.path(),
        e.oldPath(),
        e.after(),
        e.before(),
        e.changes(),
        e.origin(),
        e.attribution(),
        e.attributionReason(),
        e.message(),
        a);
  }

  /** The bytes of an actor's version-1 encoding (form byte included). */
  private static int actorLength(Actor a) {
    ChangeEvent none =
        new ChangeEvent(
            0,
            0,
            Action.CREATED,
            PathBytes.ofUtf8("/"),
            null,
            null,
            null,
            List.of(),
            null,
            null,
            null,
            null,
            null);
    ChangeEvent with =
        new ChangeEvent(
            0,
            0,
            Action.CREATED,
            PathBytes.ofUtf8("/"),
            null,
            null,
            null,
            List.of(),
            null,
            null,
            null,
            null,
            a);
    return ChangeEventCodec.encode(with).length - ChangeEventCodec.encode(none).length + 1;
  }

  /**
   * The package section (tag 2) after the actor: kept exactly, with each verified state; an event
   * without one is written byte for byte as before; an unknown tag or a damaged section is refused,
   * never read as something else.
   */
  @Test
  void packageSectionIsATaggedTailAndAnEventWithoutItKeepsItsBytes() {
    ChangeEvent plain =
        new ChangeEvent(
            5,
            9,
            Action.UPDATED,
            PathBytes.ofUtf8("/usr/bin/x"),
            null,
            Records.file(2, 0755, Records.xxh(2)),
            Records.file(1, 0755, Records.xxh(1)),
            List.of(),
            Origin.WATCH,
            Attribution.PROC,
            null,
            null,
            ALICE_VIM);
    byte[] before = ChangeEventCodec.encode(plain);
    assertArrayEquals(before, ChangeEventCodec.encode(plain.withPackage(null)));
    for (Boolean verified : new Boolean[] {null, Boolean.TRUE, Boolean.FALSE}) {
      PackageOrigin p =
          new PackageOrigin(
              "fimtest:amd64", "1.0-1", verified, verified == Boolean.TRUE ? null : "differs");
      byte[] bytes = ChangeEventCodec.encode(plain.withPackage(p));
      assertArrayEquals(
          before,
          java.util.Arrays.copyOf(bytes, before.length),
          "the package section only appends");
      assertEquals(ChangeEventCodec.TAG_PACKAGE, bytes[before.length]);
      ChangeEvent back = ChangeEventCodec.decode(bytes);
      assertEquals(p, back.pkg());
      assertEquals(ALICE_VIM, back.actor());
      assertArrayEquals(bytes, ChangeEventCodec.encode(back));
    }
    // An event with no actor and no message still reaches the tagged tail.
    ChangeEvent bare =
        new ChangeEvent(
                5,
                9,
                Action.DELETED,
                PathBytes.ofUtf8("/x"),
                null,
                null,
                Records.file(1, 0644, Records.xxh(1)),
                List.of(),
                Origin.CHECK,
                Attribution.NONE,
                "why")
            .withPackage(new PackageOrigin("p", null, null, null));
    assertEquals(bare.pkg(), ChangeEventCodec.decode(ChangeEventCodec.encode(bare)).pkg());

    byte[] bytes =
        ChangeEventCodec.encode(plain.withPackage(new PackageOrigin("p", "1", true, null)));
    byte[] unknownTag = bytes.clone();
    unknownTag[before.length] = 9;
    assertThrows(IllegalArgumentException.class, () -> ChangeEventCodec.decode(unknownTag));
    byte[] badVerified = bytes.clone();
    badVerified[bytes.length - 5] = 7; // the verified byte, before the null reason
    assertThrows(IllegalArgumentException.class, () -> ChangeEventCodec.decode(badVerified));
    byte[] truncated = java.util.Arrays.copyOf(bytes, bytes.length - 2);
    assertThrows(IllegalArgumentException.class, () -> ChangeEventCodec.decode(truncated));
  }
}
