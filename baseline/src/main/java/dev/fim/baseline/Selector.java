package dev.fim.baseline;

import dev.fim.store.FileType;
import dev.fim.store.PathBytes;
import java.util.List;

/**
 * Decides which paths are scanned and with which attributes: the compiled form of the config's
 * selection lines. Implementations are immutable and thread-safe (the walker calls them from every
 * worker thread).
 */
public interface Selector {
  /**
   * The attributes to capture for {@code path}, or null when the path is not selected. {@code type}
   * lets rules restricted to a file type decide.
   */
  AttributeSet select(PathBytes path, FileType type);

  /**
   * Whether the walk must look inside directory {@code dir}: false only when no rule can select
   * anything below it (e.g. {@code !/proc}), so the walker prunes the whole subtree.
   */
  boolean descend(PathBytes dir);

  /**
   * The directories the walk starts from (the selection's literal prefixes, or the command-line
   * paths).
   */
  List<PathBytes> roots();

  /**
   * True when {@code root} (one of {@link #roots()}) comes from the config's rules alone, so that
   * its absence is no problem: aide walks from / and a rule whose directory does not exist simply
   * never matches (e.g. {@code /usr|/opt}, whose node is {@code /usr|}). A path someone named on
   * the command line is not optional: its absence is reported.
   */
  default boolean optionalRoot(PathBytes root) {
    return false;
  }
}
