/**
 * The last stage of the real-time pipeline: where recorded events go. {@link
 * dev.fim.engine.sink.EventSink} is the interface the {@code .record} stage calls after the events
 * are in the store; {@link dev.fim.engine.sink.JsonLinesSink} writes one event JSON object per line
 * and {@link dev.fim.engine.sink.TextSink} one line for people, both to a {@link
 * dev.fim.engine.sink.LineOutput} (standard output or an appended file that follows log rotation
 * and reopens on SIGHUP). {@link dev.fim.engine.sink.ResumingSink} is an {@code --output} (a file,
 * syslog as RFC 5424, the journal's native protocol) with its own queue and thread, which catches
 * up from the store when it falls behind and keeps its delivery cursor there. Must not know: how
 * changes were found or attributed.
 */
package dev.fim.engine.sink;
