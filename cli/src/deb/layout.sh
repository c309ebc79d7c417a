# --- layout of the installed fim (Debian package, tarball): this block replaces bin/fim's (cli/pom.xml). ---
jar=/usr/share/fim/fim-cli.jar  # its manifest names the libraries in /usr/share/fim/lib
native=/usr/share/fim/native    # not shipped: an Architecture: all package holds no native library, RocksDB unpacks its own
cds=/var/cache/fim              # class-data archives, recorded by root's scans (the package creates it)
missing="/usr/share/fim/fim-cli.jar is missing: reinstall the fim package"
# --- end of layout ---
