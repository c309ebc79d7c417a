/**
 * The last stage of the real-time pipeline: where recorded events go. {@link
 * dev.fim.engine.sink.EventSink} is the interface the {@code .record} stage calls after the events
 * are in the store; {@link dev.fim.engine.sink.JsonLinesSink} writes one event JSON object per line
 * and {@link dev.fim.engine.sink.TextSink} one line for people, both to a {@link
 * dev.fim.engine.sink.LineOutput} (standard output or an appended file that follows log rotation
 * and reopens on SIGHUP). Must not know: how changes were found or attributed.
 */
package dev.fim.engine.sink;
