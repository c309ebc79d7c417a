package dev.fim.engine.sink;

import dev.fim.store.Action;
import dev.fim.store.Actor;
import dev.fim.store.Attribution;
import dev.fim.store.ChangeEvent;
import dev.fim.store.Origin;
import dev.fim.store.PathBytes;
import java.util.List;

/** Events for the output tests. */
final class Events {
  static final long T = 1_764_064_800_123_456_789L;

  private Events() {}

  static ChangeEvent of(Action a, PathBytes path, Actor actor) {
    return new ChangeEvent(
        T,
        0,
        a,
        path,
        null,
        null,
        null,
        List.of(),
        Origin.WATCH,
        actor == null ? Attribution.NONE : Attribution.AUDIT,
        actor == null ? "test" : null,
        null,
        actor);
  }

  static ChangeEvent updated(String path) {
    return of(Action.UPDATED, PathBytes.ofUtf8(path), alice());
  }

  static Actor alice() {
    return new Actor(
        1001L, "alice", 0L, "root", 4242, 1, "/usr/bin/vim.basic", "vim", null, 3L, null);
  }
}
