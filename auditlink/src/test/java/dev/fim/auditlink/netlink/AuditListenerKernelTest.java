package dev.fim.auditlink.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fim.auditlink.parse.AuditRecord;
import dev.fim.auditlink.parse.RecordType;
import dev.fim.auditlink.reassembly.EventStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Receiving for real: a file written under a watched directory by a child whose loginuid is 1001
 * arrives as one reassembled event (SYSCALL with auid and exe, CWD, PATH), and the audit pid,
 * enabled flag, backlog limit and rules are the host's again after close.
 */
@Tag("kernel")
class AuditListenerKernelTest {

  @TempDir Path dir;

  private AuditClient client;
  private AuditStatus hostStatus;
  private List<String> hostRules;
  private AuditState state;
  private AuditListener listener;

  @BeforeEach
  void open() throws Exception {
    KernelAudit.assumeRoot();
    assumeTrue(
        Files.isExecutable(WatchedWrite.PYTHON),
        "needs " + WatchedWrite.PYTHON + " for the writing child");
    client = AuditClient.open();
    hostStatus = client.status();
    assumeTrue(
        !hostStatus.immutable(), "audit is locked (enabled=2): no rules can be added until reboot");
    hostRules = KernelAudit.ruleTexts(client);
  }

  @AfterEach
  void restore() throws Exception {
    if (client == null) {
      return;
    }
    try {
      if (state != null) {
        state.close(); // closes the listener after the restore
      }
      if (listener != null) {
        listener.close(); // idempotent; closes it if the state was never captured
      }
      AuditStatus now = client.status();
      assertEquals(hostStatus.pid(), now.pid(), "audit pid given back");
      assertEquals(hostStatus.enabled(), now.enabled(), "enabled restored");
      assertEquals(hostStatus.backlogLimit(), now.backlogLimit(), "backlog limit restored");
      assertEquals(hostRules, KernelAudit.ruleTexts(client), "the host's rules are as before");
    } finally {
      client.close();
    }
  }

  @Test
  void aWriteByLoginUid1001ArrivesAsOneReassembledEvent() throws Exception {
    String key = KernelAudit.testKey();
    BlockingQueue<List<AuditRecord>> events = new LinkedBlockingQueue<>();
    List<AuditRecord> logins = new java.util.concurrent.CopyOnWriteArrayList<>();
    AtomicLong lost = new AtomicLong();
    EventStream stream =
        new EventStream() {
          @Override
          public void reassemblyComplete(List<AuditRecord> records) {
            events.add(records);
            records.stream().filter(r -> r.type() == RecordType.LOGIN).forEach(logins::add);
          }

          @Override
          public void eventsLost(long count) {
            lost.addAndGet(count);
          }
        };

    state = AuditState.capture();
    listener = AuditListener.start(ListenerSettings.defaults(), stream, total -> {});
    state.closeListenerAfterRestore(listener);
    assertEquals(
        hostStatus.pid() == 0 ? AuditListener.Mode.AUDIT_PID : AuditListener.Mode.MULTICAST,
        listener.mode());
    if (listener.mode() == AuditListener.Mode.AUDIT_PID) {
      assertEquals(ProcessHandle.current().pid(), client.status().pid(), "fim is the audit pid");
    }
    state.enable();
    state.raiseBacklogLimit(8192);
    WatchedWrite.watchDirectory(state, dir, key);

    Path file = dir.resolve("f");
    WatchedWrite.writeAsLoginUid1001(file);
    assertTrue(Files.exists(file));

    List<AuditRecord> event = WatchedWrite.awaitEvent(events, key);
    assertNull(listener.failure());
    assertNotNull(
        event,
        "an event with key " + key + " within 30 s (" + listener.datagrams() + " datagrams)");
    AuditRecord syscall =
        event.stream().filter(r -> r.type() == RecordType.SYSCALL).findFirst().orElseThrow();
    assertEquals("1001", syscall.field("auid"), syscall.rawText());
    assertTrue(syscall.field("exe").contains("python3"), syscall.rawText());
    assertTrue(event.stream().anyMatch(r -> r.type() == RecordType.CWD), "a CWD record");
    assertTrue(
        event.stream()
            .anyMatch(r -> r.type() == RecordType.PATH && file.toString().equals(r.field("name"))),
        "a PATH record naming " + file + ": " + event.stream().map(AuditRecord::rawText).toList());
    long serial = syscall.serial();
    assertTrue(event.stream().allMatch(r -> r.serial() == serial));
    assertEquals(0, listener.overruns());
    // The child set its loginuid first: the kernel's LOGIN record (type 1006, below the 1100 of
    // other records) arrives too, before the write's event.
    assertTrue(
        logins.stream().anyMatch(r -> "1001".equals(r.field("auid")) && r.serial() < serial),
        "a LOGIN record naming auid 1001: " + logins.stream().map(AuditRecord::rawText).toList());
  }

