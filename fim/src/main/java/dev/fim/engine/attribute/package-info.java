/**
 * Stage helper of the real-time pipeline: who made a change, read from {@code /proc/PID} while the writer still
 * lives (login uid, effective uid, parent, executable, command line, session, terminal). The fallback attribution
 * ({@code --attribution proc}) where audit records are not correlated; racy by nature, so it runs on the source's
 * thread as the event arrives. Entry type: {@link dev.fim.engine.attribute.ProcAttributor}, whose lookup the
 * {@code .coalesce} stage calls per event. Must not know: audit, hashes, the store.
 */
package dev.fim.engine.attribute;
