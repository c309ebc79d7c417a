package dev.fim.engine.output;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.fim.store.Action;
import dev.fim.store.Actor;
import dev.fim.store.AttributeChange;
import dev.fim.store.Attribution;
import dev.fim.store.ChangeEvent;
import dev.fim.store.Digest;
import dev.fim.store.FileRecord;
import dev.fim.store.FileType;
import dev.fim.store.HashAlgorithm;
import dev.fim.store.Origin;
import dev.fim.store.PathBytes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
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
 * The event JSON and its text twin (not a test: run with {@code bench/jmh.sh fim EventJsonBench}),
 * per event, over {@value #N} events shaped like an attributed watch update (two file records with
 * an XXH3-128, an actor with arguments, three changed attributes): {@code toJson} is the String per
 * event the syslog, journal and ship sinks take; {@code line} is {@link
 * EventJson#write(ChangeEvent, Writer)} (a generator per line, as the JSON-lines sink and {@code
 * fim history} write); {@code generator} writes every event to one open generator over a byte
 * buffer, as {@code fim check}'s JSON does; {@code bytes} writes them into fim's own byte sink, as
 * {@code fim report --format json} does.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EventJsonBench {
  static final int N = 1024;
  private static final JsonFactory FACTORY = new JsonFactory();

  private List<ChangeEvent> events;
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 20);

  @Setup(Level.Trial)
  public void fill() {
    events = sample(N, 18);
  }

  @Benchmark
  @OperationsPerInvocation(N)
  public void toJson(Blackhole bh) {
    for (ChangeEvent e : events) {
      bh.consume(EventJson.toJson(e));
    }
  }

  @Benchmark
  @OperationsPerInvocation(N)
  public int line() throws IOException {
    bytes.reset();
    Writer w = new OutputStreamWriter(bytes, StandardCharsets.UTF_8);
    for (ChangeEvent e : events) {
      EventJson.write(e, w);
      w.write('\n');
    }
    w.flush();
    return bytes.size();
  }

  @Benchmark
  @OperationsPerInvocation(N)
  public int generator() throws IOException {
    bytes.reset();
    try (JsonGenerator g = FACTORY.createGenerator(bytes)) {
      g.writeStartArray();
      for (ChangeEvent e : events) {
        EventJson.write(e, g);
      }
      g.writeEndArray();
    }
    return bytes.size();
  }

  /**
   * What a JSON report's render thread does per batch ({@link JsonBytes}, fim's byte sink, in one
   * array sized for the batch; the report adds each event's approval).
   */
  @Benchmark
  @OperationsPerInvocation(N)
  public int bytes() throws IOException {
    JsonBytes out = new JsonBytes(1152 * N);
    for (ChangeEvent e : events) {
      out.raw(",\n");
      EventJson.write(e, out);
    }
    return out.length();
  }

  /**
   * The text twin, {@link EventText#lineWithWho}: a String per event, as {@code fim history} and
   * the text sink write it (a text report appends the same characters into one builder per batch).
   */
  @Benchmark
  @OperationsPerInvocation(N)
  public void textLine(Blackhole bh) {
    for (ChangeEvent e : events) {
      bh.consume(EventText.lineWithWho(e));
    }
  }

  private static List<ChangeEvent> sample(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    String[] dirs = {"/etc", "/etc/ssh", "/usr/bin", "/usr/lib/x86_64-linux-gnu", "/var/www/html"};
    List<ChangeEvent> out = new ArrayList<>(n);
    long t = 1_764_000_000_000_000_000L;
    for (int i = 0; i < n; i++) {
      t += 1_000_000_000L + r.nextInt(1_000_000);
      PathBytes path =
          PathBytes.ofUtf8(dirs[r.nextInt(dirs.length)] + "/file-" + r.nextInt(20_000) + ".conf");
      FileRecord before = record(r, t - 86_400_000_000_000L);
      FileRecord after = record(r, t);
      List<AttributeChange> changes =
          List.of(
              new AttributeChange(
                  "content",
                  "xxh3_128:" + before.digests().get(0).hex(),
                  "xxh3_128:" + after.digests().get(0).hex()),
              new AttributeChange(
                  "size", Long.toString(before.size()), Long.toString(after.size())),
              new AttributeChange("mtime", Long.toString(before.mtimeNs()), Long.toString(t)));
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
              Action.UPDATED,
              path,
              null,
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
