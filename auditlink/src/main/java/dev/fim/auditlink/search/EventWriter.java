package dev.fim.auditlink.search;

import java.io.IOException;
import java.io.Writer;

/**
 * Writes one event's text (e.g. {@link SearchText#write}). A search that renders in parallel
 * ({@link AuditSearch#run(java.util.List, java.util.function.Supplier, Writer)}) asks its supplier
 * for one writer per thread, so an implementation need not be thread-safe.
 */
@FunctionalInterface
public interface EventWriter {
  void write(AuditEvent event, Writer out) throws IOException;
}
