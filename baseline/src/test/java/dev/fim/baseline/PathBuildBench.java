package dev.fim.baseline;

import dev.fim.store.PathBytes;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The scan's path building, once per listed entry (not a test: run with {@code bench/jmh.sh
 * baseline PathBuildBench}): {@code resolve} is what {@link ScanWorker} does for each name the
 * listing returns ({@link PathBytes#resolve} of the directory's path and the name), {@code
 * resolveAndKey} adds what {@link dev.fim.store.RecordWriter#put} does with the result (the RocksDB
 * key bytes). The directory path is {@code depth} components of 8 bytes under {@code
 * /var/tmp/fim-bench/tree-100000} (bench/mktree.sh's names are of that size); the name is 12 bytes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PathBuildBench {
  @Param({"2", "8"})
  public int depth;

  private PathBytes dir;
  private final byte[] name = "f0001234.dat".getBytes(StandardCharsets.US_ASCII);

  @Setup
  public void path() {
    StringBuilder p = new StringBuilder("/var/tmp/fim-bench/tree-100000");
    for (int i = 0; i < depth; i++) {
      p.append("/d").append(String.format("%06d", i));
    }
    dir = PathBytes.ofUtf8(p.toString());
  }

  @Benchmark
  public PathBytes resolve() {
    return dir.resolve(name);
  }

  @Benchmark
  public byte[] resolveAndKey() {
    return dir.resolve(name).toBytes();
  }
}
