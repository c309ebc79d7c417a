package dev.fim.engine.correlate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.fim.store.Actor;
import dev.fim.store.PathBytes;
import dev.fim.store.Writer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How the audited syscalls of one change become its {@code fim.writers}: in order, a run of one
 * process's identical syscalls as its first, a single writer as none, and a bounded list that keeps
 * the oldest and the last.
 */
class AuditSourceWritersTest {
  static final PathBytes F = PathBytes.ofUtf8("/w/f");

  static AuditedChange syscall(long serial, int pid, String exe, String syscall) {
    Actor a =
        new Actor(
            1001L,
            null,
            0L,
            null,
            pid,
            1,
            exe,
            exe.substring(exe.lastIndexOf('/') + 1),
            null,
            1L,
            null);
    return new AuditedChange(
        serial,
        serial * 1_000_000L,
        serial * 1_000_000L,
        syscall,
        true,
        0,
        0,
        a,
        List.of(new PathItem(F, F, 11, 0xfe, 1, NameType.NORMAL)));
  }

  @Test
  void writersInOrderWithARunOfOneProcesssIdenticalSyscallsAsItsFirst() {
    List<Writer> ws =
        AuditSource.toWriters(
            List.of(
                syscall(1, 10, "/usr/bin/cp", "openat"),
                syscall(2, 10, "/usr/bin/cp", "openat"),
                syscall(3, 10, "/usr/bin/cp", "fchmodat"),
                syscall(4, 11, "/usr/bin/chmod", "fchmodat")));
    assertEquals(3, ws.size(), ws::toString);
    assertEquals(List.of(1L, 3L, 4L), ws.stream().map(Writer::serial).toList());
    assertEquals("openat", ws.get(0).syscall());
    assertEquals(1_000_000L, ws.get(0).timeNs());
    assertEquals("/usr/bin/chmod", ws.get(2).executable());
    assertEquals("chmod", ws.get(2).name());
    assertEquals(1001L, ws.get(2).auid());
    assertEquals(0L, ws.get(2).uid());
  }

  @Test
  void oneWriterIsNoListAndALongListKeepsTheOldestAndTheLast() {
    assertNull(
        AuditSource.toWriters(
            List.of(
                syscall(1, 10, "/usr/bin/dash", "openat"),
                syscall(2, 10, "/usr/bin/dash", "openat"))));
    List<AuditedChange> many = new ArrayList<>();
    for (int i = 1; i <= 100; i++) {
      many.add(syscall(i, 1000 + i, "/usr/bin/dash", "openat"));
    }
    List<Writer> ws = AuditSource.toWriters(many);
    assertEquals(AuditSource.MAX_WRITERS, ws.size());
    assertEquals(1L, ws.get(0).serial());
    assertEquals(31L, ws.get(30).serial());
    assertEquals(100L, ws.get(31).serial(), "the last writer (the actor) is kept");
  }
}
