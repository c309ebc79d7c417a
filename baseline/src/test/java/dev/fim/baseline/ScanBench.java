package dev.fim.baseline;

import dev.fim.store.FileRecord;
import dev.fim.store.PathBytes;
import java.util.concurrent.atomic.LongAdder;

/**
 * Throughput of a scan (not a test: timings never go in assertions). Usage: {@code java -cp …
 * dev.fim.baseline.ScanBench ROOT [THREADS] [RUNS] [xxh3|sha256]}; the first run warms the page
 * cache and the JIT and is reported separately.
 */
public final class ScanBench {
  public static void main(String[] args) throws Exception {
    PathBytes root = PathBytes.ofUtf8(args[0]);
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 0;
    int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    AttributeSet set = TestSelector.DEFAULT;
    if (args.length > 3 && args[3].equals("sha256")) {
      set = set.without(Attribute.XXH3).with(Attribute.SHA256);
    }
    for (int i = 0; i <= runs; i++) {
      LongAdder records = new LongAdder();
      ScanSummary s =
          new Scanner(ScanSettings.defaults().withThreads(threads))
              .scan(
                  TestSelector.all(set, root),
                  new ScanSink() {
                    @Override
                    public void record(PathBytes path, FileRecord record) {
                      records.increment();
                    }

                    @Override
                    public void problem(ScanProblem p) {
                      System.err.println(p.kind() + " " + p.message());
                    }
                  });
      double sec = s.elapsed().toNanos() / 1e9;
      System.out.printf(
          "%s run %d: %d files %d dirs, %.3f GB hashed in %.3f s: %.0f files/s, %.2f GB/s, %d problems%n",
          i == 0 ? "warm-up" : "measured",
          i,
          s.files(),
          s.directories(),
          s.bytesHashed() / 1e9,
          sec,
          (s.files() + s.directories()) / sec,
          s.bytesHashed() / 1e9 / sec,
          s.problems());
    }
  }
}
