package dev.fim.engine.correlate;

import dev.fim.auditlink.parse.AuditRecord;
import dev.fim.auditlink.rules.CompiledRule;
import dev.fim.auditlink.rules.RuleCompiler;
import dev.fim.auditlink.rules.RuleSyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import jnr.ffi.LibraryLoader;

/**
 * Makes the audit stream move when nothing else does, so a change whose record is missing learns so
 * at once instead of after the whole {@code --correlation-ms} bound (docs/attribution.md, "How long
 * a change waits"). fim adds one rule of its own, {@code -a always,exit -F arch=b64 -S getpgid -F
 * pid=FIM -F key=KEY-progress}, and a probe is one {@code getpgid(TOKEN)} call by fim itself, where
 * TOKEN (above any pid, so the call fails with ESRCH and changes nothing) numbers the probe. The
 * kernel queues the probe's record at syscall exit behind every record queued before it, so when
 * the listener sees token N come back, every syscall that had exited when probe N was issued has
 * had its records delivered: the stream has passed probe N's issue time.
 *
 * <p>Thread-safe: any thread fires, the listener's thread reads the records back.
 */
final class ProgressProbe {
  /** Tokens start here: above PID_MAX_LIMIT (2^22), so getpgid fails with ESRCH. */
  static final long TOKEN_BASE = 0x40000000L;

  private static final int RING = 256;

  /** Public only because jnr-ffi implements it in its own class loader. */
  public interface LibC {
    int getpgid(int pid);
  }

  private static volatile LibC libc;

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
                  "getpgid",
                  "-F",
                  "pid=" + pid,
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

  /** Issues one probe: a failing getpgid whose audit record says "the stream is here". */
  void fire() {
    long n = sequence.incrementAndGet();
    int slot = (int) (n % RING);
    synchronized (issuedNs) {
      issuedNs[slot] = wallNs.getAsLong();
      issuedSeq[slot] = n;
    }
    fired.incrementAndGet();
    libc().getpgid((int) (TOKEN_BASE + (n & 0x3fffffffL)));
  }

  /**
   * When {@code records} are a probe's event: the wall time it was issued at (the stream has passed
   * it); else {@link Long#MIN_VALUE}.
   */
  long returnedAt(List<AuditRecord> records) {
    for (AuditRecord r : records) {
      if (r.type() != dev.fim.auditlink.parse.RecordType.SYSCALL) {
        continue;
      }
      byte[] k = r.fieldBytes("key");
      if (k == null || !java.util.Arrays.equals(k, key)) {
        return Long.MIN_VALUE;
      }
      String a0 = r.field("a0");
      long token;
      try {
        token = a0 == null ? -1 : Long.parseLong(a0, 16);
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
    return Long.MIN_VALUE;
  }

  long fired() {
    return fired.get();
  }

  long returned() {
    return returned.get();
  }

  private static LibC libc() {
    LibC l = libc;
    if (l == null) {
      l = LibraryLoader.create(LibC.class).load("c");
      libc = l;
    }
    return l;
  }
}
