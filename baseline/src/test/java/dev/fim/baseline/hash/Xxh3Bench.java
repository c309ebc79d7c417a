package dev.fim.baseline.hash;

import com.kenai.jffi.MemoryIO;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import net.openhft.hashing.LongTupleHashFunction;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * XXH3-128 over native memory, the scan's inner loop (not a test: run with {@code bench/jmh.sh
 * baseline Xxh3Bench}). {@code stream} is fim's {@link Xxh3Stream} over a native buffer, as {@link
 * ContentHasher} feeds it from {@code pread}; {@code system} is the system's libxxhash ({@link
 * LibXxhash}, what {@link ContentHasher} uses when present); {@code library} is
 * zero-allocation-hashing's xx128 over the same native bytes in one contiguous range, the reference
 * it is checked against in {@code XxhStreamTest}. Both report bytes/s through the size parameter:
 * divide {@code size} by the score.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class Xxh3Bench {
  private static final MemoryIO IO = MemoryIO.getInstance();
  private static final LongTupleHashFunction XXH128 = LongTupleHashFunction.xx128();

  @Param({"256", "1024", "4096", "65536", "1048576"})
  public int size;

  private long address;
  private final Xxh3Stream stream = new Xxh3Stream();
  private final long[] result = XXH128.newResultArray();
  private final LibXxhash system = LibXxhash.load();

  @Setup(Level.Trial)
  public void fill() {
    byte[] bytes = new byte[size];
    new SplittableRandom(18).nextBytes(bytes);
    address = IO.allocateMemory(size, false);
    IO.putByteArray(address, bytes, 0, size);
  }

  @TearDown(Level.Trial)
  public void free() {
    IO.freeMemory(address);
  }

  @Benchmark
  public long[] stream() {
    stream.reset();
    return stream.finish(address, size);
  }

  /** The system's libxxhash (SIMD), one call over the whole range, through jffi. */
  @Benchmark
  public long[] system() {
    system.hash(address, size, result);
    return result;
  }

  @Benchmark
  public long[] library() {
    XXH128.hashMemory(address, size, result);
    return result;
  }
}
