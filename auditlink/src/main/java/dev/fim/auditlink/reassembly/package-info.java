/**
 * Stage 2 of the audit pipeline: records → events. The kernel sends one event as several records
 * (SYSCALL, CWD, PATH…, PROCTITLE, EOE) sharing a serial, possibly interleaved with other events'
 * records; {@link dev.fim.auditlink.reassembly.Reassembler} groups them, bounds what it holds, and
 * reports serial gaps as lost events through {@link dev.fim.auditlink.reassembly.EventStream}
 * (go-libaudit's {@code Stream}).
 *
 * <p>Owns: the completion rules, the in-flight bound and timeout, the serial order with 32-bit
 * wraparound. Must not know: what fields mean, where records come from, or the wall clock (time is
 * an injected {@link dev.fim.auditlink.reassembly.Ticker}).
 */
package dev.fim.auditlink.reassembly;
