package dev.fim.engine.correlate;

import dev.fim.auditlink.parse.AuditRecord;
import dev.fim.auditlink.rules.CompiledRule;
import dev.fim.auditlink.rules.RuleCompiler;
import dev.fim.auditlink.rules.RuleSyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Makes the audit stream move when nothing else does, so a change whose record is missing learns so
 * at once instead of after the whole {@code --correlation-ms} bound (docs/attribution.md, "How long
 * a change waits"). fim adds one rule of its own, {@code -a always,exit -F arch=b64 -S execve -F
 * ppid=FIM -F key=KEY-progress}, and a probe is one {@code true TOKEN} that fim starts: its execve
 * is audited under that rule (fim's own syscalls are not: while fim is the audit pid the kernel
 * never audits the audit daemon), and TOKEN, in the EXECVE record, numbers the probe. The kernel
 * queues the probe's records at syscall exit behind every record queued before them, so when the
 * listener sees token N come back, every syscall that had ended when probe N was issued has had its
 * records delivered: the stream has passed probe N's issue time.
 *
 * <p>Thread-safe: any thread fires, the listener's thread reads the records back.
 */
final class ProgressProbe {
  /** Tokens start here (a recognisable argument of {@code true}). */
  static final long TOKEN_BASE = 0x40000000L;

  /** The program a probe runs: it ignores its argument and exits 0. */
  private static final String TRUE =
      java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/bin/true"))
          ? "/usr/bin/true"
          : "/bin/true";

  private static final int RING = 256;

  private final byte[] key;
  private final String ruleText;
  private final byte[] ruleBytes;
  private final LongSupplier wallNs;
  private final AtomicLong sequence = new AtomicLong();
  private final AtomicLong fired = new AtomicLong();
  private final AtomicLong returned = new AtomicLong();

  /**
   * Issue time of probe N at [N % RING], and N at the same index: a late or lost one is ignored.
   */
  private final long[] issuedNs = new long[RING];

  private final long[] issuedSeq = new long[RING];

  ProgressProbe(String watchKey, RuleCompiler compiler, long pid, LongSupplier wallNs) {
    String k = watchKey + "-progress";
    this.key = k.getBytes(StandardCharsets.UTF_8);
    this.wallNs = wallNs;
    try {
      CompiledRule r =
          compiler.compile(
              List.of(
                  "-a",
                  "always,exit",
                  "-F",
                  "arch=b64",
                  "-S",
                  "execve",
                  "-F",
                  "ppid=" + pid,
                  "-F",
                  "key=" + k));
      this.ruleText = r.normalisedText();
      this.ruleBytes = r.bytes();
    } catch (RuleSyntaxException e) {
      throw new IllegalArgumentException("fim's progress rule: " + e.getMessage(), e);
    }
  }

  String ruleText() {
    return ruleText;
  }

  byte[] ruleBytes() {
    return ruleBytes.clone();
  }

  /**
   * Issues one probe: starts {@code true TOKEN}, whose audited execve says "the stream is here". A
   * probe that cannot start is not counted (the wait then ends by the stream or the bound).
   */
  void fire() {
    long n = sequence.incrementAndGet();
    int slot = (int) (n % RING);
    synchronized (issuedNs) {
      issuedNs[slot] = wallNs.getAsLong();
      issuedSeq[slot] = n;
    }
    try {
      ProcessBuilder probe =
          new ProcessBuilder(TRUE, Long.toHexString(TOKEN_BASE + (n & 0x3fffffffL)));
      // not the service manager's to hear from: NotifyAccess=main ignores it, and it has no say
      probe.environment().remove("NOTIFY_SOCKET");
      probe.environment().remove("WATCHDOG_USEC");
      probe.environment().remove("WATCHDOG_PID");
      probe
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.DISCARD)
          .start(); // the JVM's reaper collects it
      fired.incrementAndGet();
    } catch (java.io.IOException e) {
      // no probe this time
    }
  }

  /**
   * When {@code records} are a probe's event: the wall time it was issued at (the stream has passed
   * it); else {@link Long#MIN_VALUE}.
   */
  long returnedAt(List<AuditRecord> records) {
    boolean ours = false;
    String arg = null;
    for (AuditRecord r : records) {
      if (r.type() == dev.fim.auditlink.parse.RecordType.SYSCALL) {
        byte[] k = r.fieldBytes("key");
        ours = k != null && java.util.Arrays.equals(k, key);
      } else if ("EXECVE".equals(r.typeName())) {
        arg = r.field("a1");
      }
    }
    if (!ours || arg == null) {
      return Long.MIN_VALUE;
    }
    long token;
    try {
      token = Long.parseLong(arg, 16);
    } catch (NumberFormatException e) {
      return Long.MIN_VALUE;
    }
    long low = token - TOKEN_BASE;
    if (low < 0 || low > 0x3fffffffL) {
      return Long.MIN_VALUE;
    }
    int slot = (int) (low % RING); // RING divides 2^30: the slot fire() used
    synchronized (issuedNs) {
      if (issuedSeq[slot] != 0 && (issuedSeq[slot] & 0x3fffffffL) == low) {
        returned.incrementAndGet();
        issuedSeq[slot] = 0;
        return issuedNs[slot];
      }
    }
    return Long.MIN_VALUE;
  }

  long fired() {
    return fired.get();
  }

  long returned() {
    return returned.get();
  }
}
