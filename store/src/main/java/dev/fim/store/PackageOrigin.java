package dev.fim.store;

import java.util.Objects;

/**
 * The package a changed file belongs to, as the package manager's database names it (ECS {@code
 * package.name}, {@code package.version}), and whether the file's content was checked against the
 * package's own record of it ({@code fim.package_verified}).
 *
 * @param name the package (for a multi-arch package, {@code name:arch})
 * @param version the installed version, or null when the database has none for it
 * @param verified true: the content's MD5 equals the package's record (its {@code md5sums} or
 *     conffile entry); false: it differs or there is no record to compare with ({@code reason} says
 *     which); null: not verified, only the owner is named (a change by a writer that is not the
 *     package manager, or a removal)
 * @param reason why {@code verified} is false (or null), for people; null when verified
 */
public record PackageOrigin(String name, String version, Boolean verified, String reason) {
  public PackageOrigin {
    Objects.requireNonNull(name, "name");
  }

  /** A package-manager change whose content was compared with the package's record. */
  public boolean checked() {
    return verified != null;
  }

  /** Compared with the package's record and not equal (or no record): the case to look at. */
  public boolean failed() {
    return Boolean.FALSE.equals(verified);
  }
}
