/**
 * Stage: decides <em>what</em> changed ({@link dev.fim.engine.compare.ChangeComparator}) by
 * comparing the state on disk with the last recorded one, and hands each {@link
 * dev.fim.engine.compare.Change} to the next stage ({@link dev.fim.engine.compare.ChangeOutput},
 * the correlator), which decides who made it.
 *
 * <p>Must not: name writers (attribution is the correlator's), write events to the store or sinks
 * itself.
 */
package dev.fim.engine.compare;
