package dev.fim.engine.fanotify;

/**
 * The next stage, as the fanotify reader sees it. Called on the reader's thread, in the kernel's
 * order; a slow implementation slows the reader and lets the kernel queue overflow (16384 events by
 * default), which then arrives here as {@link #overflow()}.
 */
public interface FanotifyStream {
  /** One decoded event. */
  void event(FanotifyEvent e);

  /**
   * The kernel dropped events ({@code FAN_Q_OVERFLOW}): anything on the marked filesystems may have
   * changed unseen, so the next stage must rescan the watched trees.
   */
  void overflow();

  /**
   * {@code count} events could not be decoded (truncated or inconsistent records, an unknown
   * metadata version) and were skipped. The kernel never sends such events; if it does, they are
   * lost like an overflow and the trees they touched are unknown.
   */
  void malformed(int count);
}
