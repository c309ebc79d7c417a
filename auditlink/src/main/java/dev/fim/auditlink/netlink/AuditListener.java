package dev.fim.auditlink.netlink;

import dev.fim.auditlink.parse.AuditRecord;
import dev.fim.auditlink.parse.RecordParser;
import dev.fim.auditlink.parse.RecordType;
import dev.fim.auditlink.reassembly.EventStream;
import dev.fim.auditlink.reassembly.Reassembler;
import dev.fim.auditlink.reassembly.Ticker;
import dev.fim.store.sys.NativeException;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Receives kernel audit records on a thread of its own and hands them to {@link
 * RecordParser#parseNetlink} → {@link Reassembler} → the caller's {@link EventStream}.
 *
 * <p>How it reads ({@link Mode}): when no process is the audit pid (status.pid = 0, no auditd), it
 * registers itself ({@code AUDIT_SET} pid = getpid()) so the kernel sends records to it instead of
 * printing them to the console, and gives the pid back (0) on {@link #close()} or from a shutdown
 * hook. When another process (auditd) is the audit pid, it joins the read-only multicast group
 * AUDIT_NLGRP_READLOG (needs CAP_AUDIT_READ) and both work side by side. It never changes {@code
 * enabled} or rules ({@link AuditState} does).
 *
 * <p>Loss: the socket does not latch as congested when its buffer is full ({@code
 * NETLINK_NO_ENOBUFS}, see {@link NetlinkSocket#setNoEnobufs}), so the kernel reports no ENOBUFS
 * and the events lost show up as serial gaps through {@link EventStream#eventsLost}; an ENOBUFS
 * that still comes is counted ({@link #overruns()}) and reported to the {@code overruns} callback.
 * The stream and the callback are called on the listener's thread. Records that arrive after {@link
 * #close()} began are not delivered.
 *
 * <p>Close it after {@link AuditState} restored the host (see {@link
 * AuditState#closeListenerAfterRestore}), so the records that the restore causes reach fim rather
 * than the console.
 *
 * <p>Thread-safe: {@link #close()}, {@link #mode()} and the counters may be called from any thread.
 */
public final class AuditListener implements AutoCloseable {
  /** How the listener receives records. */
  public enum Mode {
    /** fim is the audit pid: records come by unicast, and nothing prints them to the console. */
    AUDIT_PID,
    /**
     * Another process is the audit pid: fim reads the best-effort multicast copy
     * (AUDIT_NLGRP_READLOG).
     */
    MULTICAST
  }

  /** enum audit_nlgrps, audit.h:457-461. */
  static final int AUDIT_NLGRP_READLOG = 1;

  /** audit.h:75: types below are requests and replies, not records. */
  static final int AUDIT_FIRST_USER_MSG = NetlinkMessage.FIRST_RECORD_TYPE;

  /** audit.h:114: the kernel's "are you alive" probe to the audit pid; not a record. */
  static final int AUDIT_REPLACE = 1329;

  private final NetlinkSocket socket;
  private final RequestChannel channel;
  private final Mode mode;
  private final int pid;
  private final RecordParser parser = new RecordParser();
  private final Reassembler reassembler;
  private final LongConsumer overrunCallback;
  private final byte[] buf = new byte[AuditClient.BUFFER_SIZE];
  private final AtomicLong datagrams = new AtomicLong();
  private final AtomicLong overruns = new AtomicLong();
  private final Thread thread;
  private final Thread hook;
  private volatile boolean running = true;
  private volatile Throwable failure;

  /** Whether the receive thread runs at auditd's priority ({@link ListenerPriority}). */
  private volatile boolean prioritised;

  private boolean closed;

  private AuditListener(
      NetlinkSocket socket,
      RequestChannel channel,
      Mode mode,
      int pid,
      EventStream events,
      LongConsumer overrunCallback,
      ListenerSettings settings) {
    this.socket = socket;
    this.channel = channel;
    this.mode = mode;
    this.pid = pid;
    this.reassembler = new Reassembler(settings.reassembly(), Ticker.system(), events);
    this.overrunCallback = overrunCallback;
    this.thread = new Thread(this::loop, "fim-audit-listener");
    this.thread.setDaemon(true);
    this.hook = new Thread(this::closeFromHook, "fim-audit-pid-restore");
  }

  /**
   * Opens the socket, becomes the audit pid or joins the multicast group, and starts the receive
   * thread.
   *
   * @param overruns called with the running total each time the socket buffer overflowed (ENOBUFS)
   */
  public static AuditListener start(
      ListenerSettings settings, EventStream events, LongConsumer overruns) throws NativeException {
    Objects.requireNonNull(events, "events");
    Objects.requireNonNull(overruns, "overruns");
    NetlinkSocket s = NetlinkSocket.open(AuditClient.BUFFER_SIZE);
    try {
      s.setReceiveBuffer(settings.receiveBufferBytes());
      s.setNoEnobufs();
      s.setReceiveTimeout(settings.pollInterval());
      // Until the thread runs, records that beat the AUDIT_SET ack are dropped (counted as
      // datagrams only).
      AtomicLong early = new AtomicLong();
      RequestChannel ch =
          new RequestChannel(s, AuditClient.BUFFER_SIZE, (b, n) -> early.incrementAndGet());
      AuditStatus st = AuditStatus.decode(status(ch), 0, AuditStatus.SIZE);
      int pid = NetlinkSocket.processId();
      Mode mode = Mode.MULTICAST;
      if (st.pid() == 0) {
        try {
          ch.request(
              RequestChannel.AUDIT_SET,
              AuditClient.encodeSet(StatusField.PID, pid),
              RequestChannel.Expect.ACK);
          mode = Mode.AUDIT_PID;
        } catch (AuditRefusedException e) {
          if (e.errnoValue() != jnr.constants.platform.Errno.EEXIST.intValue()) {
            throw new AuditRefusedException(
                e.call(),
                e.errnoValue(),
                "could not become the audit pid (needs CAP_AUDIT_CONTROL)");
          }
          // an auditd registered meanwhile: read beside it
        }
      }
      if (mode == Mode.MULTICAST) {
        s.joinGroup(AUDIT_NLGRP_READLOG);
      }
      AuditListener l = new AuditListener(s, ch, mode, pid, events, overruns, settings);
      Runtime.getRuntime().addShutdownHook(l.hook);
      l.thread.start();
      return l;
    } catch (NativeException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  private static byte[] status(RequestChannel ch) throws NativeException {
    return ch.request(RequestChannel.AUDIT_GET, new byte[0], RequestChannel.Expect.ONE)
        .get(0)
        .payload();
  }

  /** The socket records arrive on (tests). */
  NetlinkSocket socket() {
    return socket;
  }

  /** How records are received. */
  public Mode mode() {
    return mode;
  }

  /** Datagrams received (records and anything else the kernel sent). */
  public long datagrams() {
    return datagrams.get();
  }

  /** Times the socket buffer overflowed (ENOBUFS); each means one or more records were dropped. */
  public long overruns() {
    return overruns.get();
  }

  /**
   * Whether the receive thread was given auditd's priority (nice -4, {@link ListenerPriority});
   * only as the audit pid, where the kernel gives up records the thread is too late for.
   */
  public boolean prioritised() {
    return prioritised;
  }

  /** Why the receive loop stopped early, or null while it runs normally. */
  public Throwable failure() {
    return failure;
  }

  private void loop() {
    if (mode == Mode.AUDIT_PID) {
      prioritised = ListenerPriority.raiseCurrentThread();
    }
    try {
      while (running) {
        int n = socket.receive(buf);
        if (n == NetlinkSocket.TIMED_OUT) {
          reassembler.tick();
          continue;
        }
        if (n == NetlinkSocket.OVERRUN) {
          overrunCallback.accept(overruns.incrementAndGet());
          continue;
        }
        datagrams.incrementAndGet();
        if (n < NetlinkMessage.HEADER_SIZE) {
          continue;
        }
        int type = NetlinkMessage.typeOf(buf);
        if ((type < AUDIT_FIRST_USER_MSG && type != RecordType.LOGIN) || type == AUDIT_REPLACE) {
          continue; // acks, replies, the kernel's liveness probe (LOGIN is a record below 1100:
          // kept)
        }
        // One record per datagram; its nlmsg_len is not trusted (NetlinkMessage.decodeEvent).
        AuditRecord r =
            parser.parseNetlink(
                type, buf, NetlinkMessage.HEADER_SIZE, n - NetlinkMessage.HEADER_SIZE);
        if (r != null) {
          reassembler.push(r);
        }
      }
      reassembler.flush();
    } catch (NativeException | RuntimeException e) {
      failure = e;
    }
  }

  /**
   * Stops the receive thread (within about one poll interval), delivers the events still in flight,
   * gives the audit pid back if this listener had it, and closes the socket. Idempotent.
   */
  @Override
  public void close() throws NativeException {
    closeInternal();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // shutting down: the hook runs closeInternal(), which is idempotent
    }
  }

  private synchronized void closeInternal() throws NativeException {
    if (closed) {
      return;
    }
    closed = true;
    running = false;
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      if (mode == Mode.AUDIT_PID) {
        try {
          channel.request(
              RequestChannel.AUDIT_SET,
              AuditClient.encodeSet(StatusField.PID, 0),
              RequestChannel.Expect.ACK);
        } catch (AuditRefusedException e) {
          throw new AuditRefusedException(
              e.call(), e.errnoValue(), "could not give the audit pid " + pid + " back");
        }
      }
    } finally {
      socket.close();
    }
  }

  /**
   * Removes this listener's shutdown hook: someone else ({@link AuditState}) closes it in order.
   */
  void disarmHook() {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // shutting down already
    }
  }

  private void closeFromHook() {
    try {
      closeInternal();
    } catch (NativeException e) {
      System.err.println("fim: " + e.getMessage());
    }
  }
}
