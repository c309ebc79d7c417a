package dev.fim.engine.compare;

import dev.fim.engine.attribute.Sighting;
import dev.fim.store.FileRecord;
import dev.fim.store.PathBytes;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * New files with a temporary's name ({@link TemporaryNames}) that the comparator has captured but
 * not yet reported, each until its rename onto the final name comes or its hold ends. Bounded:
 * beyond {@code capacity} a file is not held (the comparator reports it at once, as without a
 * hold), so an attacker who creates many such names gains nothing but ordinary events. Entries are
 * kept in the order they were first held, which is the order of their deadlines. One thread (the
 * comparator's).
 */
final class TemporaryHold {
  /**
   * One held file: its state as last captured (content digests included), when it was first seen
   * and by whom, when its hold ends (monotonic ns), and whether it was, when first held, a hard
   * link of the recorded file it is named after ({@code X.dpkg-tmp}: nothing of its own).
   */
  record Held(
      PathBytes path,
      FileRecord record,
      long firstWallNs,
      long deadlineNs,
      Sighting sighting,
      boolean linkOfKnown) {}

  private final long holdNs;
  private final int capacity;
  private final LinkedHashMap<PathBytes, Held> held = new LinkedHashMap<>();
  private long refused;

  /**
   * @param holdNs how long a file may be held; 0 holds nothing
   * @param capacity the most files held at once
   */
  TemporaryHold(long holdNs, int capacity) {
    if (holdNs < 0 || capacity < 1) {
      throw new IllegalArgumentException("hold " + holdNs + " ns, capacity " + capacity);
    }
    this.holdNs = holdNs;
    this.capacity = capacity;
  }

  long holdNs() {
    return holdNs;
  }

  /**
   * Holds {@code path} with its new state, or updates the state of one already held (its first time
   * and deadline stay: writing to a held file does not extend its hold). False when holding is off
   * or the table is full: the caller reports the file now.
   */
  boolean hold(
      PathBytes path,
      FileRecord record,
      long firstWallNs,
      Sighting s,
      long nowNs,
      boolean linkOfKnown) {
    if (holdNs == 0) {
      return false;
    }
    Held h = held.get(path);
    if (h != null) {
      // Still the same untouched link, or now content of its own.
      boolean link =
          h.linkOfKnown()
              && h.record().ino() == record.ino()
              && h.record().mtimeNs() == record.mtimeNs();
      held.put(path, new Held(path, record, h.firstWallNs(), h.deadlineNs(), s, link));
      return true;
    }
    if (held.size() >= capacity) {
      refused++;
      return false;
    }
    held.put(path, new Held(path, record, firstWallNs, nowNs + holdNs, s, linkOfKnown));
    return true;
  }

  boolean isHeld(PathBytes path) {
    return !held.isEmpty() && held.containsKey(path);
  }

  /** The held entry of {@code path}, removed; null if it is not held. */
  Held release(PathBytes path) {
    return held.isEmpty() ? null : held.remove(path);
  }

  /** The entries whose hold has ended at {@code nowNs}, removed, oldest first. */
  List<Held> expired(long nowNs) {
    List<Held> out = List.of();
    for (Iterator<Held> it = held.values().iterator(); it.hasNext(); ) {
      Held h = it.next();
      if (h.deadlineNs() - nowNs > 0) {
        break;
      }
      if (out.isEmpty()) {
        out = new ArrayList<>();
      }
      out.add(h);
      it.remove();
    }
    return out;
  }

  /** The entries at or below any of {@code scope}, removed. */
  List<Held> releaseUnder(List<PathBytes> scope) {
    List<Held> out = List.of();
    if (held.isEmpty()) {
      return out;
    }
    for (Iterator<Held> it = held.values().iterator(); it.hasNext(); ) {
      Held h = it.next();
      for (PathBytes s : scope) {
        if (h.path().isUnder(s)) {
          if (out.isEmpty()) {
            out = new ArrayList<>();
          }
          out.add(h);
          it.remove();
          break;
        }
      }
    }
    return out;
  }

  /** Every entry, removed. */
  List<Held> releaseAll() {
    List<Held> out = new ArrayList<>(held.values());
    held.clear();
    return out;
  }

  int size() {
    return held.size();
  }

  /** Files not held because the table was full (reported at once instead). */
  long refused() {
    return refused;
  }
}
