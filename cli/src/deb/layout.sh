# --- layout of the installed fim (Debian package, tarball): this block replaces bin/fim's (cli/pom.xml). ---
jar=/usr/share/fim/fim-cli.jar  # its manifest names the libraries in /usr/share/fim/lib
native=/usr/lib/fim             # RocksDB's and jffi's libraries, unpacked at build time (Architecture: amd64)
cds=/var/cache/fim              # the class-data archive, trained by root's first command (the package creates it)
missing="/usr/share/fim/fim-cli.jar is missing: reinstall the fim package"
# --- end of layout ---
