/**
 * {@code fim doctor}'s checks: each class asks one part of the host or of fim's own files how it
 * stands (through the modules' own probes: fanotify's open, the seal key's loader, the store's seal
 * verification, the audit client's status) and turns the answer into {@link
 * dev.fim.cli.doctor.Finding}s with the fix.
 */
package dev.fim.cli.doctor;
