package dev.fim.engine.record;

import dev.fim.engine.sink.EventSink;
import dev.fim.store.ChangeEvent;
import dev.fim.store.Column;
import dev.fim.store.EventLog;
import dev.fim.store.FileRecord;
import dev.fim.store.PathBytes;
import dev.fim.store.RecordWriter;
import dev.fim.store.Store;
import dev.fim.store.StoreException;
import java.util.ArrayList;
import java.util.List;

/**
 * Records what the comparator decided: the events into the store's history, the new state of each
 * path into {@code current}, then the events to the sinks. Events and states are written in one
 * atomic write, so a crash cannot keep a state whose event was lost (the next start's reconcile
 * reports such a change again rather than lose it). One thread (the comparator's).
 */
public final class Recorder implements AutoCloseable {
  /** Events and state changes are written at the latest after this many. */
  static final int BATCH = 1000;

  private final EventLog log;
  private final RecordWriter current;
  private final List<EventSink> sinks;
  private final List<ChangeEvent> events = new ArrayList<>();
  private final List<PathBytes> statePaths = new ArrayList<>();
  private final List<FileRecord> states = new ArrayList<>();
  private final CurrentStates known;
  private long recorded;

  public Recorder(Store store, List<EventSink> sinks) throws StoreException {
    this(store, sinks, 0);
  }

  /**
   * @param keepBytes how many bytes of paths' states {@link #currentStates} keeps in memory (0:
   *     none)
   */
  public Recorder(Store store, List<EventSink> sinks, long keepBytes) throws StoreException {
    this.log = new EventLog(store);
    this.current = store.newWriter(Column.CURRENT);
    this.sinks = List.copyOf(sinks);
    this.known = new CurrentStates(store, keepBytes);
  }

  /**
   * The {@code current} column as this recorder's commits leave it: the comparator reads the
   * recorded states through it.
   */
  public CurrentStates currentStates() {
    return known;
  }

  /** An event to record and emit. */
  public void event(ChangeEvent e) throws StoreException {
    events.add(e);
    if (events.size() >= BATCH) {
      commit();
    }
  }

  /** The new state of {@code path} in {@code current}; null removes it. */
  public void state(PathBytes path, FileRecord record) throws StoreException {
    statePaths.add(path);
    states.add(record);
    if (statePaths.size() >= BATCH) {
      commit();
    }
  }

  /**
   * Writes what is pending and hands the events to the sinks. Events and the states they report go
   * in one atomic write (so no crash leaves a state without its event, and a paced change costs one
   * database write); states without events (nothing to report) go alone.
   */
  public void commit() throws StoreException {
    List<ChangeEvent> stored;
    try {
      if (events.isEmpty()) {
        stored = List.of();
        for (int i = 0; i < statePaths.size(); i++) {
          FileRecord r = states.get(i);
          if (r == null) {
            current.delete(statePaths.get(i));
          } else {
            current.put(statePaths.get(i), r);
          }
        }
        current.flush();
      } else {
        stored = log.append(events, statePaths, states);
      }
      known.wrote(statePaths, states); // after the write returned: what the store now holds
    } catch (StoreException | RuntimeException | Error e) {
      known.forget(); // written in part, whole or not at all: the store alone knows
      throw e;
    }
    events.clear();
    statePaths.clear();
    states.clear();
    recorded += stored.size();
    for (EventSink s : sinks) {
      for (ChangeEvent e : stored) {
        s.emit(e);
      }
      if (!stored.isEmpty()) {
        s.flush();
      }
    }
  }

  /** Events recorded so far. */
  public long recorded() {
    return recorded;
  }

  /** After the database was lent and taken back: the sequence may have moved on in the store. */
  public void resync() throws StoreException {
    known.forget(); // no borrower writes current today (update and accept write the baseline):
    // dropped all the same, so a future one that does cannot leave a stale state here
    log.resync();
  }

  @Override
  public void close() throws StoreException {
    try {
      commit();
    } finally {
      current.close();
    }
  }
}
