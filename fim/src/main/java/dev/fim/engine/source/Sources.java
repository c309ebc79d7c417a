package dev.fim.engine.source;

import dev.fim.engine.fanotify.FanotifySource;
import dev.fim.engine.inotify.InotifySource;
import dev.fim.store.PathBytes;
import dev.fim.store.sys.NativeException;
import java.util.List;
import java.util.function.Predicate;

/**
 * The fallback chain: fanotify with filesystem marks when the kernel and our capabilities allow it,
 * else inotify. The reason fanotify was not used is kept, so the start-up line can say it.
 */
public final class Sources {
  private Sources() {}

  /** Which backend to use. */
  public enum Backend {
    /** fanotify, falling back to inotify. */
    AUTO,
    /** fanotify only: fail rather than fall back. */
    FANOTIFY,
    /** inotify even where fanotify works (tests, filesystems whose events fanotify misses). */
    INOTIFY
  }

  /**
   * The opened source and, when {@link Backend#AUTO} fell back to inotify, why.
   *
   * @param fallbackReason fanotify's error, or null
   */
  public record Opened(ChangeSource source, String fallbackReason) {}

  /**
   * Opens a source on {@code roots}.
   *
   * @param descend which directories inotify watches (the selection's pruning); fanotify sees whole
   *     filesystems
   * @param ownDirs fim's own directories (its database): fanotify is asked not to queue the content
   *     writes of their files when they lie outside the roots ({@link FanotifySource#open(List,
   *     List)}); inotify never watches them
   * @throws NativeException the backend asked for (or both, for AUTO) could not watch the roots;
   *     for AUTO the message carries both reasons
   */
  public static Opened open(
      Backend backend, List<PathBytes> roots, Predicate<PathBytes> descend, List<PathBytes> ownDirs)
      throws NativeException {
    if (backend == Backend.INOTIFY) {
      return new Opened(InotifySource.open(roots, descend), null);
    }
    try {
      return new Opened(FanotifySource.open(roots, ownDirs), null);
    } catch (NativeException e) {
      if (backend == Backend.FANOTIFY) {
        throw e;
      }
      try {
        return new Opened(InotifySource.open(roots, descend), e.getMessage());
      } catch (NativeException ie) {
        ie.addSuppressed(e);
        throw ie;
      }
    }
  }
}