  /** getsockopt(2), bound here only: fim itself never reads a socket option back. */
  public interface SockOpt {
    int getsockopt(
        int fd, int level, int optname, @jnr.ffi.annotations.Out byte[] optval, int[] optlen);
  }

  /**
   * The listener's socket must not latch as congested when it overflows: with the latch, the kernel
   * delivered nothing more until the whole buffer was read, kauditd's sends failed meanwhile and it
   * gave records up for good (a burst at load 11 lost 834 of 59,687 events).
   */
  @Test
  void theListenersSocketDoesNotLatchCongestedOnOverflow() throws Exception {
    startListenerThatDropsRecords();
    SockOpt libc = dev.fim.store.sys.Libc.bindNow(SockOpt.class);
    byte[] value = new byte[4];
    int[] len = {4};
    int rc =
        libc.getsockopt(
            listener.socket().fd(),
            NetlinkSocket.SOL_NETLINK,
            NetlinkSocket.NETLINK_NO_ENOBUFS,
            value,
            len);
    assertEquals(0, rc, "getsockopt(NETLINK_NO_ENOBUFS)");
    assertEquals(
        1,
        java.nio.ByteBuffer.wrap(value).order(java.nio.ByteOrder.nativeOrder()).getInt(),
        "NETLINK_NO_ENOBUFS set on the listener's socket");
  }

  /**
   * As the audit pid, the receive thread reads at auditd's priority (nice -4) and only it: the
   * kernel gives records up that a starved reader is too late for.
   */
  @Test
  void asTheAuditPidOnlyTheReceiveThreadRunsAtAuditdsPriority() throws Exception {
    assumeTrue(hostStatus.pid() == 0, "another process is the audit pid: multicast mode");
    startListenerThatDropsRecords();
    assertEquals(AuditListener.Mode.AUDIT_PID, listener.mode());
    java.util.Map<String, Integer> nice = new java.util.HashMap<>();
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    while (!listener.prioritised() && System.nanoTime() - deadline < 0) {
      Thread.sleep(10); // the thread raises itself as it starts
    }
    assertTrue(listener.prioritised(), "the receive thread was given auditd's priority");
    try (var tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path t : tasks.toList()) {
        try {
          String comm = Files.readString(t.resolve("comm")).strip();
          String stat = Files.readString(t.resolve("stat"));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          nice.merge(comm, Integer.parseInt(f[16]), Math::min); // field 19: nice
        } catch (java.io.IOException e) {
          // a thread that ended meanwhile
        }
      }
    }
    assertEquals(ListenerPriority.NICE, nice.get("fim-audit-liste"), nice.toString());
    nice.remove("fim-audit-liste");
    assertTrue(
        nice.values().stream().allMatch(n -> n == 0),
        "the other threads keep their priority: " + nice);
  }

  /** A listener whose records go nowhere (the tests that look only at its socket or thread). */
  private void startListenerThatDropsRecords() throws Exception {
    state = AuditState.capture();
    listener =
        AuditListener.start(
            ListenerSettings.defaults(),
            new EventStream() {
              @Override
              public void reassemblyComplete(List<AuditRecord> records) {}

              @Override
              public void eventsLost(long count) {}
            },
            total -> {});
    state.closeListenerAfterRestore(listener);
  }
}
