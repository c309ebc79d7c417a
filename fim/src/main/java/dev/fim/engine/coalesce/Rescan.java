package dev.fim.engine.coalesce;

import dev.fim.store.PathBytes;
import java.util.List;

/**
 * A request to compare whole trees with the store because their events were lost (or, at start,
 * because fim was not running).
 *
 * @param reason what was lost, in words (the {@code overflow} event's message starts with it)
 * @param scope the trees to rescan
 * @param overflow true for a loss (an {@code overflow} event is emitted), false for the start-up
 *     reconcile
 */
public record Rescan(String reason, List<PathBytes> scope, boolean overflow) {
  public Rescan {
    scope = List.copyOf(scope);
  }
}
