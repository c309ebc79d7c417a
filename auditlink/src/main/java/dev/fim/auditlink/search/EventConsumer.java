package dev.fim.auditlink.search;

import java.io.IOException;

/**
 * Where {@link AuditSearch} sends each matching event, on the thread that called {@link
 * AuditSearch#run}. An IOException (e.g. a closed stdout) stops the search and is rethrown by
 * {@code run}.
 */
@FunctionalInterface
public interface EventConsumer {
  void accept(AuditEvent event) throws IOException;
}
