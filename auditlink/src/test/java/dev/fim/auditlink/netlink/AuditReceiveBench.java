package dev.fim.auditlink.netlink;

import dev.fim.auditlink.parse.AuditRecord;
import dev.fim.auditlink.reassembly.EventStream;
import dev.fim.auditlink.rules.RuleCompiler;
import dev.fim.auditlink.rules.RuleSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Live receive benchmark (bench/audit-receive.sh): fim's {@link AuditListener} under a generated
 * load. Installs {@code -a always,exit -F arch=b64 -S openat -F dir=DIR -F key=fim-bench}, starts
 * WORKERS python3 processes that open and close a file under DIR in a loop, and after a 2 s warm-up
 * counts for SECONDS the records and events fim received, the kernel's {@code lost} counter and
 * fim's overruns and serial gaps. Everything it changed (rule, enabled, backlog limit, audit pid)
 * is restored on exit, on SIGTERM/SIGINT too.
 *
 * <p>Usage: {@code AuditReceiveBench DIR [SECONDS=10] [WORKERS=2] [BACKLOG=0 (leave the host's)]
 * [RCVBUF_MIB=8]}
 */
public final class AuditReceiveBench {
  private AuditReceiveBench() {}

  private static long listenerCpuNanos() {
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().equals("fim-audit-listener")) {
        return mx.getThreadCpuTime(t.getId());
      }
    }
    return 0;
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int workers = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    long backlog = args.length > 3 ? Long.parseLong(args[3]) : 0;
    ListenerSettings settings = ListenerSettings.defaults();
    if (args.length > 4) {
      settings =
          new ListenerSettings(
              Integer.parseInt(args[4]) << 20, settings.pollInterval(), settings.reassembly());
    }
    Files.createDirectories(dir);
    Path target = dir.resolve("f");
    Files.writeString(target, "x");

    AtomicLong records = new AtomicLong();
    AtomicLong events = new AtomicLong();
    AtomicLong gaps = new AtomicLong();
    AtomicLong keyed = new AtomicLong();
    EventStream stream =
        new EventStream() {
          @Override
          public void reassemblyComplete(List<AuditRecord> r) {
            records.addAndGet(r.size());
            events.incrementAndGet();
            for (AuditRecord x : r) {
              if (x.type() == dev.fim.auditlink.parse.RecordType.SYSCALL
                  && "fim-bench".equals(x.field("key"))) {
                keyed.incrementAndGet();
              }
            }
          }

          @Override
          public void eventsLost(long count) {
            gaps.addAndGet(count);
          }
        };
    List<Process> load = new ArrayList<>();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> load.forEach(Process::destroyForcibly)));
    try (AuditState state = AuditState.capture()) {
      AuditStatus before = state.before();
      AuditListener listener = AuditListener.start(settings, stream, total -> {});
      state.closeListenerAfterRestore(listener);
      state.enable();
      if (backlog > 0) {
        state.raiseBacklogLimit(backlog);
      }
      state.addRule(
          new RuleCompiler(RuleSettings.host())
              .compile("-a always,exit -F arch=b64 -S openat -F dir=" + dir + " -F key=fim-bench")
              .bytes());
      try (AuditClient c = AuditClient.open()) {
        AuditStatus s = c.status();
        System.out.printf(
            "host: enabled=%d pid=%d backlog_limit=%d backlog_wait_time=%d lost=%d; "
                + "bench: backlog_limit=%d mode=%s workers=%d cores=%d rcvbuf=%d MiB%n",
            before.enabled(),
            before.pid(),
            before.backlogLimit(),
            before.backlogWaitTime(),
            before.lost(),
            s.backlogLimit(),
            listener.mode(),
            workers,
            Runtime.getRuntime().availableProcessors(),
            settings.receiveBufferBytes() >> 20);
        // Each worker counts its opens and prints the count when the stop file appears (or its
        // parent died).
        Path stop = dir.resolve("stop");
        Files.deleteIfExists(stop);
        String py =
            "import os,sys\n"
                + "p,stop,pp,n=sys.argv[1],sys.argv[2],os.getppid(),0\n"
                + "while not os.path.exists(stop) and os.getppid()==pp:\n"
                + "    for _ in range(1000): os.close(os.open(p, os.O_RDONLY))\n"
                + "    n+=1000\n"
                + "print(n)\n";
        for (int i = 0; i < workers; i++) {
          load.add(
              new ProcessBuilder("python3", "-c", py, target.toString(), stop.toString())
                  .redirectError(ProcessBuilder.Redirect.INHERIT)
                  .start());
        }
        Thread.sleep(2000); // warm-up
        long r0 = records.get(),
            e0 = events.get(),
            d0 = listener.datagrams(),
            o0 = listener.overruns();
        long g0 = gaps.get(),
            lost0 = c.status().lost(),
            cpu0 = listenerCpuNanos(),
            t0 = System.nanoTime();
        long maxBacklog = 0;
        long end = t0 + seconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
          Thread.sleep(50);
          maxBacklog = Math.max(maxBacklog, c.status().backlog());
        }
        long r1 = records.get(),
            e1 = events.get(),
            d1 = listener.datagrams(),
            o1 = listener.overruns();
        long g1 = gaps.get(),
            lost1 = c.status().lost(),
            cpu1 = listenerCpuNanos(),
            t1 = System.nanoTime();
        double secs = (t1 - t0) / 1e9;
        Files.writeString(stop, "");
        long opens = 0;
        for (Process p : load) {
          opens += Long.parseLong(new String(p.getInputStream().readAllBytes()).trim());
          p.waitFor();
        }
        // drain: until nothing arrived for 1 s (at most 60 s)
        long drainEnd = System.nanoTime() + 60_000_000_000L;
        long last = -1;
        while (System.nanoTime() < drainEnd && listener.datagrams() != last) {
          last = listener.datagrams();
          Thread.sleep(1000);
        }
        System.out.printf(
            "%.1f s: %,.0f records/s (%,.0f datagrams/s), %,.0f events/s; kernel lost +%d; "
                + "fim overruns +%d, serial gaps +%d; max kernel backlog %d; listener failure %s%n",
            secs,
            (r1 - r0) / secs,
            (d1 - d0) / secs,
            (e1 - e0) / secs,
            lost1 - lost0,
            o1 - o0,
            g1 - g0,
            maxBacklog,
            listener.failure());
        double cpu = (cpu1 - cpu0) / 1e9;
        System.out.printf(
            "receive thread: %.1f CPU-s in %.1f s (%.0f%%): %,.0f records per CPU-second "
                + "(%,.0f datagrams per CPU-second)%n",
            cpu, secs, 100 * cpu / secs, (r1 - r0) / cpu, (d1 - d0) / cpu);
        System.out.printf(
            "whole run: %,d opens by the workers, %,d events with key fim-bench received "
                + "(%,d missing); kernel lost total +%d, fim overruns total %d, serial gaps total %d%n",
            opens,
            keyed.get(),
            opens - keyed.get(),
            c.status().lost() - before.lost(),
            listener.overruns(),
            gaps.get());
      }
    }
  }
}
