package dev.fim.baseline;

import dev.fim.store.FileType;
import dev.fim.store.PathBytes;

/**
 * A unit of work for the scan's workers. Immutable records (a chunk's arrays are never changed
 * after hand-off).
 */
sealed interface Task {
  /** A root of the selection: lstat, record, and list it if it is a directory to descend. */
  record Root(PathBytes path) implements Task {}

  /**
   * A subdirectory to open beneath {@code anchor}'s fd by {@code relPath} and list; holds one
   * reference on {@code anchor}, taken over by the handle of the opened directory (see {@link
   * DirHandle}).
   */
  record Dir(DirHandle anchor, byte[] relPath, PathBytes path) implements Task {}

  /**
   * Up to {@code count} listed names of one directory, to lstat, record and hash; holds one
   * reference on {@code dir}, released by whoever processes the chunk.
   */
  record Chunk(DirHandle dir, byte[][] names, FileType[] types, int count) implements Task {}
}
