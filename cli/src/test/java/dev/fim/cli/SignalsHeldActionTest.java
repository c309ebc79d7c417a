package dev.fim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A SIGHUP or SIGUSR1 that comes while {@code fim watch} starts, before it has set the signal's
 * action, is kept and acted on when the action is set. Before, it ran an empty action and was lost:
 * the watch prints its first status lines ("recorded N paths" comes from the comparator's thread)
 * before the main thread sets the actions, so a reload asked for on seeing them could be dropped.
 */
class SignalsHeldActionTest {
  @Test
  void aSignalBeforeTheActionRunsItOnceWhenItIsSet() {
    Signals.HeldAction hup = new Signals.HeldAction();
    AtomicInteger runs = new AtomicInteger();
    hup.received();
    hup.received(); // pending signals fold into one, as the kernel's do
    assertTrue(hup.held());
    hup.set(runs::incrementAndGet);
    assertEquals(1, runs.get(), "the held signal's action ran when it was set");
    assertFalse(hup.held());
    hup.received();
    assertEquals(2, runs.get(), "a later signal runs the action at once");
  }

  @Test
  void withoutASignalSettingTheActionRunsNothing() {
    Signals.HeldAction usr1 = new Signals.HeldAction();
    AtomicInteger runs = new AtomicInteger();
    usr1.set(runs::incrementAndGet);
    assertEquals(0, runs.get());
    AtomicInteger other = new AtomicInteger();
    usr1.set(other::incrementAndGet); // replaced (the watch's shutdown sets its last actions)
    usr1.received();
    assertEquals(0, runs.get());
    assertEquals(1, other.get());
  }
}
