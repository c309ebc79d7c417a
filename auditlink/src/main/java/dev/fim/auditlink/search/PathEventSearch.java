package dev.fim.auditlink.search;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * The events of audit.log files (and rotations) that name one of a set of paths in a time window:
 * the log half of {@code fim check --audit-log}. One streaming pass: files that end before the
 * window are not read, the first file that reaches into it is entered at the window's start (found
 * by a binary search over its byte offsets, less a margin for records out of order), and only lines
 * of the window are looked at. A PATH line is a candidate when its name, folded, is one of the
 * paths, or, relative, ends in one of their last components ({@link PathLineFilter}); only the
 * events of candidate lines are parsed and handed on. Memory: the set of paths and the open events
 * of the grouping window, never the log.
 *
 * <p>The caller still decides which of the events it gets really name a path: a relative name is
 * resolved only with its event's CWD record. Immutable; {@link #run} is single-threaded and may be
 * called again.
 */
public final class PathEventSearch {
  /**
   * Records of one event may be logged this much out of time order (interleaved CPUs); generous.
   */
  static final long SEEK_MARGIN_MILLIS = 10_000;

  private final List<byte[]> paths;
  private final long fromMillis;
  private final long untilMillis;

  /**
   * @param paths absolute paths, folded (no {@code //}, {@code .}, {@code ..}, trailing slash)
   * @param fromMillis earliest event time wanted (inclusive), ms since the epoch
   * @param untilMillis latest event time wanted (inclusive)
   */
  public PathEventSearch(Collection<byte[]> paths, long fromMillis, long untilMillis) {
    if (fromMillis > untilMillis) {
      throw new IllegalArgumentException(
          "start "
              + Instant.ofEpochMilli(fromMillis)
              + " is after end "
              + Instant.ofEpochMilli(untilMillis));
    }
    this.paths = List.copyOf(Objects.requireNonNull(paths, "paths"));
    this.fromMillis = fromMillis;
    this.untilMillis = untilMillis;
  }

  /**
   * One input file.
   *
   * @param file the file
   * @param size its size when looked at
   * @param firstMillis time of its first record, or null if it holds none (or was not readable)
   * @param lastMillis time of its last record, or null
   * @param bytesRead bytes read in the pass (0 when skipped as wholly before the window)
   * @param error why it could not be read ({@code Permission denied}…), or null
   */
  public record FileSpan(
      Path file, long size, Long firstMillis, Long lastMillis, long bytesRead, String error) {}

  /**
   * What a run read and found.
   *
   * @param files every input, in the order given
   * @param bytesRead bytes read over all files
   * @param records record lines read
   * @param candidates events handed to the consumer
   */
  public record Report(List<FileSpan> files, long bytesRead, long records, long candidates) {
    /** The earliest record of the readable files, or null. */
    public Long firstMillis() {
      Long first = null;
      for (FileSpan f : files) {
        if (f.firstMillis() != null && (first == null || f.firstMillis() < first))
          first = f.firstMillis();
      }
      return first;
    }

    /** The latest record of the readable files, or null. */
    public Long lastMillis() {
      Long last = null;
      for (FileSpan f : files) {
        if (f.lastMillis() != null && (last == null || f.lastMillis() > last))
          last = f.lastMillis();
      }
      return last;
    }

    /** The files that could not be read. */
    public List<FileSpan> errors() {
      return files.stream().filter(f -> f.error() != null).toList();
    }
  }

  /**
   * Reads {@code inputs} oldest first ({@link InputFiles#rotations}) and hands each candidate event
   * to {@code out}, in the order the events end in the log. A file that cannot be opened or read is
   * reported in its {@link FileSpan#error()} and the others are still read.
   *
   * @throws IOException only from {@code out}
   */
  public Report run(List<Path> inputs, EventConsumer out) throws IOException {
    PathLineFilter filter = new PathLineFilter(paths, fromMillis, untilMillis);
    boolean[] consumerFailed = {false};
    EventConsumer guarded =
        e -> {
          try {
            out.accept(e);
          } catch (IOException x) {
            consumerFailed[0] = true; // the caller's failure, not the log's: it ends the run
            throw x;
          }
        };
    EventGrouper grouper = new EventGrouper(PathLineFilter.HIT, e -> true, guarded);
    LogScanner scanner = new LogScanner(filter, grouper, LogScanner.BLOCK);
    List<FileSpan> spans = new ArrayList<>(inputs.size());
    for (Path p : inputs) {
      long size;
      long first;
      long last;
      long start = 0;
      try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
        size = ch.size();
        first = LogSpan.firstTimeAfter(ch, 0, size);
        last = LogSpan.lastTime(ch, size);
        if (first != LogSpan.NONE && first < fromMillis - SEEK_MARGIN_MILLIS) {
          start = LogSpan.offsetOf(ch, size, fromMillis - SEEK_MARGIN_MILLIS);
        }
      } catch (IOException e) {
        spans.add(new FileSpan(p, 0, null, null, 0, InputFiles.reason(e)));
        continue;
      }
      Long firstOrNull = first == LogSpan.NONE ? null : first;
      Long lastOrNull = last == LogSpan.NONE ? null : last;
      if (last != LogSpan.NONE && last < fromMillis - SEEK_MARGIN_MILLIS) {
        spans.add(
            new FileSpan(p, size, firstOrNull, lastOrNull, 0, null)); // wholly before the window
        continue;
      }
      long before = scanner.bytes;
      String error = null;
      try {
        scanner.scan(p, start);
      } catch (IOException e) {
        if (consumerFailed[0]) {
          throw e;
        }
        error = InputFiles.reason(e);
      }
      spans.add(new FileSpan(p, size, firstOrNull, lastOrNull, scanner.bytes - before, error));
    }
    grouper.finishAll();
    return new Report(List.copyOf(spans), scanner.bytes, scanner.records, grouper.matched);
  }
}
