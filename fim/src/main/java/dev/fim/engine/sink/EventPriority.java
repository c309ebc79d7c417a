package dev.fim.engine.sink;

import dev.fim.store.Action;

/**
 * The syslog severity of an event, shared by the syslog and journal outputs (RFC 5424 numbers):
 * what an administrator filters on ({@code journalctl -p warning}). Lost events are an error (a
 * blind spot was rescanned); a changed, removed or renamed file is a warning (what integrity
 * monitoring exists for); a new file or a mode/owner change is a notice.
 */
public final class EventPriority {
  public static final int ERR = 3;
  public static final int WARNING = 4;
  public static final int NOTICE = 5;

  private EventPriority() {}

  public static int of(Action a) {
    return switch (a) {
      case OVERFLOW -> ERR;
      case UPDATED, DELETED, MOVED -> WARNING;
      case CREATED, ATTRIBUTES_MODIFIED -> NOTICE;
    };
  }
}
