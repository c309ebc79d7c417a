/**
 * The fourth stage of the real-time pipeline: {@link dev.fim.engine.record.Recorder} writes what
 * the comparator decided, events into the store's history ({@code events}, {@code events_by_path};
 * sealed into the evidence chain when one is attached) before each path's new state into {@code
 * current}, so a crash in between makes the next start report the change again rather than lose it;
 * then it hands the events to the sinks. One thread (the comparator's).
 */
package dev.fim.engine.record;
