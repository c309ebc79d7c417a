package dev.fim.engine.sink;

import dev.fim.store.ChangeEvent;
import java.io.IOException;

/**
 * Where an output's events go, one at a time, on the output's own thread ({@link ResumingSink}): a
 * file, syslog, the journal (standard output is written directly, {@link Outputs#direct}). A send
 * that fails (the daemon is down, the disk is full) throws; the event stays undelivered and is sent
 * again, from the store if need be.
 */
public interface Destination extends AutoCloseable {
  /**
   * The output as the user named it, normalised ({@code syslog:authpriv}, {@code
   * file:/var/log/fim.json}, {@code journal}): the key of its delivery cursor.
   */
  String name();

  void send(ChangeEvent e) throws IOException;

  /** Makes what was sent visible (buffered lines); called when no event is waiting. */
  void flush() throws IOException;

  /** Reopens a file (SIGHUP, after log rotation); others ignore it. Thread-safe. */
  default void reopen() {}

  @Override
  void close() throws IOException;
}
