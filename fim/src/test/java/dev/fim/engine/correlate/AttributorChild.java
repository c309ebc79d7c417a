package dev.fim.engine.correlate;

import dev.fim.store.PathBytes;
import java.util.List;

/**
 * The child JVM of {@link AuditAttributorSignalKernelTest}: starts an {@link AuditAttributor} on
 * the tree given as its argument, prints {@code READY mode=… rules=N}, and waits to be ended by a
 * signal without closing it: the restore is the shutdown hooks' job.
 */
public final class AttributorChild {
  private AttributorChild() {}

  public static void main(String[] args) throws Exception {
    AuditAttributor a =
        AuditAttributor.start(
            List.of(PathBytes.ofUtf8(args[0])), AttributorSettings.defaults().withKey(args[1]));
    System.out.println("READY mode=" + a.mode() + " rules=" + a.addedRules().size());
    System.out.flush();
    Thread.currentThread().join();
  }
}
