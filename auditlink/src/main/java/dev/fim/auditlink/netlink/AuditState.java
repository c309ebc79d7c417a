package dev.fim.auditlink.netlink;

import dev.fim.store.sys.NativeException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import jnr.constants.platform.Errno;

/**
 * What the host's audit state was before fim changed it, and putting it back: {@code enabled}, the
 * backlog limit and the rules fim added (never rules fim did not add). Restores on {@link #close()}
 * and, if the JVM ends first (SIGTERM, SIGINT, System.exit), from a shutdown hook. The audit pid is
 * the {@link AuditListener}'s to give back.
 *
 * <p>Owns its own control socket so the shutdown hook does not depend on anyone else's.
 * Thread-safe: every method is synchronized, so the hook and a normal close cannot interleave.
 */
public final class AuditState implements AutoCloseable {
  private final AuditClient client;
  private final AuditStatus before;
  private final List<byte[]> added = new ArrayList<>();
  private final Thread hook;
  private boolean enabledChanged;
  private boolean backlogChanged;
  private boolean restored;
  private AuditListener listener;

  private AuditState(AuditClient client, AuditStatus before) {
    this.client = client;
    this.before = before;
    this.hook = new Thread(this::restoreFromHook, "fim-audit-restore");
  }

  /** Records the host's audit state now and arms the shutdown hook. */
  public static AuditState capture() throws NativeException {
    AuditClient c = AuditClient.open();
    try {
      AuditState s = new AuditState(c, c.status());
      Runtime.getRuntime().addShutdownHook(s.hook);
      return s;
    } catch (NativeException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /** The state captured at the start. */
  public AuditStatus before() {
    return before;
  }

  /** The rules added through this object that are still to be removed, as audit_rule_data bytes. */
  public synchronized List<byte[]> addedRules() {
    List<byte[]> out = new ArrayList<>();
    for (byte[] r : added) {
      out.add(r.clone());
    }
    return out;
  }

  /**
   * Enables auditing ({@code enabled=1}) if it is off; restored to 0 later. Nothing to do when it
   * is 1 or 2.
   */
  public synchronized void enable() throws NativeException {
    checkOpen();
    if (client.status().enabled() == 0) {
      client.setEnabled(1);
      enabledChanged = true;
    }
  }

  /**
   * Raises the backlog limit to at least {@code limit} (never lowers it); the old value is restored
   * later.
   *
   * @return whether it was raised
   */
  public synchronized boolean raiseBacklogLimit(long limit) throws NativeException {
    checkOpen();
    if (client.status().backlogLimit() >= limit) {
      return false;
    }
    client.setBacklogLimit(limit);
    backlogChanged = true;
    return true;
  }

  /**
   * Adds a rule and remembers it for removal.
   *
   * @return false when the kernel already had exactly this rule: it is not fim's to remove, and is
   *     left alone
   */
  public synchronized boolean addRule(byte[] auditRuleData) throws NativeException {
    checkOpen();
    try {
      client.addRule(auditRuleData);
    } catch (AuditRefusedException e) {
      if (e.errnoValue() == Errno.EEXIST.intValue()) {
        return false;
      }
      throw e;
    }
    added.add(auditRuleData.clone());
    return true;
  }

  /**
   * Makes {@code l} close after this state is restored (in {@link #close()} and in the shutdown
   * hook, in that order), so that the records the restore itself causes (CONFIG_CHANGE for each
   * rule removed, for the backlog and enabled) still go to the listener instead of the console when
   * it is the audit pid. Takes over the listener's own shutdown hook.
   */
  public synchronized void closeListenerAfterRestore(AuditListener l) {
    checkOpen();
    l.disarmHook();
    this.listener = l;
  }

  /** Removes a rule added through this object now (and forgets it). */
  public synchronized void deleteRule(byte[] auditRuleData) throws NativeException {
    checkOpen();
    client.deleteRule(auditRuleData);
    added.removeIf(r -> Arrays.equals(r, auditRuleData));
  }

  /**
   * Puts the host back: deletes the rules added here (newest first; one already gone is fine), then
   * the backlog limit, then {@code enabled}. Every step is tried; the first failure is thrown with
   * the others suppressed. Idempotent.
   */
  public synchronized void restore() throws NativeException {
    if (restored) {
      return;
    }
    restored = true;
    NativeException first = null;
    for (int i = added.size() - 1; i >= 0; i--) {
      try {
        client.deleteRule(added.get(i));
      } catch (NativeException e) {
        if (!(e instanceof AuditRefusedException && e.errnoValue() == Errno.ENOENT.intValue())) {
          first = keep(first, e);
        }
      }
    }
    added.clear();
    if (backlogChanged) {
      try {
        client.setBacklogLimit(before.backlogLimit());
      } catch (NativeException e) {
        first = keep(first, e);
      }
    }
    if (enabledChanged) {
      try {
        client.setEnabled(before.enabled());
      } catch (NativeException e) {
        first = keep(first, e);
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /**
   * {@link #restore()}, then closes the attached listener, the socket, and disarms the shutdown
   * hook.
   */
  @Override
  public synchronized void close() throws NativeException {
    try {
      restore();
    } finally {
      closeListener();
      client.close();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the JVM is shutting down: the hook is running or ran, and restore() is idempotent
      }
    }
  }

  private synchronized void restoreFromHook() {
    try {
      restore();
    } catch (NativeException e) {
      System.err.println("fim: could not restore the kernel audit state: " + e.getMessage());
    }
    try {
      closeListener();
    } catch (NativeException e) {
      System.err.println("fim: " + e.getMessage());
    }
  }

  private void closeListener() throws NativeException {
    AuditListener l = listener;
    listener = null;
    if (l != null) {
      l.close();
    }
  }

  private void checkOpen() {
    if (restored) {
      throw new IllegalStateException("the audit state was already restored");
    }
  }

  private static NativeException keep(NativeException first, NativeException e) {
    if (first == null) {
      return e;
    }
    first.addSuppressed(e);
    return first;
  }
}
