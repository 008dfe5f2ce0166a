# The Debian package: `cpack -G DEB` in a build folder (scripts/package.sh does it and checks the
# result). Its contents are the install rules: both executables, the shipped models, the data
# files, the man page and the bash completion.
set(CPACK_PACKAGE_NAME emomusic)
set(CPACK_PACKAGE_VENDOR "emomusic")
set(CPACK_PACKAGE_CONTACT "emomusic maintainers <emomusic@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "reads a facial expression and plays music that fits it")
set(CPACK_PACKAGE_DESCRIPTION
    "emomusic trains and runs a facial-expression classifier (LibTorch, OpenCV) and turns the\n"
    "emotion it reads into a playlist from a local music catalog or Spotify. One command-line\n"
    "program for shell scripts, and a local web page on the visitor's camera.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # emomusic_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION sound)
# Shared libraries become dependencies by their Debian package names (dpkg-shlibdeps). The
# detector's cascades are data, which dpkg-shlibdeps cannot see.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "opencv-data")
# OpenBLAS makes LibTorch's dense layers about 2.4x faster than the reference BLAS; xdg-open
# serves `serve --open`.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libopenblas0-openmp, xdg-utils")
include(CPack)
