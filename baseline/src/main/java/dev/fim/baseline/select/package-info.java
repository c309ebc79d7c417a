/**
 * Selection: the AIDE-compatible config file ({@code fim.conf}) and the {@link
 * dev.fim.baseline.Selector} compiled from its selection lines.
 *
 * <p>Owns the config syntax (rules {@code /re}, {@code =/re}, {@code !/re}, {@code -/re}, file type
 * restrictions, groups and attribute expressions, {@code @@define}/{@code @@ifdef} macros, fim
 * options), the rule precedence (AIDE's seltree: equals rule of the parent directory, then
 * deepest-directory selective rule, then negative rules veto) and the digest of the effective
 * selection. {@link dev.fim.baseline.select.ConfigParser} is the entry point.
 *
 * <p>Paths are bytes: the config is read as bytes and decoded as ISO-8859-1 (one char per byte),
 * and regexes run over path bytes seen the same way, so any rule byte matches the same path byte
 * whatever the locale. Must not know how the tree is walked, how attributes are captured or hashed,
 * or where the baseline is stored; reads no files except the one config file it is given, and no
 * environment.
 */
package dev.fim.baseline.select;
