package dev.fim.store;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
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
 * The record codec (not a test: run with {@code bench/jmh.sh store ChangeEventCodecBench}): {@link
 * ChangeEventCodec} and {@link FileRecordCodec} encoding and decoding {@value #N} events shaped
 * like {@code fim report}'s benchmark history (SyntheticHistory: updates with two file records, an
 * actor with arguments, three attribute changes; some creates, deletes, moves and check findings).
 * Scores are per event (or per file record), so a million-event report's decode costs about a
 * million times {@code decodeEvent}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ChangeEventCodecBench {
  static final int N = 1024;

  private List<ChangeEvent> events;
  private byte[][] stored;
  private List<FileRecord> records;
  private byte[][] storedRecords;

  @Setup(Level.Trial)
  public void fill() {
    events = sample(N, 18);
    stored = new byte[N][];
    records = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      stored[i] = ChangeEventCodec.encode(events.get(i));
      FileRecord r = events.get(i).after() != null ? events.get(i).after() : events.get(i).before();
      records.add(r); // every sampled event has a record (no overflow events)
    }
    storedRecords = new byte[records.size()][];
    for (int i = 0; i < records.size(); i++) {
      storedRecords[i] = FileRecordCodec.encode(records.get(i));
    }
  }

  @Benchmark
  @OperationsPerInvocation(N)
  public void encodeEvent(Blackhole bh) {
    for (ChangeEvent e : events) {
      bh.consume(ChangeEventCodec.encode(e));
    }
  }

  @Benchmark
  @OperationsPerInvocation(N)
  public void decodeEvent(Blackhole bh) {
    for (byte[] s : stored) {
      bh.consume(ChangeEventCodec.decode(s));
    }
  }

  @Benchmark
  @OperationsPerInvocation(N)
  public void encodeFileRecord(Blackhole bh) {
    for (FileRecord r : records) {
      bh.consume(FileRecordCodec.encode(r));
    }
  }

  @Benchmark
  @OperationsPerInvocation(N)
  public void decodeFileRecord(Blackhole bh) {
    for (byte[] s : storedRecords) {
      bh.consume(FileRecordCodec.decode(s));
    }
  }

  /**
   * {@code n} events in SyntheticHistory's mix (cli tests; repeated here because the store's tests
   * cannot see the cli's).
   */
  static List<ChangeEvent> sample(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    String[] dirs = {"/etc", "/etc/ssh", "/usr/bin", "/usr/lib/x86_64-linux-gnu", "/var/www/html"};
    List<ChangeEvent> out = new ArrayList<>(n);
    long t = 1_764_000_000_000_000_000L;
    for (int i = 0; i < n; i++) {
      t += 1_000_000_000L + r.nextInt(1_000_000);
      PathBytes path =
          PathBytes.ofUtf8(dirs[r.nextInt(dirs.length)] + "/file-" + r.nextInt(20_000) + ".conf");
      int a = r.nextInt(100);
      Action action =
          a < 60
              ? Action.UPDATED
              : a < 75
                  ? Action.CREATED
                  : a < 85 ? Action.DELETED : a < 95 ? Action.ATTRIBUTES_MODIFIED : Action.MOVED;
      FileRecord before = action == Action.CREATED ? null : record(r, t - 86_400_000_000_000L);
      FileRecord after = action == Action.DELETED ? null : record(r, t);
      List<AttributeChange> changes = new ArrayList<>();
      if (before != null && after != null) {
        changes.add(
            new AttributeChange(
                "content",
                "xxh3_128:" + before.digests().get(0).hex(),
                "xxh3_128:" + after.digests().get(0).hex()));
        changes.add(
            new AttributeChange("size", Long.toString(before.size()), Long.toString(after.size())));
        changes.add(
            new AttributeChange("mtime", Long.toString(before.mtimeNs()), Long.toString(t)));
      }
      PathBytes old =
          action == Action.MOVED ? PathBytes.ofUtf8(path.display() + ".dpkg-new") : null;
      if (r.nextInt(10) < 2) {
        out.add(
            new ChangeEvent(
                t,
                i + 1,
                action,
                path,
                old,
                after,
                before,
                changes,
                Origin.CHECK,
                Attribution.NONE,
                "fim check compares states; it does not observe writers"));
        continue;
      }
      Actor actor =
          new Actor(
              1001L,
              "alice",
              0L,
              "root",
              1000 + r.nextInt(60000),
              900 + r.nextInt(1000),
              "/usr/bin/vim.basic",
              "vim",
              List.of("vim", path.display()),
              (long) (1 + r.nextInt(50)),
              "pts/" + r.nextInt(4));
      out.add(
          new ChangeEvent(
              t,
              i + 1,
              action,
              path,
              old,
              after,
              before,
              changes,
              Origin.WATCH,
              Attribution.AUDIT,
              null,
              null,
              actor));
    }
    return out;
  }

  private static FileRecord record(SplittableRandom r, long mtime) {
    byte[] h = new byte[16];
    r.nextBytes(h);
    return new FileRecord(
        FileType.FILE,
        0644,
        0,
        0,
        r.nextInt(200_000),
        8,
        mtime,
        mtime,
        2049,
        100_000 + r.nextInt(1_000_000),
        1,
        null,
        null,
        List.of(new Digest(HashAlgorithm.XXH3_128, h)),
        0x1ffffL,
        null);
  }
}
