# shellcheck shell=bash
# The release binary as shipped: the container image builds it the same way. The Swift standard
# library is linked in statically, which halves the server's start (no loading and relocating of
# the Swift runtime's shared libraries: about 6 ms instead of 10 from exec to the first answer).
# Source from the repository root.
release_build=(swift build -c release --static-swift-stdlib --product haptik-mock --scratch-path .build-release)
release_binary=.build-release/release/haptik-mock
