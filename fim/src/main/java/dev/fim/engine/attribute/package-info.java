/**
 * Attribution sources: the ways of naming who made a change, behind one interface ({@link
 * dev.fim.engine.attribute.AttributionSource}) that the correlator stage asks in order. {@link
 * dev.fim.engine.attribute.ProcSource} reads {@code /proc} of the notifying process as the event
 * arrives ({@link dev.fim.engine.attribute.ArrivalLookup}; the {@link
 * dev.fim.engine.attribute.Sighting} travels with the notice); the audit source lives in {@code
 * correlate}, beside the audit stream it joins with.
 *
 * <p>Must not: know about the coalescer, the comparator or the store's column families.
 */
package dev.fim.engine.attribute;
