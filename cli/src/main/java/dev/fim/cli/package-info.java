/**
 * The command line: one picocli command per class, each a thin adapter that maps options to a
 * module's settings, calls one entry point, formats the result and returns the exit code ({@link
 * dev.fim.cli.ExitCodes}). Holds no logic a module test should cover.
 */
package dev.fim.cli;
