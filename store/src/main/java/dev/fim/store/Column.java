package dev.fim.store;

import java.nio.charset.StandardCharsets;

/** The column families of the store (DESIGN.md "Data model"). */
public enum Column {
  /**
   * Approved state: path bytes → {@link FileRecord}. Sealed. Changed only by init/update/accept.
   */
  BASELINE("baseline"),
  /**
   * State as last observed by watch (its reconcile scan fills it): path bytes → {@link FileRecord}.
   * init, check and update leave it alone.
   */
  CURRENT("current"),
  /** Scratch: the scan in progress; cleared at the start of every scan, diffed against BASELINE. */
  SCAN("scan"),
  /** dev (8 bytes BE) + ino (8 bytes BE) → path bytes, for the baseline's objects. */
  INODES("inodes"),
  /** big-endian time ns + sequence → one change event. */
  EVENTS("events"),
  /** path bytes + 0x00 + time ns → key into EVENTS. */
  EVENTS_BY_PATH("events_by_path"),
  /** name → value: format version, config digest, seal, scan times, counters. */
  META("meta"),
  /**
   * {@code events} key (big-endian time ns + sequence) → the {@link Approval} of that event ({@code
   * fim accept}). Added after format 1 shipped: a database written before has none until a writer
   * opens it (and creates it).
   */
  APPROVALS("approvals", true);

  private final String cfName;
  private final boolean addedLater;

  Column(String cfName) {
    this(cfName, false);
  }

  Column(String cfName, boolean addedLater) {
    this.cfName = cfName;
    this.addedLater = addedLater;
  }

  /**
   * True for a column family added to format 1 later: an older database lacks it, which a writer
   * fixes by creating it and a read-only open ({@link Store.OpenMode#READ_ONLY}, which cannot
   * create) reads as empty.
   */
  boolean addedLater() {
    return addedLater;
  }

  byte[] cfNameBytes() {
    return cfName.getBytes(StandardCharsets.US_ASCII);
  }

  public String cfName() {
    return cfName;
  }
}
