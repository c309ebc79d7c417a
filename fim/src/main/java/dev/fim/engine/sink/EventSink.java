package dev.fim.engine.sink;

import dev.fim.store.ChangeEvent;

/**
 * The last stage: where recorded events go (JSON lines, text, …). Called on the comparator's
 * thread, after the events are in the store, in sequence order; {@link #flush()} ends each batch,
 * so an alert is never held back waiting for the next one.
 */
public interface EventSink extends AutoCloseable {
  /**
   * Called once before the first event, with access to the store the events are recorded in (an
   * output that resumes from its cursor reads it); the default does nothing.
   */
  default void start(StoreAccess store) throws dev.fim.store.StoreException {}

  void emit(ChangeEvent event);

  /** The batch is complete: make what was emitted visible (flush buffers). */
  void flush();

  @Override
  default void close() {
    flush();
  }
}
