package dev.fim.auditlink.netlink;

import dev.fim.auditlink.reassembly.EventStream;
import dev.fim.auditlink.rules.RuleCompiler;
import dev.fim.auditlink.rules.RuleSettings;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The child JVM of {@link AuditRestoreOnSignalKernelTest}: changes the host's audit state the way
 * fim does ({@link AuditState#enable}, a raised backlog limit, a rule with the given key, an {@link
 * AuditListener} that becomes the audit pid when none is), prints {@code READY backlog=N}, and
 * blocks until a signal ends the JVM. Restoring is left entirely to the shutdown hooks.
 *
 * <p>Usage: {@code AuditStateChild DIR KEY}
 */
public final class AuditStateChild {
  private AuditStateChild() {}

  public static void main(String[] args) throws Exception {
    String dir = args[0];
    String key = args[1];
    AtomicLong records = new AtomicLong();
    AuditState state = AuditState.capture();
    AuditListener listener =
        AuditListener.start(
            ListenerSettings.defaults(),
            new EventStream() {
              @Override
              public void reassemblyComplete(List<dev.fim.auditlink.parse.AuditRecord> r) {
                records.addAndGet(r.size());
              }

              @Override
              public void eventsLost(long count) {}
            },
            total -> {});
    state.closeListenerAfterRestore(listener);
    state.enable();
    long backlog = Math.max(8192, state.before().backlogLimit() + 1);
    state.raiseBacklogLimit(backlog);
    RuleCompiler compiler = new RuleCompiler(RuleSettings.host());
    state.addRule(
        compiler
            .compile("-a always,exit -F arch=b64 -F dir=" + dir + " -F perm=wa -F key=" + key)
            .bytes());
    System.out.println("READY backlog=" + backlog + " mode=" + listener.mode());
    System.out.flush();
    Thread.currentThread().join(); // until SIGTERM/SIGINT runs the shutdown hooks
  }
}
