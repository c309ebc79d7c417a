/**
 * How a change event looks to people and log pipelines: {@link dev.fim.engine.output.EventJson}
 * (the ECS-style event JSON of DESIGN.md, with Jackson's streaming generator) and {@link
 * dev.fim.engine.output.EventText} (the one-line text form and "who made it"). Shared by the
 * engine's sinks ({@code fim watch}) and the command line ({@code check}, {@code history}, {@code
 * who}, {@code report}); the store only stores events. {@link dev.fim.engine.output.AsciiJson}
 * writes the values fim formats itself (timestamps, ids, modes, digests) as bytes where the
 * generator takes UTF-8.
 */
package dev.fim.engine.output;
