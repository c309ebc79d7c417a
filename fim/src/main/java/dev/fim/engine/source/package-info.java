/**
 * The first stage of the pipeline, backend-neutral: a {@link dev.fim.engine.source.ChangeSource}
 * (fanotify or inotify) turns kernel events into {@link dev.fim.engine.source.ChangeListener} calls
 * naming paths.
 */
package dev.fim.engine.source;
