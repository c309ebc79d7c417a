package dev.fim.baseline.pkg;

import java.util.List;

/**
 * Path bytes → the packages ({@code info/} keys: {@code name} or {@code name:arch}) whose file
 * lists name the path, in the order of dpkg's {@code info/} directory: the index read from every
 * list ({@link PathIndex} with its keys) or the sealed copy of it that a command keeps beside its
 * database ({@link OwnerCache}).
 */
interface OwnerIndex {
  /** The keys of the packages that name {@code path}, in list order; empty if none. */
  List<String> owners(byte[] path);
}
