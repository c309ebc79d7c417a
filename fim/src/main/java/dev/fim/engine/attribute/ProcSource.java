package dev.fim.engine.attribute;

import dev.fim.store.Attribution;

/**
 * The {@code /proc} attribution source ({@code fim.attribution: "proc"}): the process the
 * notification named, read from {@code /proc/PID} as the event arrived ({@link #sight}, on the
 * source's thread, through a {@link ProcAttributor}); at correlation it reads only the {@link
 * Sighting} that travelled with the notice. Racy by nature (DESIGN.md "Exe from the kernel"), so it
 * comes after audit and says when the process was gone.
 */
public final class ProcSource implements AttributionSource, ArrivalLookup {
  private final ProcAttributor proc;
  private final String context;

  /**
   * @param proc reads {@code /proc}; null to look nothing up (every sighting has no process)
   * @param context why a better source is not the answer, the start of every miss's reason ({@code
   *     no audit record}, {@code audit not in use (…)})
   */
  public ProcSource(ProcAttributor proc, String context) {
    this.proc = proc;
    this.context = context;
  }

  @Override
  public Attribution kind() {
    return Attribution.PROC;
  }

  /** On the source's thread only ({@link ProcAttributor} is not thread-safe). */
  @Override
  public Sighting sight(int pid) {
    return new Sighting(pid, proc == null ? null : proc.lookup(pid));
  }

  @Override
  public Answer attribute(Attributable c) {
    Sighting s = c.sighting();
    if (s == null) {
      return null; // found by a scan: no notification named anyone
    }
    int pid = s.pid();
    if (s.actor() != null) {
      return Answer.found(
          s.actor(),
          s.actor().executable() != null
              ? null
              : "process "
                  + pid
                  + " was exiting when fim read /proc/"
                  + pid
                  + ": its executable and command line were gone");
    }
    if (pid == 0) {
      return Answer.missed(context + "; the backend (inotify) reports no process");
    }
    return Answer.missed(context + "; process " + pid + " had exited before fim read /proc/" + pid);
  }
}
