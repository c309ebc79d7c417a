/**
 * Stage step after attribution: the package a changed file belongs to, and whether a package
 * manager's write left the package's content ({@link dev.fim.engine.packages.PackageEnricher}, over
 * {@code dev.fim.baseline.pkg.PackageDatabase}).
 *
 * <p>Must not: attribute, print, or write the store; it only adds to an event.
 */
package dev.fim.engine.packages;
