package dev.fim.engine.correlate;

import dev.fim.auditlink.interpret.AccountSource;
import dev.fim.auditlink.interpret.Interpreter;
import dev.fim.auditlink.parse.AuditRecord;
import dev.fim.auditlink.parse.RecordParser;
import java.nio.charset.StandardCharsets;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The watch's audit listener per event (not a test: run with {@code bench/jmh.sh fim
 * AuditDecodeBench -prof gc}): the netlink payloads of one writer's {@code openat} (SYSCALL, CWD,
 * two PATH, PROCTITLE, as the kernel sends them for fim's rules) parsed into records and decoded
 * into the {@link AuditedChange} the index keeps. C1 only, as {@code fim watch} runs.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-XX:TieredStopAtLevel=1"})
public class AuditDecodeBench {
  static final int N = 1024;

  private int[][] types;
  private byte[][][] payloads;
  private final RecordParser parser = new RecordParser();
  private ChangeDecoder decoder;

  @Setup
  public void setUp() {
    decoder = new ChangeDecoder("fim-watch", new Interpreter(AccountSource.system()));
    types = new int[N][];
    payloads = new byte[N][][];
    for (int k = 0; k < N; k++) {
      String hdr = "audit(1765000000." + (k % 1000) + ":" + (1000 + k) + "): ";
      String file = "/var/tmp/fim-bench/watch-20000/d12/f" + k + ".txt";
      types[k] = new int[] {1300, 1307, 1302, 1302, 1327};
      String[] text = {
        hdr
            + "arch=c000003e syscall=257 success=yes exit=3 a0=ffffff9c a1=7f12345678 a2=241"
            + " a3=1b6 items=2 ppid=4242 pid="
            + (5000 + k % 2)
            + " auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none)"
            + " ses=4294967295 comm=\"python3\" exe=\"/usr/bin/python3.11\" subj=unconfined"
            + " key=\"fim-watch\"",
        hdr + "cwd=\"/var/tmp/fim-bench\"",
        hdr
            + "item=0 name=\"/var/tmp/fim-bench/watch-20000/d12/\" inode=123456 dev=fd:01"
            + " mode=040755 ouid=0 ogid=0 rdev=00:00 nametype=PARENT cap_fp=0 cap_fi=0 cap_fe=0"
            + " cap_fver=0 cap_frootid=0",
        hdr
            + "item=1 name=\""
            + file
            + "\" inode="
            + (200000 + k)
            + " dev=fd:01 mode=0100644 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0"
            + " cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0",
        hdr
            + "proctitle=707974686F6E33002F776F726B2F62656E63682F77617463685F6472697665722E7079"
            + "007772697465",
      };
      payloads[k] = new byte[text.length][];
      for (int r = 0; r < text.length; r++) {
        payloads[k][r] = text[r].getBytes(StandardCharsets.ISO_8859_1);
      }
    }
  }

  @Benchmark
  @OperationsPerInvocation(N)
  public void parseAndDecode(Blackhole bh) {
    for (int k = 0; k < N; k++) {
      List<AuditRecord> records = new ArrayList<>(5);
      for (int r = 0; r < types[k].length; r++) {
        byte[] p = payloads[k][r];
        records.add(parser.parseNetlink(types[k][r], p, 0, p.length));
      }
      bh.consume(decoder.decode(records, k));
    }
  }
}
