/**
 * {@code fim accept}: approving recorded changes ({@link dev.fim.store.Approval}s in the store) and
 * making the accepted paths' current state their baseline. Knows who runs it (login uid from {@code
 * /proc}), not how the command line looks.
 */
package dev.fim.baseline.accept;
