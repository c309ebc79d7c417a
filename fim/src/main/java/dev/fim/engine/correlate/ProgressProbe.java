package dev.fim.engine.correlate;

import dev.fim.auditlink.parse.AuditRecord;
import dev.fim.auditlink.rules.CompiledRule;
import dev.fim.auditlink.rules.RuleCompiler;
import dev.fim.auditlink.rules.RuleSyntaxException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Makes the audit stream move when nothing else does, so a change whose record is missing learns so
 * at once instead of after the whole {@code --correlation-ms} bound (docs/attribution.md, "How long
 * a change waits").
 *
 * <p>fim's own syscalls cannot do it: while fim is the audit pid the kernel never audits the audit
 * daemon (any thread of it). So fim keeps one helper child, {@code /bin/sh -c 'while read t; do
 * kill -0 $t; done'}, and adds one rule of its own, {@code -a always,exit -F arch=b64 -S kill -F
 * ppid=FIM -F key=KEY-progress}. A probe is one line {@code TOKEN} written to the helper's stdin:
 * the shell's builtin {@code kill} makes one {@code kill(TOKEN, 0)} (signal 0 sends nothing; TOKEN
 * is above any pid, so it fails with ESRCH), which the rule audits with TOKEN as {@code a0}. No
 * fork, no exec per probe (the {@code true TOKEN} started per probe before cost ~5 ms of a fork of
 * the JVM). The kernel queues the probe's records at syscall exit behind every record queued before
 * them, so when the listener sees token N come back, every syscall that had ended when probe N was
 * issued has had its records delivered: the stream has passed probe N's issue time.
 *
 * <p>Forgery: a forged marker would end a change's wait before its real record came, so its writer
 * would be named from {@code /proc} or not at all. A marker counts only if (1) the kernel audited
 * it under fim's rule, i.e. the caller's parent is fim (another process cannot make itself fim's
 * child), (2) its pid is the helper fim started (fim's other children, e.g. a package query, do not
 * count) and (3) its {@code a0} is the token of a probe in flight, 22 of whose 31 bits come from
 * {@link SecureRandom} per probe. A helper that dies (killed, or an I/O error) is started again at
 * the next probe; the tokens of the dead one are then never answered (their waits end by the stream
 * or the bound).
 *
 * <p>Thread-safe: any thread fires, the listener's thread reads the records back.
 */
final class ProgressProbe implements AutoCloseable {
  /** Tokens have this bit set: above any pid ({@code pid_max} is at most 2^22), and positive. */
  static final long TOKEN_BASE = 0x40000000L;

  private static final int RING = 256;

  /** The helper: one audited {@code kill(TOKEN, 0)} per line read; ends when fim closes stdin. */
  static final List<String> HELPER =
      List.of("/bin/sh", "-c", "while read t; do kill -0 \"$t\"; done");

  private final byte[] key;
  private final String ruleText;
  private final byte[] ruleBytes;
  private final LongSupplier wallNs;
  private final SecureRandom random = new SecureRandom();
  private final AtomicLong fired = new AtomicLong();
  private final AtomicLong returned = new AtomicLong();
  private final AtomicLong started = new AtomicLong();
  private final AtomicLong foreign = new AtomicLong();

  /** Guarded by this: the helper, its stdin, the line buffer and the ring below. */
  private Process helper;

  private OutputStream helperIn;
  private volatile long helperPid = -1;
  private final byte[] line = new byte[16];
  private long sequence;
  private boolean closed;

  /** Issue time of the probe in flight at [token % RING], and its token: others are ignored. */
  private final long[] issuedNs = new long[RING];

  private final long[] issuedToken = new long[RING];

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
                  "kill",
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
   * Issues one probe: one line to the helper, whose audited {@code kill} says "the stream is here".
   * A probe that cannot be issued (no helper can be started) is not counted: the wait then ends by
   * the stream or the bound.
   */
  synchronized void fire() {
    if (closed) {
      return;
    }
    long n = ++sequence;
    int slot = (int) (n % RING);
    // bits 8..29 random, 0..7 the slot: the answer finds its slot, and only fim knows the token
    long token = TOKEN_BASE | ((long) (random.nextInt() & 0x3fffff) << 8) | slot;
    issuedNs[slot] = wallNs.getAsLong();
    issuedToken[slot] = token;
    int len = digits(token, line);
    for (int attempt = 0; attempt < 2; attempt++) {
      try {
        if (helper == null || !helper.isAlive()) {
          startHelper();
        }
        helperIn.write(line, 0, len);
        helperIn.flush();
        fired.incrementAndGet();
        return;
      } catch (IOException e) {
        stopHelper(); // dead or broken pipe: a fresh helper on the next attempt
      }
    }
    issuedToken[slot] = 0;
  }

