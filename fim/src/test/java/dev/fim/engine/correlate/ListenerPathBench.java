package dev.fim.engine.correlate;

import dev.fim.auditlink.interpret.AccountSource;
import dev.fim.auditlink.interpret.Interpreter;
import dev.fim.auditlink.parse.AuditRecord;
import dev.fim.auditlink.parse.RecordParser;
import dev.fim.auditlink.reassembly.EventStream;
import dev.fim.auditlink.reassembly.Reassembler;
import dev.fim.auditlink.reassembly.ReassemblySettings;
import dev.fim.auditlink.reassembly.Ticker;
import dev.fim.auditlink.rules.RuleCompiler;
import dev.fim.auditlink.rules.RuleSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The watch's audit listener thread per change, from the datagrams to the decoded change (not a
 * test: {@code bench/jmh.sh fim ListenerPathBench -prof gc}; C1 only, as {@code fim watch} runs).
 * What {@code AuditListener}'s loop and {@code AuditAttributor.accept} do per datagram after {@code
 * recvfrom}: {@link RecordParser#parseNetlink} of the payload after the 16-byte {@code nlmsghdr},
 * {@link Reassembler#push} (the event leaves on its EOE), then {@link ProgressProbe#returnedAt} and
 * {@link ChangeDecoder#decode}; with {@code index=true} also {@link RecentChanges#add} (the index
 * the comparator joins with).
 *
 * <p>The records are a real capture's (kernel 6.18, {@code src/test/resources/auditlog/edits.log},
 * auditd's enriched section dropped, as the netlink payload has none) followed by the kernel's EOE:
 * {@code append} is serial 4034638, a shell's {@code >>} on an existing file (openat with {@code
 * O_WRONLY|O_CREAT|O_APPEND}: SYSCALL, CWD, one PATH, PROCTITLE, EOE; the bench's paced change is
 * this shape, 5 datagrams), {@code create} is serial 4034640, a new file (two PATH items, 6
 * datagrams). Each of the {@link #N} changes names another file of one directory and has its own
 * serial, as a paced run over a tree does; one process makes them all, as the bench's driver.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-XX:TieredStopAtLevel=1"})
public class ListenerPathBench {
  static final int N = 2000;

  /** include/uapi/linux/audit.h: AUDIT_EOE. */
  static final int EOE = 1320;

  @Param({"append", "create"})
  public String shape;

  @Param({"false"})
  public boolean index;

  private int[][] types;
  private byte[][][] datagrams;
  private final RecordParser parser = new RecordParser();
  private ChangeDecoder decoder;
  private ProgressProbe probe;
  private RecentChanges recent;
  private Blackhole sink;
  private final EventStream stream =
      new EventStream() {
        @Override
        public void reassemblyComplete(List<AuditRecord> records) {
          accept(records);
        }

        @Override
        public void eventsLost(long count) {
          throw new IllegalStateException("lost " + count);
        }
      };

  @Setup
  public void setUp() throws Exception {
    decoder = new ChangeDecoder("fimcapture", new Interpreter(AccountSource.system()));
    probe =
        new ProgressProbe(
            "fimcapture",
            new RuleCompiler(RuleSettings.host()),
            ProcessHandle.current().pid(),
            ListenerPathBench::wallClockNs);
    recent = new RecentChanges(new ChangeIndex(Duration.ofSeconds(30).toNanos(), 65_536), () -> 0L);
    String serial = shape.equals("append") ? "4034638" : "4034640";
    List<String> template = records(serial);
    types = new int[N][];
    datagrams = new byte[N][][];
    long seconds = System.currentTimeMillis() / 1000;
    for (int k = 0; k < N; k++) {
      String header = "audit(" + seconds + "." + String.format("%03d", k % 1000) + ":" + (1000 + k);
      List<String> texts = new ArrayList<>();
      List<Integer> ts = new ArrayList<>();
      for (String line : template) {
        int type = typeOf(line);
        String body = line.substring(line.indexOf("): ") + 1);
        // another file of the same directory per change, as a paced run over a tree
        body =
            body.replace("/etc/locked\"", "/etc/f" + k + "\"")
                .replace("/etc/abs\"", "/etc/f" + k + "\"");
        texts.add(header + ")" + body);
        ts.add(type);
      }
      texts.add(header + "): ");
      ts.add(EOE);
      types[k] = ts.stream().mapToInt(Integer::intValue).toArray();
      datagrams[k] = new byte[texts.size()][];
      for (int r = 0; r < texts.size(); r++) {
        byte[] payload = texts.get(r).getBytes(StandardCharsets.ISO_8859_1);
        byte[] d = new byte[16 + payload.length];
        System.arraycopy(payload, 0, d, 16, payload.length);
        datagrams[k][r] = d;
      }
    }
  }

  /**
   * The records of one serial in edits.log, as {@code type=T msg=audit(…): body}, enriched part
   * cut.
   */
  static List<String> records(String serial) throws IOException {
    try (InputStream in = ListenerPathBench.class.getResourceAsStream("/auditlog/edits.log")) {
      if (in == null) {
        throw new UncheckedIOException(new IOException("no /auditlog/edits.log on the class path"));
      }
      String log = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      List<String> out = new ArrayList<>();
      for (String line : log.split("\n")) {
        if (line.contains(":" + serial + "): ")) {
          int sep = line.indexOf('\u001d');
          out.add(sep < 0 ? line : line.substring(0, sep));
        }
      }
      if (out.isEmpty()) {
        throw new IllegalStateException("no records of serial " + serial);
      }
      return out;
    }
  }

  private static int typeOf(String line) {
    String name = line.substring(5, line.indexOf(' '));
    return switch (name) {
      case "SYSCALL" -> 1300;
      case "CWD" -> 1307;
      case "PATH" -> 1302;
      case "PROCTITLE" -> 1327;
      default -> throw new IllegalStateException("unexpected record " + name);
    };
  }

  /** {@code AuditAttributor.accept}, as the listener's thread runs it. */
  private void accept(List<AuditRecord> records) {
    long now = wallClockNs();
    long probed = probe.returnedAt(records);
    if (probed != Long.MIN_VALUE) {
      throw new IllegalStateException("a probe");
    }
    AuditedChange c = decoder.decode(records, now);
    if (c == null) {
      throw new IllegalStateException("not decoded: " + records);
    }
    if (index) {
      recent.add(c);
    }
    sink.consume(c);
  }

  private static long wallClockNs() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  @Benchmark
  @OperationsPerInvocation(N)
  public void change(Blackhole bh) {
    sink = bh;
    // Serials restart with each invocation: a fresh reassembler, as after a listener's start.
    Reassembler reassembler = newReassembler();
    for (int k = 0; k < N; k++) {
      one(reassembler, k);
    }
  }

  private Reassembler newReassembler() {
    return new Reassembler(
        new ReassemblySettings(1000, Duration.ofMillis(150), Duration.ofMillis(100)),
        Ticker.system(),
        stream);
  }

  private static final long PAUSE_NS = Long.getLong("pause.ns", 1_000_000);
  private static final boolean SPIN = Boolean.getBoolean("pause.spin");

  private static void pause() {
    if (!SPIN) {
      java.util.concurrent.locks.LockSupport.parkNanos(PAUSE_NS);
      return;
    }
    long end = System.nanoTime() + PAUSE_NS;
    while (System.nanoTime() < end) {
      Thread.onSpinWait();
    }
  }

  /** The datagrams of change k, as the listener's loop handles them. */
  private void one(Reassembler reassembler, int k) {
    byte[][] d = datagrams[k];
    int[] t = types[k];
    for (int r = 0; r < d.length; r++) {
      AuditRecord rec = parser.parseNetlink(t[r], d[r], 16, d[r].length - 16);
      reassembler.push(rec);
    }
  }

  /**
   * The same loop timed by the thread's CPU clock, which a loaded host disturbs less than JMH's
   * wall clock: {@code java -XX:TieredStopAtLevel=1 -cp …
   * dev.fim.engine.correlate.ListenerPathBench [append|create] [ROUNDS]} prints the median and the
   * best of ROUNDS rounds of {@link #N} changes (after as many rounds of warm-up), in ns of CPU per
   * change.
   */
  public static void main(String[] args) throws Exception {
    ListenerPathBench b = new ListenerPathBench();
    b.shape = args.length > 0 ? args[0] : "append";
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    b.setUp();
    Blackhole bh =
        new Blackhole(
            "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    for (int r = 0; r < rounds; r++) {
      b.change(bh);
    }
    long[] ns = new long[rounds];
    for (int r = 0; r < rounds; r++) {
      long t0 = mx.getCurrentThreadCpuTime();
      b.change(bh);
      ns[r] = (mx.getCurrentThreadCpuTime() - t0) / N;
    }
    java.util.Arrays.sort(ns);
    System.out.print("cpu_ns_per_change median " + ns[rounds / 2] + " best " + ns[0]);
    if (args.length > 2 && args[2].equals("paced")) {
      // One change a millisecond, as the paced bench makes them: the listener's data and code
      // go cold in the caches between two changes. CPU of the changes alone, less the clock's own.
      b.sink = bh;
      long clock = Long.MAX_VALUE;
      for (int i = 0; i < 1000; i++) {
        long t0 = mx.getCurrentThreadCpuTime();
        clock = Math.min(clock, mx.getCurrentThreadCpuTime() - t0);
      }
      Reassembler reassembler = b.newReassembler();
      long total = 0;
      for (int k = 0; k < N; k++) {
        pause();
        long t0 = mx.getCurrentThreadCpuTime();
        b.one(reassembler, k);
        total += mx.getCurrentThreadCpuTime() - t0 - clock;
      }
      System.out.print(" paced " + total / N);
    }
    System.out.println();
    bh.evaporate("Yes, I am Stephen Hawking, and know a thing or two about black holes.");
  }
}
