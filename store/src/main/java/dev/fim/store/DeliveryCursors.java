package dev.fim.store;

/**
 * Where each output ({@code --output syslog}, a file…) got to in the change history: the sequence
 * of the last event it delivered, kept in {@code meta} under {@code delivered:NAME} so that a
 * restarted fim resends what the output missed (while fim was down, or the output stalled) and
 * nothing twice. Not sealed: a cursor moved back only resends events, one moved forward skips
 * events in an output, never in the store, whose history and seal stay whole.
 */
public final class DeliveryCursors {
  private static final String PREFIX = "delivered:";

  private DeliveryCursors() {}

  /** The last sequence delivered to output {@code name}, or -1 when it has none yet. */
  public static long get(Store store, String name) throws StoreException {
    String s = store.getMetaString(PREFIX + name);
    if (s == null) {
      return -1;
    }
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      throw new StoreException(
          StoreException.Reason.CORRUPT,
          "database " + store.dir() + ": the cursor of output " + name + " is not a number: " + s,
          e);
    }
  }

  /** Records that output {@code name} delivered every event up to {@code sequence}. */
  public static void put(Store store, String name, long sequence) throws StoreException {
    store.putMeta(PREFIX + name, Long.toString(sequence));
  }
}