  /** Starts the helper now (so the first probe does not pay for it); failures wait for fire(). */
  synchronized void prepare() {
    if (closed || (helper != null && helper.isAlive())) {
      return;
    }
    try {
      startHelper();
    } catch (IOException e) {
      stopHelper();
    }
  }

  private void startHelper() throws IOException {
    stopHelper();
    ProcessBuilder b = new ProcessBuilder(HELPER);
    // not the service manager's to hear from: NotifyAccess=main ignores it, and it has no say
    dev.fim.store.sys.ServiceManagerEnvironment.removeFrom(b.environment());
    b.redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD);
    Process p = b.start();
    helper = p;
    helperIn = p.getOutputStream();
    helperPid = p.pid();
    started.incrementAndGet();
  }

  private void stopHelper() {
    Process p = helper;
    helper = null;
    helperPid = -1;
    if (p != null) {
      try {
        helperIn.close(); // EOF: the shell's loop ends
      } catch (IOException e) {
        // already gone
      }
      p.destroy(); // the JVM's reaper collects it
    }
    helperIn = null;
  }

  /** Writes {@code v} in decimal and a newline into {@code out}; returns the length. */
  static int digits(long v, byte[] out) {
    int n = 0;
    long div = 1;
    while (div <= v / 10) {
      div *= 10;
    }
    for (; div > 0; div /= 10) {
      out[n++] = (byte) ('0' + (v / div) % 10);
    }
    out[n++] = '\n';
    return n;
  }

  /**
   * When {@code records} are a probe's event: the wall time it was issued at (the stream has passed
   * it); else {@link Long#MIN_VALUE}.
   */
  long returnedAt(List<AuditRecord> records) {
    AuditRecord syscall = null;
    for (AuditRecord r : records) {
      if (r.type() == dev.fim.auditlink.parse.RecordType.SYSCALL) {
        if (r.fieldBytesAre("key", key)) { // in place: most events are not probes
          syscall = r;
        }
        break;
      }
    }
    if (syscall == null) {
      return Long.MIN_VALUE;
    }
    long pid = parse(syscall.field("pid"), 10);
    long token = parse(syscall.field("a0"), 16);
    if (pid >= 0 && pid == helperPid && token >= TOKEN_BASE && token <= 0x7fffffffL) {
      int slot = (int) (token % RING);
      synchronized (this) {
        if (issuedToken[slot] == token) {
          returned.incrementAndGet();
          issuedToken[slot] = 0;
          return issuedNs[slot];
        }
      }
    }
    // Not the helper (another child of fim), or no token in flight. Either way only the record's
    // own kernel time shows progress (the caller's fallback), never a probe's issue time: a
    // process that could name a token before fim issued it would otherwise claim a progress the
    // stream had not made. Random tokens make that guess fail; the pid check makes it moot.
    foreign.incrementAndGet();
    return Long.MIN_VALUE;
  }

  private static long parse(String s, int radix) {
    if (s == null) {
      return -1;
    }
    try {
      return Long.parseLong(s, radix);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  long fired() {
    return fired.get();
  }

  long returned() {
    return returned.get();
  }

  /** Records with the progress key that were not an answer of the helper to a probe in flight. */
  long foreign() {
    return foreign.get();
  }

  /** Helpers started so far (1 unless one died and was replaced). */
  long helpersStarted() {
    return started.get();
  }

  /** The running helper's pid, or -1. */
  long helperPid() {
    return helperPid;
  }

  /** The token of the probe in flight with sequence number {@code n} (tests), or 0. */
  synchronized long tokenInFlight() {
    return issuedToken[(int) (sequence % RING)];
  }

  @Override
  public synchronized void close() {
    closed = true;
    stopHelper();
  }
}
