/**
 * Stage: decides <em>what</em> changed ({@link dev.fim.engine.compare.ChangeComparator}) by
 * comparing the state on disk with the last recorded one, and hands each {@link
 * dev.fim.engine.compare.Change} to the next stage ({@link dev.fim.engine.compare.ChangeOutput},
 * the correlator), which decides who made it. Temporaries renamed onto their final name are folded
 * into that name's change; new files named like temporaries wait a bounded time for that rename
 * ({@link dev.fim.engine.compare.TemporaryHold}).
 *
 * <p>Must not: name writers (attribution is the correlator's), write events to the store or sinks
 * itself.
 */
package dev.fim.engine.compare;
