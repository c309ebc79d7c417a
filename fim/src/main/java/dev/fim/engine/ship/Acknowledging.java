package dev.fim.engine.ship;

/**
 * Where {@link Shipper} records what the cluster acknowledged, after each batch: for events the
 * last sequence of the contiguous prefix that succeeded ({@link ShipState}), for approvals the
 * acceptance time, for coverage the position in the round's list ({@link CoverageState}).
 */
interface Acknowledging {
  /** Everything up to and including {@code value} is in the cluster; durable on return. */
  void acknowledge(long value) throws ShipException;
}
